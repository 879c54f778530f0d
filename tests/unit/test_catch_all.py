"""The catch-all function: what Azure answers for a wrong method, HEAD or an unknown path under /api.

Without it the Functions host answers those with an empty 404; with it, the JSON 404 or 405 with
`Allow` the API documents. The host tries routes in function-name order (first match wins), so the
catch-all must sort after every other function or it would shadow them.
"""

from __future__ import annotations

import json

import azure.functions as func
import pytest

from catch_all.blueprint import FUNCTION_NAME, catch_all_blueprint
from tests.app_functions import served_functions


def http_trigger(function) -> dict:
    return next(b.get_dict_repr() for b in function.get_bindings() if b.get_dict_repr().get("type") == "httpTrigger")


def call_catch_all(method: str, path: str) -> func.HttpResponse:
    handler = served_functions()[FUNCTION_NAME].get_user_function()
    return handler(func.HttpRequest(method, f"http://localhost/api/{path}", body=b"", route_params={"path": path}))


def error_of(response: func.HttpResponse) -> dict:
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Cache-Control") == "no-store"
    assert response.mimetype == "application/json"
    return json.loads(response.get_body())["error"]


def test_the_app_registers_an_anonymous_catch_all_for_every_method():
    trigger = http_trigger(served_functions()[FUNCTION_NAME])
    assert trigger["route"] == "{*path}"
    assert not trigger.get("methods")  # none listed: the host adds no method constraint
    assert str(getattr(trigger["authLevel"], "value", trigger["authLevel"])).lower() == "anonymous"


def test_the_catch_all_sorts_after_every_other_function_in_the_hosts_order():
    # FunctionMetadataManager.cs: OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).
    names = sorted(served_functions(), key=str.upper)
    assert names[-1] == FUNCTION_NAME


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("GET", "predict", "POST"),
        ("HEAD", "predict", "POST"),
        ("PUT", "feedback", "POST"),
        ("HEAD", "health", "GET"),
        ("POST", "ui", "GET"),
        ("DELETE", "ui/assets/page.js", "GET"),
        ("OPTIONS", "openapi.json", "GET"),
        ("GET", "PREDICT/", "POST"),
    ],
)
def test_a_served_path_with_another_method_is_405_with_allow(method, path, allow):
    response = call_catch_all(method, path)
    assert response.status_code == 405 and response.headers.get("Allow") == allow
    assert error_of(response) == {"code": "method_not_allowed", "message": f"This path accepts {allow}."}


@pytest.mark.parametrize("path", ["", "nothing-here", "predict/extra", "ui/assets", "ui/assets/a/b"])
def test_an_unknown_path_is_404_not_found(path):
    response = call_catch_all("GET", path)
    assert response.status_code == 404 and "Allow" not in response.headers
    assert error_of(response)["code"] == "not_found"


def test_known_paths_and_methods_come_from_the_registered_functions():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

    @app.route(route="reports/{day}", methods=["GET", "DELETE"])
    def reports(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("")

    app.register_functions(catch_all_blueprint(app))
    functions = {f.get_function_name(): f.get_user_function() for f in app.get_functions()}
    request = func.HttpRequest(
        "POST", "http://localhost/api/reports/monday", body=b"", route_params={"path": "reports/monday"}
    )
    response = functions[FUNCTION_NAME](request)
    assert response.status_code == 405 and response.headers.get("Allow") == "DELETE, GET"
