"""A client generated from the served /api/openapi.json by a real generator works against the local API.

openapi-python-client (pinned in requirements-client.txt, installed in .venv-client by `make test`;
it needs a venv of its own, see that file) reads the document the live host serves; the client it
writes calls predict (one text, a batch), feedback (201, then 200 for the same prediction), gets
typed errors, and reads health. The calls run in the client venv's Python
(generated_client_calls.py); this test checks what they parsed. The generator must drop nothing:
a warning from it (as when Health referred to a property of another schema) fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_VENV = Path(os.environ.get("OPENAPI_CLIENT_VENV", ROOT / ".venv-client"))
CALLS = Path(__file__).with_name("generated_client_calls.py")


@pytest.fixture(scope="module")
def client_venv() -> Path:
    if not (CLIENT_VENV / "bin" / "openapi-python-client").exists():
        pytest.skip(f"openapi-python-client is not installed in {CLIENT_VENV} (make test installs it)")
    return CLIENT_VENV


@pytest.fixture(scope="module")
def generated(client_venv, live_host, tmp_path_factory) -> tuple[Path, str]:
    """(the folder holding the generated package, what the generator printed)."""
    folder = tmp_path_factory.mktemp("generated-client")
    document = folder / "openapi.json"
    document.write_bytes(requests.get(live_host.url("/api/openapi.json"), timeout=30).content)
    # The generator formats its output with the ruff beside it, found on PATH.
    env = {**os.environ, "PATH": f"{client_venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(
        [client_venv / "bin" / "openapi-python-client", "generate", "--path", document, "--meta", "none"]
        + ["--output-path", folder / "tweet_sentiment_client"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return folder, run.stdout + run.stderr


@pytest.fixture(scope="module")
def calls(client_venv, generated, live_host) -> dict:
    folder, _ = generated
    run = subprocess.run(
        [client_venv / "bin" / "python", CALLS, folder, live_host.url("/api")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_generator_keeps_every_schema_and_operation(generated):
    folder, output = generated
    assert "Warning" not in output and "Skipping" not in output, output
    models = {p.stem for p in (folder / "tweet_sentiment_client" / "models").glob("*.py")}
    # Health is the one a pointer into Error's properties made the generator drop.
    assert {"health", "health_limits", "error", "error_detail", "prediction", "prediction_batch"} <= models
    operations = {p.stem for p in (folder / "tweet_sentiment_client" / "api" / "default").glob("*.py")}
    assert {"predict", "feedback", "health", "openapi"} <= operations


def test_a_generated_client_predicts_one_text_and_a_batch(calls):
    single, batch = calls["single"], calls["batch"]
    assert (single["status"], single["type"]) == (200, "Prediction")
    assert single["body"]["sentiment"] == "negative" and single["body"]["label"] == 0
    assert (batch["status"], batch["type"]) == (200, "PredictionBatch")
    assert [p["sentiment"] for p in batch["body"]["predictions"]] == ["positive", "negative"]
    assert batch["body"]["model_version"] == single["body"]["model_version"]


def test_a_generated_client_records_feedback_once(calls):
    first, again = calls["feedback_first"], calls["feedback_again"]
    assert (first["status"], first["type"]) == (201, "FeedbackStored")
    assert (again["status"], again["type"]) == (200, "FeedbackStored")
    assert again["body"] == first["body"]
    assert first["body"]["prediction_id"] == calls["single"]["body"]["prediction_id"]
    assert first["body"]["is_correct"] is False


def test_a_generated_client_reads_errors_as_typed_objects(calls):
    empty, too_large = calls["empty_text"], calls["batch_too_large"]
    assert (empty["status"], empty["type"], empty["body"]["error"]["code"]) == (400, "Error", "empty_text")
    assert (too_large["status"], too_large["type"]) == (413, "Error")
    assert too_large["body"]["error"]["code"] == "batch_too_large"


def test_a_generated_client_reads_health(calls):
    health = calls["health"]
    assert (health["status"], health["type"]) == (200, "Health")
    assert health["body"]["status"] == "ok"
    assert health["body"]["model_version"] == calls["single"]["body"]["model_version"]
    assert set(health["body"]["limits"]) == {"max_text_chars", "max_batch_size", "max_body_bytes"}
