"""Screenshots of the page with a real prediction, for the README: docs/img/page.png and page-phone.png.

    .venv-train/bin/python scripts/screenshot_page.py                       # starts its own local host
    .venv-train/bin/python scripts/screenshot_page.py --url http://127.0.0.1:7071   # a running `make run`

Types a tweet, presses Predict and captures the result with its "Is this right?" question (no
feedback is sent, so no storage is needed). Uses the Debian Chromium, never a downloaded browser.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project's packages importable

# the browser tests' Chromium, viewports and sample tweet, so the picture shows what they check
from devhost.process import HostProcess  # noqa: E402
from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, DESKTOP, NEGATIVE_TWEET, PHONE  # noqa: E402


@contextmanager
def local_host():
    """The function app on a free port (python -m devhost), stopped on exit."""
    env = {
        **os.environ,
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "",
    }
    with HostProcess(env) as host:
        yield host.base_url


def capture(base_url: str, out_dir: Path, text: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, viewport in (("page.png", DESKTOP), ("page-phone.png", PHONE)):
            page = browser.new_page(viewport=viewport, device_scale_factor=1)
            page.goto(base_url + "/api/ui")
            page.get_by_label("Tweet text").fill(text)
            page.get_by_role("button", name="Predict").click()
            page.locator("#result:not([hidden])").wait_for(timeout=15000)
            page.wait_for_timeout(400)  # the probability bar's transition
            page.mouse.move(0, 0)  # no hover state on the buttons
            page.evaluate("document.activeElement.blur()")
            path = out_dir / name
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
            page.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running host (default: start one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--text", default=NEGATIVE_TWEET)
    args = parser.parse_args(argv)
    if args.url:
        paths = capture(args.url.rstrip("/"), args.out, args.text)
    else:
        with local_host() as url:
            paths = capture(url, args.out, args.text)
    for path in paths:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
