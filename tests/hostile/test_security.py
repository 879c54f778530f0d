"""Security: function keys on predict and feedback in Azure, no secret in the repository, no open CORS."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import requests

from catch_all.blueprint import FUNCTION_NAME as CATCH_ALL
from tests.fixtures.azurite import DEV_KEY
from tests.hostile.app_functions import served_functions

ROOT = Path(__file__).resolve().parents[2]
KEYED = {"predict", "feedback"}
ANONYMOUS = {"health", "openapi", "ui_page", "ui_asset", CATCH_ALL}
ZERO_KEY = "00000000-0000-0000-0000-000000000000"
# Built from pieces so that this file does not match itself.
SECRET_PATTERNS = {
    "storage account key": re.compile(r"AccountKey=([A-Za-z0-9+/]{20,}={0,2})"),
    "instrumentation key": re.compile(r"InstrumentationKey=([0-9a-fA-F-]{36})"),
    "shared access signature": re.compile("SharedAccess" + r"Signature=\S+|[?&]sig=[A-Za-z0-9%+/]{20,}"),
    "private key or certificate": re.compile("-----" + r"BEGIN [A-Z ]+-----"),
}
ALLOWED_VALUES = {"storage account key": {DEV_KEY}, "instrumentation key": {ZERO_KEY}}


def auth_levels() -> dict[str, str]:
    levels = {}
    for name, function in served_functions().items():
        trigger = next(
            b.get_dict_repr() for b in function.get_bindings() if b.get_dict_repr().get("type") == "httpTrigger"
        )
        level = trigger.get("authLevel")
        levels[name] = str(getattr(level, "value", level)).lower()
    return levels


def test_predict_and_feedback_need_a_function_key_in_azure():
    levels = auth_levels()
    assert {name: levels[name] for name in KEYED} == {name: "function" for name in KEYED}


def test_only_health_document_page_and_catch_all_are_anonymous():
    levels = auth_levels()
    assert {name for name, level in levels.items() if level == "anonymous"} == ANONYMOUS
    assert all(level in ("function", "admin") for name, level in levels.items() if name not in ANONYMOUS)


def tracked_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [ROOT / n for n in names.decode().split("\0") if n and (ROOT / n).is_file()]


def find_secrets(text: str) -> list[str]:
    found = []
    for kind, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(1) if match.groups() else match.group(0)
            if value not in ALLOWED_VALUES.get(kind, ()):
                found.append(f"{kind}: {match.group(0)[:40]}…")
    return found


def test_secret_scanner_finds_what_it_looks_for():
    real_looking = (
        "AccountKey="
        + "Q" * 86
        + "==;"
        + " Instrumentation"
        + "Key=12345678-1234-1234-1234-123456789abc"
        + " ?sv=2024&"
        + "sig=abcdefghijklmnopqrstuvwxyz012345"
        + " -----"
        + "BEGIN RSA PRIVATE KEY-----"
    )
    assert len(find_secrets(real_looking)) == 4
    assert find_secrets(f"AccountKey={DEV_KEY}; InstrumentationKey={ZERO_KEY}") == []


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git repository")
def test_no_secret_is_tracked_by_git():
    leaks = {}
    for path in tracked_files():
        data = path.read_bytes()
        if len(data) > 20_000_000:
            continue
        found = find_secrets(data.decode("utf-8", "replace"))
        if found:
            leaks[str(path.relative_to(ROOT))] = found
    assert leaks == {}


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git repository")
def test_local_settings_are_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "local.settings.json"], cwd=ROOT)
    assert ignored.returncode == 0
    assert "local.settings.json" not in {p.name for p in tracked_files()}


def test_local_host_sends_no_cross_origin_permission(live_host):
    """Locally the page is same-origin; in Azure, allowed origins are set on the Function App (docs/security.md)."""
    response = requests.post(
        live_host.url("/api/predict"), json={"text": "cors?"}, headers={"Origin": "https://evil.example"}, timeout=30
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_failing_function_does_not_log_the_function_key(caplog):
    import azure.functions as func

    from service.http import json_endpoint

    @json_endpoint
    def broken(req):
        raise RuntimeError("boom")

    request = func.HttpRequest("POST", "https://app.example/api/predict?code=SECRET-KEY-VALUE", body=b"{}")
    with caplog.at_level("ERROR", logger="tweet_sentiment"):
        response = broken(request)
    assert response.status_code == 500 and b"boom" not in response.get_body()
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "unhandled_error" in logged and "SECRET-KEY-VALUE" not in logged
