"""POST /api/feedback called as the Functions worker calls it, against a real Azurite table.

The function comes from a FunctionApp built here with the feedback blueprint (get_functions() may
be called once per app, and function_app.app belongs to the predict handler tests); the HTTP
tests (test_feedback_http.py) cover the same route as registered in function_app.
"""

import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import azure.functions as func
import pytest
from azure.data.tables import TableClient

from feedback.blueprint import bp as feedback_bp
from tests.fixtures.feedback import feedback_body
from tests.fixtures.settings import apply_settings, reset_worker_state
from tests.http_support import call_post

ROOT = Path(__file__).resolve().parents[2]
TABLE = "feedbackhandler"


def _build_feedback_function():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
    app.register_functions(feedback_bp)
    (function,) = app.get_functions()
    return function


FUNCTION = _build_feedback_function()


use_settings = apply_settings  # environment for this test, as a fresh worker reads it


@pytest.fixture
def feedback(azurite, monkeypatch):
    """The user function with storage in Azurite (and no model anywhere)."""
    use_settings(
        monkeypatch,
        FEEDBACK_STORAGE_CONNECTION_STRING=azurite.connection_string,
        FEEDBACK_TABLE_NAME=TABLE,
        STORAGE_TIMEOUT_SECONDS="2",
        RETRY_AFTER_SECONDS="17",
        MODEL_DIR="/nonexistent/model",
    )
    yield FUNCTION.get_user_function()
    reset_worker_state()


@pytest.fixture(scope="module")
def table(azurite):
    with TableClient.from_connection_string(azurite.connection_string, table_name=TABLE) as client:
        yield client


valid_body = feedback_body


def post(function, body) -> func.HttpResponse:
    return call_post(function, "/feedback", body)


def answer(response) -> dict:
    return json.loads(response.get_body())


def entities_for(table, prediction_id: str) -> list[dict]:
    return list(table.query_entities("RowKey eq @id", parameters={"id": prediction_id}))


def test_feedback_is_stored_with_every_field(feedback, table):
    body = valid_body(
        text='Crew was great "really" 👍\nthanks',
        sentiment="positive",
        probability=1,
        is_correct=True,
        extra_field="ignored",
    )
    before = datetime.now(UTC)
    response = post(feedback, body)
    assert response.status_code == 201, response.get_body()
    assert response.mimetype == "application/json"
    stored = answer(response)
    assert stored["id"] == stored["prediction_id"] == body["prediction_id"]

    (entity,) = entities_for(table, body["prediction_id"])
    assert entity["PartitionKey"] == body["prediction_id"][:2]
    assert entity["RowKey"] == body["prediction_id"]
    assert entity["is_correct"] is True
    assert entity["sentiment"] == "positive"
    assert entity["probability"] == 1.0 and isinstance(entity["probability"], float)
    assert entity["text"] == body["text"]
    assert entity["model_version"] == "fasttext_lstm@1"
    assert "extra_field" not in entity
    received_at = entity["received_at"]
    assert received_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= received_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert stored["received_at"] == received_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    assert {k: stored[k] for k in ("is_correct", "sentiment", "probability", "text", "model_version")} == {
        "is_correct": True,
        "sentiment": "positive",
        "probability": 1.0,
        "text": body["text"],
        "model_version": "fasttext_lstm@1",
    }


def test_repeat_feedback_is_not_duplicated_nor_overwritten(feedback, table):
    body = valid_body()
    first = post(feedback, body)
    second = post(feedback, {**body, "is_correct": True, "text": "a different text"})
    third = post(feedback, body)
    assert (first.status_code, second.status_code, third.status_code) == (201, 200, 200)
    assert answer(second) == answer(first) == answer(third)
    (entity,) = entities_for(table, body["prediction_id"])
    assert entity["is_correct"] is False and entity["text"] == body["text"]


def test_prediction_id_is_case_insensitive(feedback, table):
    body = valid_body()
    assert post(feedback, {**body, "prediction_id": body["prediction_id"].upper()}).status_code == 201
    assert post(feedback, body).status_code == 200
    assert len(entities_for(table, body["prediction_id"])) == 1


def test_concurrent_repeats_store_one_entity(feedback, table):
    body = valid_body()
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: post(feedback, body).status_code, range(6)))
    assert statuses == [200] * 5 + [201]
    assert len(entities_for(table, body["prediction_id"])) == 1


def test_feedback_does_not_need_the_model(feedback):
    # MODEL_DIR points nowhere in this fixture: feedback is stored all the same.
    assert post(feedback, valid_body()).status_code == 201


def _bad_inputs():
    huge = b'{"text": "' + b"a" * 300_000 + b'"}'
    cases = [
        ("empty body", b"", 400, "invalid_json"),
        ("malformed json", b'{"prediction_id": ', 400, "invalid_json"),
        ("json array", b"[]", 400, "invalid_json"),
        ("NaN literal", json.dumps(valid_body()).replace("0.0832", "NaN").encode(), 400, "invalid_json"),
        ("not utf-8", b"\xff\xfe{}", 400, "invalid_json"),
        ("body too large", huge, 413, "body_too_large"),
        ("text too long", valid_body(text="a" * 1001), 413, "text_too_long"),
        ("empty text", valid_body(text="   "), 400, "empty_text"),
        ("text not a string", valid_body(text=["a"]), 400, "invalid_field"),
        ("non-uuid id", valid_body(prediction_id="1234"), 400, "invalid_field"),
        ("uuid without dashes", valid_body(prediction_id=uuid.uuid4().hex), 400, "invalid_field"),
        ("uuid in braces", valid_body(prediction_id=f"{{{uuid.uuid4()}}}"), 400, "invalid_field"),
        ("id as number", valid_body(prediction_id=42), 400, "invalid_field"),
        ("unknown sentiment", valid_body(sentiment="neutral"), 400, "invalid_field"),
        ("sentiment case", valid_body(sentiment="Negative"), 400, "invalid_field"),
        ("sentiment as label", valid_body(sentiment=0), 400, "invalid_field"),
        ("probability as bool", valid_body(probability=True), 400, "invalid_field"),
        ("probability as string", valid_body(probability="0.5"), 400, "invalid_field"),
        ("probability above 1", valid_body(probability=1.0001), 400, "invalid_field"),
        ("probability below 0", valid_body(probability=-0.1), 400, "invalid_field"),
        (
            "probability overflows to inf",
            json.dumps(valid_body()).replace("0.0832", "1e999").encode(),
            400,
            "invalid_field",
        ),
        ("probability null", valid_body(probability=None), 400, "invalid_field"),
        ("model_version empty", valid_body(model_version=""), 400, "invalid_field"),
        ("model_version blank", valid_body(model_version="  "), 400, "invalid_field"),
        ("model_version too long", valid_body(model_version="m" * 201), 400, "invalid_field"),
        ("model_version number", valid_body(model_version=1), 400, "invalid_field"),
        ("is_correct as string", valid_body(is_correct="false"), 400, "invalid_field"),
        ("is_correct as number", valid_body(is_correct=0), 400, "invalid_field"),
        ("is_correct null", valid_body(is_correct=None), 400, "invalid_field"),
    ]
    for field in ("prediction_id", "text", "sentiment", "probability", "model_version", "is_correct"):
        body = valid_body()
        del body[field]
        cases.append((f"missing {field}", body, 400, "missing_field"))
    return cases


BAD_INPUTS = _bad_inputs()


@pytest.mark.parametrize("body, status, code", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_a_json_error_and_stores_nothing(feedback, table, body, status, code):
    response = post(feedback, body)
    assert response.status_code == status, response.get_body()
    error = answer(response)
    assert set(error) == {"error"} and error["error"]["code"] == code and error["error"]["message"]
    if isinstance(body, dict) and isinstance(body.get("prediction_id"), str):
        assert entities_for(table, body["prediction_id"].lower()) == []


def test_missing_fields_are_all_named(feedback):
    message = answer(post(feedback, {"text": "hello"}))["error"]["message"]
    for field in ("prediction_id", "sentiment", "probability", "model_version", "is_correct"):
        assert field in message


def test_unconfigured_storage_is_503_with_retry_after(feedback, monkeypatch):
    use_settings(monkeypatch, FEEDBACK_STORAGE_CONNECTION_STRING="", AzureWebJobsStorage="")
    response = post(feedback, valid_body())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "17"
    assert answer(response)["error"]["code"] == "storage_unavailable"


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (a hung storage endpoint)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_hung_storage_answers_503_within_seconds(feedback, monkeypatch, azurite, silent_server):
    hung = azurite.connection_string.replace(f":{azurite.port}/", f":{silent_server}/")
    use_settings(monkeypatch, FEEDBACK_STORAGE_CONNECTION_STRING=hung, STORAGE_TIMEOUT_SECONDS="1")
    started = time.monotonic()
    response = post(feedback, valid_body())
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.headers["Retry-After"] == "17"
    # One read timeout per attempt, one retry, sub-second backoff.
    assert elapsed < 5, f"503 took {elapsed:.1f} s"


def test_feedback_route_does_not_import_the_storage_sdk_on_the_cold_path():
    code = "import sys, function_app; print('azure.data.tables' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_table_deleted_under_a_running_worker_is_created_again(feedback, monkeypatch, azurite):
    use_settings(monkeypatch, FEEDBACK_TABLE_NAME="feedbackdeleted")
    assert post(feedback, valid_body()).status_code == 201
    with TableClient.from_connection_string(azurite.connection_string, table_name="feedbackdeleted") as client:
        client.delete_table()
        body = valid_body()
        assert post(feedback, body).status_code == 201
        assert len(entities_for(client, body["prediction_id"])) == 1


def test_function_app_serves_feedback_with_a_function_key():
    """function_app.app registers the route (checked in a fresh process: get_functions() once per app)."""
    code = (
        "import json, function_app\n"
        "for f in function_app.app.get_functions():\n"
        "    if f.get_function_name() == 'feedback':\n"
        "        t = f.get_bindings()[0].get_dict_repr()\n"
        "        print(json.dumps([t['route'], [str(getattr(m, 'value', m)) for m in t['methods']],\n"
        "                          str(getattr(t['authLevel'], 'value', t['authLevel']))]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["feedback", ["POST"], "function"]


def test_a_body_without_content_length_is_411(feedback):
    """What the Functions host forwards for a chunked POST: no body and no Content-Length."""
    response = feedback(func.HttpRequest("POST", "http://localhost/api/feedback", headers={}, body=b""))
    assert response.status_code == 411
    assert json.loads(response.get_body())["error"]["code"] == "length_required"
