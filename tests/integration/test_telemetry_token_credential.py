"""Application Insights ingestion signed with the managed identity's Entra ID token.

With APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD;ClientId=<id> (what
scripts/deploy/provision.sh sets), a worker's traces reach the ingestion endpoint with a bearer
token that ManagedIdentityCredential obtained for Azure Monitor from the platform's identity
endpoint. Run in a fresh process: the exporter is configured once per process.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.identity import HttpsIngestion, ManagedIdentityEndpoint, make_certificate

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "6b2c1f4e-93a8-4d0b-8f3e-2d5a9c7e1b40"
WORKER = """
from opentelemetry._logs import get_logger_provider
from service import telemetry
from service.settings import Settings

assert telemetry.start_telemetry(Settings.from_env())
telemetry.request_answered()  # as after a first answer: the exporter starts in the background
assert telemetry.wait_until_started(60)
telemetry.track("identity_probe", probe="1")
get_logger_provider().force_flush()
"""


@pytest.fixture
def servers(tmp_path):
    cert, key = make_certificate(tmp_path)
    identity, ingestion = ManagedIdentityEndpoint(), HttpsIngestion(cert, key)
    yield cert, identity, ingestion
    identity.close()
    ingestion.close()


def run_worker(
    tmp_path: Path, cert: Path, identity: ManagedIdentityEndpoint, ingestion: HttpsIngestion, **settings: str
) -> None:
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith(
            ("APPLICATIONINSIGHTS", "FEEDBACK_STORAGE", "AZUREWEBJOBSSTORAGE", "IDENTITY_", "MSI_", "AZURE_CLIENT")
        )
    }
    env = {
        **keep,
        **identity.environment(),
        "PYTHONPATH": str(ROOT),
        "REQUESTS_CA_BUNDLE": str(cert),
        "APPLICATIONINSIGHTS_CONNECTION_STRING": ingestion.connection_string,
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
        "OTEL_EXPERIMENTAL_RESOURCE_DETECTORS": "otel",
        "TELEMETRY_STORAGE_DIR": str(tmp_path / "telemetry"),
        **settings,
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def claims(authorization: str) -> dict:
    payload = authorization.removeprefix("Bearer ").split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_traces_are_sent_with_the_user_assigned_identitys_token(tmp_path, servers) -> None:
    cert, identity, ingestion = servers
    run_worker(
        tmp_path,
        cert,
        identity,
        ingestion,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING=f"Authorization=AAD;ClientId={CLIENT_ID}",
    )
    posts = [post for post in ingestion.posts if "identity_probe" in post["messages"]]
    assert posts, f"the trace did not arrive: {ingestion.posts}"
    assert all(post["authorization"].startswith("Bearer ") for post in posts)
    assert claims(posts[0]["authorization"])["aud"].startswith("https://monitor.azure.com")
    assert {request.get("client_id") for request in identity.requests} == {CLIENT_ID}


def test_without_the_authentication_string_no_token_is_asked_for_or_sent(tmp_path, servers) -> None:
    cert, identity, ingestion = servers
    run_worker(tmp_path, cert, identity, ingestion)
    posts = [post for post in ingestion.posts if "identity_probe" in post["messages"]]
    assert posts and all(post["authorization"] == "" for post in posts)
    assert identity.requests == []
