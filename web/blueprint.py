"""Routes: GET /api/ui (the page to try the model) and GET /api/ui/assets/{name} (its CSS, JS, icon).

Anonymous: people open the page in a browser. The API calls it makes still need the function key
in Azure; the page reads it from its own URL (`/api/ui?code=KEY`) and sends `x-functions-key`.
"""

from __future__ import annotations

import azure.functions as func

from service import errors
from service.http import json_endpoint, request_path
from web.assets import StaticAsset, api_base_from_path, find_asset, render_page

bp = func.Blueprint()

# Only this origin's files and API; no inline script or style; nobody may frame the page.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The page URL may carry the function key (?code=): never send it to anyone as a Referer.
    "Referrer-Policy": "no-referrer",
}
# The page itself is revalidated on every load; a versioned asset URL never changes content.
PAGE_CACHE = "no-cache"
VERSIONED_ASSET_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_ASSET_CACHE = "public, max-age=300"


def _static_response(req: func.HttpRequest, asset: StaticAsset, cache_control: str) -> func.HttpResponse:
    headers = {**SECURITY_HEADERS, "Cache-Control": cache_control, "ETag": asset.etag}
    if asset.etag in (req.headers.get("if-none-match") or ""):
        return func.HttpResponse(status_code=304, headers=headers)
    # The explicit header wins over mimetype in the worker; mimetype keeps the response object honest.
    return func.HttpResponse(
        body=asset.body,
        status_code=200,
        mimetype=asset.content_type.split(";")[0],
        charset="utf-8",
        headers={**headers, "Content-Type": asset.content_type},
    )


@bp.route(route="ui", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@json_endpoint
def ui_page(req: func.HttpRequest) -> func.HttpResponse:
    page = render_page(api_base_from_path(request_path(req)))
    return _static_response(req, page, PAGE_CACHE)


@bp.route(route="ui/assets/{name}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@json_endpoint
def ui_asset(req: func.HttpRequest) -> func.HttpResponse:
    name = req.route_params.get("name", "")
    asset = find_asset(name)
    if asset is None:
        raise errors.not_found("The page has no such file.")
    versioned = req.params.get("v") == asset.version
    return _static_response(req, asset, VERSIONED_ASSET_CACHE if versioned else UNVERSIONED_ASSET_CACHE)
