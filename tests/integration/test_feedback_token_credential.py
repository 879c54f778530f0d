"""A feedback stored through a managed identity's token, no account key: real Azurite over HTTPS with OAuth.

The app gets only identity settings (FEEDBACK_STORAGE__tableServiceUri and __clientId, as in Azure
with a user-assigned identity); azure-identity's ManagedIdentityCredential fetches a token from the
platform's identity endpoint (tests/fixtures/identity.py) and the table client sends it as a
bearer token to Azurite, which checks its issuer, audience and lifetime.
"""

from __future__ import annotations

import json

import azure.functions as func
import pytest
from azure.data.tables import TableClient

from feedback.blueprint import bp as feedback_bp
from tests.fixtures.feedback import feedback_body
from tests.fixtures.identity import AzuriteOAuth, ManagedIdentityEndpoint, make_certificate
from tests.fixtures.settings import apply_settings, reset_worker_state
from tests.http_support import call_post

TABLE = "feedbackidentity"
CLIENT_ID = "6b2c1f4e-93a8-4d0b-8f3e-2d5a9c7e1b40"


def _feedback_function():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
    app.register_functions(feedback_bp)
    (function,) = app.get_functions()
    return function.get_user_function()


FEEDBACK = _feedback_function()


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def azurite_oauth(tmp_path_factory, tls):
    server = AzuriteOAuth(tmp_path_factory.mktemp("azurite-oauth"), *tls)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def identity_endpoint():
    endpoint = ManagedIdentityEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture
def feedback(azurite_oauth, identity_endpoint, tls, monkeypatch):
    """POST /api/feedback with identity settings only: no connection string anywhere."""
    for name in (
        "FEEDBACK_STORAGE_CONNECTION_STRING",
        "AzureWebJobsStorage",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "AZURE_CLIENT_ID",
        "MSI_ENDPOINT",
        "IDENTITY_SERVER_THUMBPRINT",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = {
        **identity_endpoint.environment(),
        "FEEDBACK_STORAGE__tableServiceUri": azurite_oauth.table_service_uri,
        "FEEDBACK_STORAGE__clientId": CLIENT_ID,
        "FEEDBACK_TABLE_NAME": TABLE,
        "STORAGE_TIMEOUT_SECONDS": "3",
        "MODEL_DIR": "/nonexistent/model",
        # Trust the test's certificate (requests reads this when no verify= is given).
        "REQUESTS_CA_BUNDLE": str(tls[0]),
    }
    apply_settings(monkeypatch, **settings)
    yield FEEDBACK
    reset_worker_state()


def post(function, body: dict) -> func.HttpResponse:
    return call_post(function, "/feedback", body)


def test_feedback_is_stored_through_the_managed_identity_token(feedback, azurite_oauth, identity_endpoint) -> None:
    body = feedback_body()
    response = post(feedback, body)
    assert response.status_code == 201, response.get_body()
    assert json.loads(response.get_body())["prediction_id"] == body["prediction_id"]

    # The token was asked for storage, for the user-assigned identity the settings name.
    assert identity_endpoint.requests, "no token was requested from the identity endpoint"
    assert {request.get("resource") for request in identity_endpoint.requests} == {"https://storage.azure.com"}
    assert {request.get("client_id") for request in identity_endpoint.requests} == {CLIENT_ID}

    # Read back independently (the emulator's shared key): the entity is really in the table.
    with TableClient.from_connection_string(
        azurite_oauth.connection_string, table_name=TABLE, connection_verify=str(azurite_oauth.cert)
    ) as table:
        stored = table.get_entity(body["prediction_id"][:2], body["prediction_id"])
    assert stored["text"] == body["text"] and stored["is_correct"] is False


def test_a_repeat_through_the_token_is_answered_200_with_the_stored_record(feedback) -> None:
    body = feedback_body(is_correct=True)
    first = post(feedback, body)
    again = post(feedback, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(again.get_body()) == json.loads(first.get_body())


def test_a_token_for_another_audience_is_refused_by_storage(feedback, identity_endpoint) -> None:
    # Proves the bearer token is what Azurite judged: the same request with a token minted for
    # Azure Monitor instead of storage is refused, and the app answers its documented 503.
    identity_endpoint.audience = "https://monitor.azure.com"
    response = post(feedback, feedback_body())
    assert response.status_code == 503
    assert json.loads(response.get_body())["error"]["code"] == "storage_unavailable"
