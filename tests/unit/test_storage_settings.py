"""Which feedback-table connection and which credentials the settings resolve to, for each combination.

One path decides (service/connections.py, read by Settings.from_env); conflicting or half-written
settings fail when the settings are read, at worker start-up, with a message naming what to fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.table_client import NoStorageConfigured, build_table_client
from service.connections import (
    ConfigurationError,
    StorageConnection,
    TokenIdentity,
    resolve_feedback_storage,
    resolve_telemetry_identity,
)
from service.settings import Settings
from service.telemetry import telemetry_credential

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "6b2c1f4e-93a8-4d0b-8f3e-2d5a9c7e1b40"
AZURITE = "UseDevelopmentStorage=true"
APPINSIGHTS = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:1/"


# --- the feedback table: connection string or identity ------------------------------------------


def test_a_feedback_connection_string_is_used_as_is() -> None:
    resolved = resolve_feedback_storage({"FEEDBACK_STORAGE_CONNECTION_STRING": AZURITE})
    assert resolved == StorageConnection(connection_string=AZURITE, source="FEEDBACK_STORAGE_CONNECTION_STRING")
    assert not resolved.uses_identity


def test_without_feedback_settings_the_hosts_connection_string_is_used() -> None:
    assert resolve_feedback_storage({"AzureWebJobsStorage": AZURITE}).connection_string == AZURITE


def test_feedback_settings_win_over_the_hosts() -> None:
    resolved = resolve_feedback_storage({"FEEDBACK_STORAGE__accountName": "stfeedback", "AzureWebJobsStorage": AZURITE})
    assert resolved.table_service_uri == "https://stfeedback.table.core.windows.net"
    assert not resolved.connection_string


def test_an_account_name_with_a_client_id_signs_in_as_that_user_assigned_identity() -> None:
    resolved = resolve_feedback_storage(
        {"FEEDBACK_STORAGE__accountName": "stfeedback", "FEEDBACK_STORAGE__clientId": CLIENT_ID}
    )
    assert resolved.table_service_uri == "https://stfeedback.table.core.windows.net"
    assert resolved.identity == TokenIdentity(managed=True, client_id=CLIENT_ID)


def test_credential_managedidentity_without_client_id_is_the_system_assigned_identity() -> None:
    resolved = resolve_feedback_storage(
        {"FEEDBACK_STORAGE__accountName": "stfeedback", "FEEDBACK_STORAGE__credential": "ManagedIdentity"}
    )
    assert resolved.identity == TokenIdentity(managed=True, client_id="")


def test_an_account_name_alone_uses_the_default_credential_chain() -> None:
    resolved = resolve_feedback_storage({"FEEDBACK_STORAGE__accountName": "stfeedback"})
    assert resolved.identity == TokenIdentity(managed=False)


def test_the_hosts_identity_settings_serve_the_feedback_table_too() -> None:
    # What scripts/deploy/provision.sh sets: one storage account, one user-assigned identity.
    resolved = resolve_feedback_storage(
        {
            "AzureWebJobsStorage__accountName": "sttweets",
            "AzureWebJobsStorage__credential": "managedidentity",
            "AzureWebJobsStorage__clientId": CLIENT_ID,
        }
    )
    assert resolved.table_service_uri == "https://sttweets.table.core.windows.net"
    assert resolved.identity == TokenIdentity(managed=True, client_id=CLIENT_ID)
    assert resolved.source == "AzureWebJobsStorage__*"


def test_a_table_service_uri_is_used_without_its_trailing_slash() -> None:
    resolved = resolve_feedback_storage(
        {
            "FEEDBACK_STORAGE__tableServiceUri": "https://127.0.0.1:10002/devstoreaccount1/",
            "FEEDBACK_STORAGE__clientId": CLIENT_ID,
        }
    )
    assert resolved.table_service_uri == "https://127.0.0.1:10002/devstoreaccount1"


def test_nothing_configured_is_not_an_error_the_store_answers_503() -> None:
    resolved = resolve_feedback_storage({"FEEDBACK_STORAGE_CONNECTION_STRING": "", "AzureWebJobsStorage": ""})
    assert not resolved.configured
    with pytest.raises(NoStorageConfigured):
        build_table_client(resolved, "feedback")


@pytest.mark.parametrize(
    ("env", "names"),
    [
        (
            {"FEEDBACK_STORAGE_CONNECTION_STRING": AZURITE, "FEEDBACK_STORAGE__accountName": "stfeedback"},
            ["FEEDBACK_STORAGE_CONNECTION_STRING", "FEEDBACK_STORAGE__accountName"],
        ),
        (
            {"AzureWebJobsStorage": AZURITE, "AzureWebJobsStorage__accountName": "sttweets"},
            ["AzureWebJobsStorage", "AzureWebJobsStorage__accountName"],
        ),
        (
            {
                "FEEDBACK_STORAGE__accountName": "stfeedback",
                "FEEDBACK_STORAGE__tableServiceUri": "https://stfeedback.table.core.windows.net",
            },
            ["FEEDBACK_STORAGE__accountName", "FEEDBACK_STORAGE__tableServiceUri"],
        ),
    ],
    ids=["feedback-string-and-identity", "host-string-and-identity", "account-and-uri"],
)
def test_conflicting_settings_fail_naming_both(env: dict, names: list[str]) -> None:
    with pytest.raises(ConfigurationError) as error:
        resolve_feedback_storage(env)
    for name in names:
        assert name in str(error.value)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"FEEDBACK_STORAGE__clientId": CLIENT_ID}, "without FEEDBACK_STORAGE__accountName"),
        # The host may name only its blob and queue endpoints: nothing says where the table is.
        (
            {"AzureWebJobsStorage__credential": "managedidentity", "AzureWebJobsStorage__clientId": CLIENT_ID},
            "without AzureWebJobsStorage__accountName",
        ),
        (
            {"FEEDBACK_STORAGE__accountName": "stfeedback", "FEEDBACK_STORAGE__credential": "clientsecret"},
            "only supported value is 'managedidentity'",
        ),
        (
            {"FEEDBACK_STORAGE__accountName": "stfeedback", "FEEDBACK_STORAGE__clientId": "my-identity"},
            r"client id \(a GUID\)",
        ),
        ({"FEEDBACK_STORAGE__accountName": "St_Feedback"}, "3-24 lowercase letters and digits"),
        ({"FEEDBACK_STORAGE__tableServiceUri": "http://127.0.0.1:10002/devstoreaccount1"}, "must be an https:// URL"),
    ],
    ids=[
        "client-id-alone",
        "host-without-table",
        "unknown-credential",
        "client-id-not-guid",
        "bad-account",
        "http-uri",
    ],
)
def test_half_written_identity_settings_fail_with_what_to_fix(env: dict, expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        resolve_feedback_storage(env)


# --- which client and credential are built -------------------------------------------------------


def test_a_connection_string_builds_a_shared_key_client() -> None:
    from azure.core.credentials import AzureNamedKeyCredential

    client = build_table_client(StorageConnection(connection_string=AZURITE), "feedback")
    assert isinstance(client.credential, AzureNamedKeyCredential)


@pytest.mark.parametrize(
    ("identity", "credential_type"),
    [
        (TokenIdentity(managed=True, client_id=CLIENT_ID), "ManagedIdentityCredential"),
        (TokenIdentity(managed=True), "ManagedIdentityCredential"),
        (TokenIdentity(managed=False), "DefaultAzureCredential"),
    ],
)
def test_identity_settings_build_a_token_credential_client(identity: TokenIdentity, credential_type: str) -> None:
    connection = StorageConnection(table_service_uri="https://stfeedback.table.core.windows.net", identity=identity)
    client = build_table_client(connection, "feedback")
    assert type(client.credential).__name__ == credential_type
    assert client.url.startswith("https://stfeedback.table.core.windows.net")


# --- Application Insights ingestion ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "identity"),
    [
        ("Authorization=AAD", TokenIdentity(managed=True)),
        (f"Authorization=AAD;ClientId={CLIENT_ID}", TokenIdentity(managed=True, client_id=CLIENT_ID)),
        (f"ClientId={CLIENT_ID};Authorization=AAD", TokenIdentity(managed=True, client_id=CLIENT_ID)),
    ],
)
def test_the_authentication_string_names_the_ingestion_identity(value: str, identity: TokenIdentity) -> None:
    env = {"APPLICATIONINSIGHTS_CONNECTION_STRING": APPINSIGHTS, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": value}
    assert resolve_telemetry_identity(env) == identity


def test_without_an_authentication_string_ingestion_uses_the_connection_string_alone() -> None:
    assert resolve_telemetry_identity({"APPLICATIONINSIGHTS_CONNECTION_STRING": APPINSIGHTS}) is None


@pytest.mark.parametrize(
    ("value", "connection", "expected"),
    [
        ("Authorization=AAD", "", "APPLICATIONINSIGHTS_CONNECTION_STRING is not"),
        ("Authorization=Key", APPINSIGHTS, "must be 'Authorization=AAD'"),
        ("AAD", APPINSIGHTS, "must look like"),
        ("Authorization=AAD;ClientId=my-identity", APPINSIGHTS, "client id \\(a GUID\\)"),
        ("Authorization=AAD;Secret=x", APPINSIGHTS, "must be 'Authorization=AAD'"),
    ],
    ids=["no-connection-string", "not-aad", "malformed", "client-id-not-guid", "unknown-key"],
)
def test_a_wrong_authentication_string_fails_instead_of_sending_unauthenticated(
    value: str, connection: str, expected: str
) -> None:
    # The exporter itself would only log the malformed value and send without a token, which
    # Application Insights refuses once local authentication is disabled: traces lost silently.
    env = {"APPLICATIONINSIGHTS_CONNECTION_STRING": connection, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": value}
    with pytest.raises(ConfigurationError, match=expected):
        resolve_telemetry_identity(env)


def test_the_telemetry_credential_comes_from_the_same_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPLICATIONINSIGHTS_CONNECTION_STRING", APPINSIGHTS)
    monkeypatch.setenv("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", f"Authorization=AAD;ClientId={CLIENT_ID}")
    assert type(telemetry_credential(Settings.from_env())).__name__ == "ManagedIdentityCredential"
    monkeypatch.delenv("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")
    assert telemetry_credential(Settings.from_env()) is None


# --- start-up ------------------------------------------------------------------------------------


def _clean_env(**settings: str) -> dict[str, str]:
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith(("FEEDBACK_STORAGE", "AZUREWEBJOBSSTORAGE", "APPLICATIONINSIGHTS"))
    }
    return {**keep, "PYTHONPATH": str(ROOT), **settings}


def test_conflicting_settings_stop_the_worker_at_start_up_with_the_reason() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import function_app"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(FEEDBACK_STORAGE_CONNECTION_STRING=AZURITE, FEEDBACK_STORAGE__accountName="stfeedback"),
    )
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert "FEEDBACK_STORAGE__accountName" in result.stderr


def test_identity_settings_do_not_load_azure_identity_before_storage_is_used() -> None:
    # azure-identity costs ~0.4 s to import: the predict cold path must not pay for it.
    code = "import sys, function_app; print('azure.identity' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(AzureWebJobsStorage__accountName="sttweets", AzureWebJobsStorage__clientId=CLIENT_ID),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
