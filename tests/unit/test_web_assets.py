"""The page and its assets through the handlers: allow-list, traversal, content types, CSP, caching."""

from __future__ import annotations

import json
import re

import azure.functions as func
import pytest

from web.assets import ASSET_TYPES, api_base_from_path, load_assets
from web.blueprint import bp


@pytest.fixture(scope="module")
def handlers():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
    app.register_functions(bp)
    return {f.get_function_name(): f for f in app.get_functions()}


def get_page(handlers, url="http://localhost/api/ui", headers=None) -> func.HttpResponse:
    request = func.HttpRequest("GET", url, headers=headers or {}, body=b"")
    return handlers["ui_page"].get_user_function()(request)


def get_asset(handlers, name, params=None, headers=None) -> func.HttpResponse:
    request = func.HttpRequest(
        "GET",
        f"http://localhost/api/ui/assets/{name}",
        headers=headers or {},
        params=params or {},
        route_params={"name": name},
        body=b"",
    )
    return handlers["ui_asset"].get_user_function()(request)


def assert_strict_csp(response: func.HttpResponse) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_page_and_assets_are_anonymous_get_routes(handlers):
    for name, route in (("ui_page", "ui"), ("ui_asset", "ui/assets/{name}")):
        trigger = handlers[name].get_bindings()[0].get_dict_repr()
        assert trigger["route"] == route
        assert str(getattr(trigger["authLevel"], "value", trigger["authLevel"])) == "anonymous"
        assert [str(getattr(m, "value", m)) for m in trigger["methods"]] == ["GET"]


def test_page_is_html_with_strict_csp_and_no_inline_script(handlers):
    response = get_page(handlers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert_strict_csp(response)
    html = response.get_body().decode()
    assert "{{" not in html
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts and all(body.strip() == "" for body in scripts)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert "http://" not in html and "https://" not in html  # nothing from another host


def test_page_links_every_asset_by_absolute_versioned_url(handlers):
    html = get_page(handlers).get_body().decode()
    for name, asset in load_assets().items():
        assert f"/api/ui/assets/{name}?v={asset.version}" in html
    assert 'data-api-base="/api/"' in html


def test_page_with_trailing_slash_keeps_absolute_urls(handlers):
    html = get_page(handlers, "http://localhost/api/ui/?code=abc").get_body().decode()
    assert 'data-api-base="/api/"' in html and "/api/ui/ui/" not in html


@pytest.mark.parametrize(
    ("path", "base"),
    [
        ("/api/ui", "/api/"),
        ("/api/ui/", "/api/"),
        ("/ui", "/"),
        ("/custom/prefix/ui", "/custom/prefix/"),
        ('/api/ui"><script>', "/api/"),
        ("/x y/ui", "/api/"),
        ("/elsewhere", "/api/"),
    ],
)
def test_api_base_comes_from_the_page_path_or_falls_back(path, base):
    assert api_base_from_path(path) == base


@pytest.mark.parametrize("name", sorted(ASSET_TYPES))
def test_each_allow_listed_asset_has_its_content_type(handlers, name):
    response = get_asset(handlers, name)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ASSET_TYPES[name]
    assert response.get_body() == load_assets()[name].body
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert_strict_csp(response)


def test_versioned_asset_is_cached_for_a_year_and_revalidates_with_etag(handlers):
    asset = load_assets()["page.js"]
    response = get_asset(handlers, "page.js", params={"v": asset.version})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"] == asset.etag
    again = get_asset(handlers, "page.js", headers={"if-none-match": asset.etag})
    assert again.status_code == 304 and again.get_body() == b""


def test_a_stale_version_is_not_cached_as_immutable(handlers):
    response = get_asset(handlers, "page.css", params={"v": "000000000000"})
    assert response.status_code == 200 and "immutable" not in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "name",
    [
        "../host.json",
        "..%2Fhost.json",
        "%2e%2e%2fhost.json",
        "..\\host.json",
        "index.html",
        "page.js.map",
        "PAGE.CSS",
        "page.css%00",
        "",
        ".",
        "..",
        "/etc/passwd",
        "static/page.css",
        "../../function_app.py",
    ],
)
def test_anything_off_the_allow_list_is_a_json_404(handlers, name):
    response = get_asset(handlers, name)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert json.loads(response.get_body())["error"]["code"] == "not_found"
