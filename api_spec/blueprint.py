"""Route: GET /api/openapi.json (anonymous: the contract is public, the data behind it is not)."""

import azure.functions as func

from api_spec.document import build_openapi
from service.http import json_endpoint, json_response
from service.settings import get_settings

bp = func.Blueprint()


@bp.route(route="openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@json_endpoint
def openapi(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(build_openapi(get_settings()))
