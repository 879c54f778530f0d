"""Shared by the hostile tests: the app's user functions, called as the Functions worker calls them."""

from __future__ import annotations

import azure.functions as func
import pytest

import function_app
from feedback.store import reset_feedback_store
from predict.runtime import reset_model
from service.settings import get_settings

TABLE = "feedbackhostile"


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


@pytest.fixture(scope="module")
def handlers(azurite):
    """User functions of predict and feedback, feedback stored in Azurite, the committed model."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("APPLICATIONINSIGHTS_CONNECTION_STRING", "AzureWebJobsStorage"):
            patch.delenv(name, raising=False)
        patch.setenv("FEEDBACK_STORAGE_CONNECTION_STRING", azurite.connection_string)
        patch.setenv("FEEDBACK_TABLE_NAME", TABLE)
        patch.setenv("STORAGE_TIMEOUT_SECONDS", "2")
        get_settings.cache_clear()
        reset_feedback_store()
        reset_model()
        functions = served_functions()
        yield {name: functions[name].get_user_function() for name in ("predict", "feedback", "health")}
        get_settings.cache_clear()
        reset_feedback_store()
        reset_model()


def call(function, route: str, body: bytes, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return function(func.HttpRequest("POST", f"http://localhost/api{route}", headers=headers or {}, body=body))
