"""Dependencies fail: storage goes down and comes back, telemetry cannot be delivered.

Feedback during a storage outage is answered 503 with Retry-After and kept in telemetry; once
storage is back the client's retry stores it exactly once. With telemetry unreachable, predict
and feedback still succeed.
"""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from azure.data.tables import TableClient

from devhost.process import free_port
from service.telemetry import FEEDBACK_STORAGE_FAILED
from tests.fixtures.live_host import LiveHost, host_environment

TABLE = "feedbacklive"  # the live_host fixture's table


def predict(host, text: str) -> dict:
    response = requests.post(host.url("/api/predict"), json={"text": text}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def feedback_for(prediction: dict, text: str, is_correct: bool = False) -> dict:
    return {
        **{k: prediction[k] for k in ("prediction_id", "sentiment", "probability", "model_version")},
        "text": text,
        "is_correct": is_correct,
    }


def send_feedback(host, body: dict) -> requests.Response:
    return requests.post(host.url("/api/feedback"), json=body, timeout=60)


def stored(azurite, prediction_id: str) -> list[dict]:
    with TableClient.from_connection_string(azurite.connection_string, table_name=TABLE) as table:
        return list(table.query_entities("RowKey eq @id", parameters={"id": prediction_id}))


@pytest.fixture
def storage_outage(azurite):
    """Azurite stopped for the test body; started again whatever happens."""
    azurite.stop()
    try:
        yield azurite
    finally:
        if azurite.process is None:
            azurite.start()


def test_storage_outage_is_503_and_recovery_stores_once(live_host, ingestion, storage_outage):
    text = f"outage test {uuid.uuid4()} - bag lost, nobody answers"
    body = feedback_for(predict(live_host, text), text)

    during = [send_feedback(live_host, body) for _ in range(3)]  # a client retrying during the outage
    for response in during:
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"].isdigit()
        assert response.json()["error"]["code"] == "storage_unavailable"
    assert requests.get(live_host.url("/api/health"), timeout=30).status_code == 200
    predict(live_host, "predictions do not need storage")

    # Nothing is lost: the full feedback is in telemetry.
    kept = ingestion.wait_for_traces(
        lambda t: (
            t.get("message") == FEEDBACK_STORAGE_FAILED
            and t.get("properties", {}).get("prediction_id") == body["prediction_id"]
        )
    )
    assert kept[0]["properties"]["text"] == text

    storage_outage.start()
    deadline = time.monotonic() + 60
    while (first := send_feedback(live_host, body)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(1)  # the client honours Retry-After, shortened for the test
    assert first.status_code == 201, first.text
    again = send_feedback(live_host, body)
    assert again.status_code == 200 and again.json() == first.json()
    (entity,) = stored(storage_outage, body["prediction_id"])
    assert entity["text"] == text and entity["is_correct"] is False


def test_requests_succeed_while_telemetry_ingestion_fails(live_host, ingestion):
    ingestion.available = False
    try:
        for i in range(5):
            prediction = predict(live_host, f"telemetry is down {i}")
            response = send_feedback(live_host, feedback_for(prediction, f"telemetry is down {i}"))
            assert response.status_code == 201, response.text
    finally:
        ingestion.available = True
    assert requests.get(live_host.url("/api/health"), timeout=30).status_code == 200


def test_requests_succeed_when_the_telemetry_endpoint_is_unreachable(azurite, tmp_path):
    closed = free_port()  # nothing listens there
    env = host_environment(
        FEEDBACK_STORAGE_CONNECTION_STRING=azurite.connection_string,
        FEEDBACK_TABLE_NAME=TABLE,
        APPLICATIONINSIGHTS_CONNECTION_STRING=(
            "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
            f"IngestionEndpoint=http://127.0.0.1:{closed}/;LiveEndpoint=http://127.0.0.1:{closed}/"
        ),
    )
    host = LiveHost(env, tmp_path / "devhost.log")
    try:
        for i in range(10):
            text = f"no telemetry endpoint {i}"
            prediction = predict(host, text)
            assert send_feedback(host, feedback_for(prediction, text, is_correct=bool(i % 2))).status_code == 201
        assert requests.get(host.url("/api/health"), timeout=30).status_code == 200
        assert host.process.poll() is None
    finally:
        host.stop()
