"""The page's files: a fixed allow-list read once from web/static/, with content types and ETags.

Nothing here knows HTTP. A requested name is only ever a key into the allow-list, never a path,
so `../host.json` or `%2e%2e` simply is not found.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Every file the page may load, with its content type. Adding a file means adding it here.
ASSET_TYPES = {
    "page.css": "text/css; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
PAGE_TEMPLATE = "index.html"
PAGE_TYPE = "text/html; charset=utf-8"

# The route prefix as seen in the request path ("/api/"); anything odd falls back to the default.
DEFAULT_API_BASE = "/api/"
_SAFE_BASE = re.compile(r"/(?:[A-Za-z0-9_.~-]+/)*")


@dataclass(frozen=True)
class StaticAsset:
    name: str
    content_type: str
    body: bytes

    @property
    def version(self) -> str:
        """A short content hash: asset URLs carry it, so a changed file is a new URL."""
        return hashlib.sha256(self.body).hexdigest()[:12]

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@lru_cache(maxsize=1)
def load_assets() -> dict[str, StaticAsset]:
    """The allow-listed assets, read once per worker."""
    return {
        name: StaticAsset(name, content_type, (STATIC_DIR / name).read_bytes())
        for name, content_type in ASSET_TYPES.items()
    }


def find_asset(name: str) -> StaticAsset | None:
    return load_assets().get(name)


def api_base_from_path(path: str) -> str:
    """'/api/ui' or '/api/ui/' -> '/api/': where the page's own routes and the API live."""
    trimmed = path.rstrip("/")
    base = trimmed[: -len("ui")] if trimmed.endswith("/ui") else DEFAULT_API_BASE
    return base if _SAFE_BASE.fullmatch(base) else DEFAULT_API_BASE


@lru_cache(maxsize=1)
def _page_template() -> str:
    return (STATIC_DIR / PAGE_TEMPLATE).read_text(encoding="utf-8")


def render_page(api_base: str) -> StaticAsset:
    """index.html with absolute, versioned asset URLs and the API base filled in."""
    text = _page_template().replace("{{api_base}}", html.escape(api_base, quote=True))
    for name, asset in load_assets().items():
        url = f"{api_base}ui/assets/{name}?v={asset.version}"
        text = text.replace("{{asset:" + name + "}}", html.escape(url, quote=True))
    return StaticAsset(PAGE_TEMPLATE, PAGE_TYPE, text.encode("utf-8"))
