"""Route: every method on `{*path}` (anonymous): the JSON 404, or 405 with `Allow`, that the API promises.

Without it the Functions host answers a wrong method, HEAD or an unknown path under the route
prefix with its own empty 404: each route carries its methods (HttpMethodRouteConstraint), and
the host adds no implicit HEAD. The host tries routes in function-name order, first match wins
(see known_routes.http_functions), so this function's name must sort after every other one;
tests/unit/test_catch_all.py checks that it does.
"""

from __future__ import annotations

from functools import cache

import azure.functions as func

from catch_all.known_routes import CATCH_ALL_TEMPLATE, KnownRoute, http_functions, methods_served_at, unmatched
from service.http import json_endpoint

FUNCTION_NAME = "zz_unmatched_route"  # "zz": last in the host's ordinal, case-insensitive order


def catch_all_blueprint(app: func.FunctionApp) -> func.Blueprint:
    """The catch-all for `app`: the paths and methods it knows are read from `app` at the first request."""
    bp = func.Blueprint()

    @cache
    def known_routes() -> list[KnownRoute]:
        return http_functions(app)  # after every registration: the worker has indexed the app by then

    @bp.function_name(FUNCTION_NAME)
    @bp.route(route=CATCH_ALL_TEMPLATE, auth_level=func.AuthLevel.ANONYMOUS)
    @json_endpoint
    def unmatched_route(req: func.HttpRequest) -> func.HttpResponse:
        raise unmatched(methods_served_at(known_routes(), req.route_params.get("path") or ""))

    return bp
