"""The function app's functions as the Functions worker sees them, for handler-level tests."""

from __future__ import annotations

from functools import lru_cache

import function_app


@lru_cache(maxsize=1)
def served_functions() -> dict[str, object]:
    """name → Function of function_app.app (the SDK allows one get_functions() per app, so: cached).

    The app's name registry is put back afterwards, so code that calls get_functions() itself
    (the local host in a test process) still can.
    """
    app = function_app.app
    seen = app.functions_bindings
    try:
        return {f.get_function_name(): f for f in app.get_functions()}
    finally:
        app.functions_bindings = seen


def user_function(name: str):
    return served_functions()[name].get_user_function()
