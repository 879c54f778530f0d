"""scripts/deploy/provision.sh gives the app a managed identity, its roles and identity-based settings,
reads no account key, and changes nothing on a second run.

The script runs for real (bash) against tests/deploy/fake_az.py as `az`, which records every call
and keeps what "exists" between runs: Azure is the one part faked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from service.connections import TokenIdentity, resolve_feedback_storage, resolve_telemetry_identity
from tests.deploy.fake_az import APPINSIGHTS_ID, CANARY_KEY, IDENTITY, STORAGE_ID

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "deploy" / "provision.sh"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
ENV = {
    "RESOURCE_GROUP": "rg",
    "LOCATION": "westeurope",
    "FUNCTIONAPP_NAME": "app",
    "STORAGE_ACCOUNT": "sttweets",
    "APP_INSIGHTS_NAME": "appi",
    "LOG_ANALYTICS_NAME": "log",
}
ROLES = {
    ("Storage Blob Data Owner", STORAGE_ID),
    ("Storage Blob Data Contributor", STORAGE_ID),
    ("Storage Table Data Contributor", STORAGE_ID),
    ("Monitoring Metrics Publisher", APPINSIGHTS_ID),
}


class Provision:
    """Runs provision.sh against the fake CLI; `calls` are the argv lists of the latest run."""

    def __init__(self, folder: Path):
        self.folder = folder
        bin_dir = folder / "bin"
        bin_dir.mkdir()
        fake = bin_dir / "az"
        fake.write_text(f'#!/bin/sh\nexec {sys.executable} {ROOT / "tests" / "deploy" / "fake_az.py"} "$@"\n')
        fake.chmod(0o755)
        self.path = f"{bin_dir}:{os.environ['PATH']}"
        self.state = folder / "state.json"
        self.calls: list[list[str]] = []
        self.output = ""

    def run(self, expect_success: bool = True, **extra_env: str) -> int:
        log = self.folder / "calls.jsonl"
        log.unlink(missing_ok=True)
        env = {
            "PATH": self.path,
            "HOME": str(self.folder),
            "FAKE_AZ_STATE": str(self.state),
            "FAKE_AZ_LOG": str(log),
            "PYTHONPATH": str(ROOT),
            **ENV,
            **extra_env,
        }
        result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300)
        if expect_success:
            assert result.returncode == 0, f"provision.sh failed:\n{result.stdout}\n{result.stderr}"
        self.output = result.stdout + result.stderr
        self.calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return result.returncode

    def find(self, *words: str) -> list[list[str]]:
        return [call for call in self.calls if call[: len(words)] == list(words)]

    def settings(self) -> dict[str, str]:
        return json.loads(self.state.read_text())["settings"]


def option(call: list[str], name: str) -> str:
    return call[call.index(name) + 1]


@pytest.fixture
def provision(tmp_path: Path) -> Provision:
    runner = Provision(tmp_path)
    runner.run()
    return runner


def test_the_app_gets_a_user_assigned_identity_and_its_roles(provision: Provision) -> None:
    assert len(provision.find("identity", "create")) == 1
    granted = provision.find("role", "assignment", "create")
    assert {(option(call, "--role"), option(call, "--scope")) for call in granted} == ROLES
    for call in granted:
        assert option(call, "--assignee-object-id") == IDENTITY["principalId"]
        assert option(call, "--assignee-principal-type") == "ServicePrincipal"
    (attach,) = provision.find("functionapp", "identity", "assign")
    assert option(attach, "--identities") == IDENTITY["id"]


def test_the_deployment_container_is_reached_with_the_identity(provision: Provision) -> None:
    (create,) = provision.find("functionapp", "create")
    (config,) = provision.find("functionapp", "deployment", "config", "set")
    for call in (create, config):
        assert option(call, "--deployment-storage-auth-type") == "UserAssignedIdentity"
        assert option(call, "--deployment-storage-auth-value") == IDENTITY["id"]
    assert "DEPLOYMENT_STORAGE_CONNECTION_STRING" not in provision.settings()


def test_the_app_settings_are_identity_based_and_the_app_resolves_them(provision: Provision) -> None:
    settings = provision.settings()
    assert settings["AzureWebJobsStorage__accountName"] == "sttweets"
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert settings["AzureWebJobsStorage__clientId"] == IDENTITY["clientId"]
    assert settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] == f"Authorization=AAD;ClientId={IDENTITY['clientId']}"
    # The key-based setting `az functionapp create` writes is gone.
    assert "AzureWebJobsStorage" not in settings
    # What the app makes of them (service/connections.py): the same identity for both.
    storage = resolve_feedback_storage(settings)
    assert storage.table_service_uri == "https://sttweets.table.core.windows.net"
    assert storage.identity == TokenIdentity(managed=True, client_id=IDENTITY["clientId"])
    assert resolve_telemetry_identity(settings) == TokenIdentity(managed=True, client_id=IDENTITY["clientId"])


def test_local_authentication_is_turned_off_on_storage_and_application_insights(provision: Provision) -> None:
    (create,) = provision.find("storage", "account", "create")
    (update,) = provision.find("storage", "account", "update")
    for call in (create, update):
        assert option(call, "--allow-shared-key-access") == "false"
    (insights,) = provision.find("resource", "update")
    assert option(insights, "--ids") == APPINSIGHTS_ID
    assert option(insights, "--set") == "properties.DisableLocalAuth=true"
    # Keys go off only after the settings stopped using them.
    (settings,) = provision.find("functionapp", "config", "appsettings", "set")
    assert provision.calls.index(settings) < provision.calls.index(update)


def test_no_account_key_is_read_used_or_printed(provision: Provision) -> None:
    for call in provision.calls:
        line = " ".join(call)
        assert not re.search(r"\bkeys (list|renew)\b|show-connection-string", line), line
        assert not {"--connection-string", "--account-key", "--sas-token"} & set(call), line
        assert option(call, "--auth-mode") != "key" if "--auth-mode" in call else True
    assert CANARY_KEY not in provision.output
    assert not any("AccountKey=" in value for value in provision.settings().values())


def test_the_script_text_reads_no_key() -> None:
    text = SCRIPT.read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for forbidden in (
        "keys list",
        "show-connection-string",
        "--connection-string",
        "--account-key",
        "StorageAccountConnectionString",
        "AzureWebJobsStorage=",
    ):
        assert forbidden not in code, forbidden


def test_a_second_run_creates_nothing_and_assigns_no_role_again(provision: Provision) -> None:
    provision.run()
    created = [call for call in provision.calls if "create" in call[:4] and call[:2] != ["group", "create"]]
    assert created == []
    assert provision.find("role", "assignment", "list")  # checked, not re-created


def test_the_deploy_doc_lists_every_role_the_script_grants() -> None:
    doc = DEPLOY_DOC.read_text(encoding="utf-8")
    granted = set(re.findall(r'^grant "([^"]+)"', SCRIPT.read_text(), flags=re.MULTILINE))
    assert granted == {role for role, _ in ROLES}
    for role in granted:
        assert role in doc, f"docs/deploy.md does not name {role}"
