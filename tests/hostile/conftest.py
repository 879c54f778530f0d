"""Fixtures of the hostile tests (the shared ones, Azurite, ingestion and live_host, are in tests/fixtures)."""

from __future__ import annotations

import pytest

from feedback.store import reset_feedback_store
from predict.runtime import reset_model
from service.settings import get_settings
from tests.hostile.app_functions import served_functions

TABLE = "feedbackhostile"


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
