"""The function app's user functions, called as the Functions worker calls them."""

from __future__ import annotations

import azure.functions as func

import function_app


def served_functions() -> dict[str, object]:
    """name → Function of function_app.app, leaving the app as it was.

    The SDK refuses a second get_functions() on one app (it remembers the names it has seen), and
    other test modules call it on the same app; so the name registry is put back afterwards.
    """
    app = function_app.app
    seen = app.functions_bindings
    try:
        return {f.get_function_name(): f for f in app.get_functions()}
    finally:
        app.functions_bindings = seen


def call(function, route: str, body: bytes, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return function(func.HttpRequest("POST", f"http://localhost/api{route}", headers=headers or {}, body=body))
