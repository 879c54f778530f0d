"""POST /api/feedback over real HTTP (python -m devhost) with real Azurite, including an outage.

The live host stores into the table `feedbacklive` and exports telemetry to the local ingestion
endpoint (tests/fixtures/live_host.py).
"""

import time

import pytest
import requests
from azure.data.tables import TableClient

from tests.fixtures.feedback import feedback_body
from tests.http_support import post_json
from tests.kql_support import SEVERITY_LEVELS, severity_number

TABLE = "feedbacklive"
FULL_FEEDBACK = ("prediction_id", "text", "sentiment", "probability", "model_version", "is_correct")


@pytest.fixture(scope="module")
def table(azurite):
    with TableClient.from_connection_string(azurite.connection_string, table_name=TABLE) as client:
        yield client


def valid_body(**overrides) -> dict:
    return feedback_body(
        **{
            "text": "Lost my bag again @airline, thanks for nothing",
            "sentiment": "positive",
            "probability": 0.61,
            **overrides,
        }
    )


def post(live_host, body, timeout=30):
    return post_json(live_host, "/feedback", body, timeout=timeout, headers={"Content-Type": "application/json"})


def stored(table, prediction_id: str) -> list[dict]:
    return list(table.query_entities("RowKey eq @id", parameters={"id": prediction_id}))


def test_feedback_is_stored_then_acknowledged_once(live_host, table):
    body = valid_body()
    first, second = post(live_host, body), post(live_host, body)
    assert (first.status_code, second.status_code) == (201, 200), first.text
    assert first.headers["Content-Type"].startswith("application/json")
    assert first.json() == second.json()
    assert first.json()["id"] == body["prediction_id"]
    (entity,) = stored(table, body["prediction_id"])
    assert {k: entity[k] for k in FULL_FEEDBACK[1:]} == {k: body[k] for k in FULL_FEEDBACK[1:]}


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b"{oops", 400, "invalid_json"),
        (b'{"prediction_id": NaN}', 400, "invalid_json"),
        ({"text": "only text"}, 400, "missing_field"),
        (valid_body(probability=False), 400, "invalid_field"),
        (valid_body(is_correct=1), 400, "invalid_field"),
        (valid_body(prediction_id="not-a-uuid"), 400, "invalid_field"),
        (valid_body(text=""), 400, "empty_text"),
        (valid_body(text="x" * 1001), 413, "text_too_long"),
        (b'{"text": "' + b"a" * 300_000 + b'"}', 413, "body_too_large"),
    ],
)
def test_bad_feedback_is_a_json_error(live_host, body, status, code):
    response = post(live_host, body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert "Traceback" not in response.text


def test_get_is_not_allowed(live_host):
    response = requests.get(live_host.url("/api/feedback"), timeout=30)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_storage_outage_answers_503_and_keeps_the_feedback_in_telemetry(live_host, azurite, ingestion, table):
    body = valid_body(text='Stuck on the tarmac for 2h, "great" service', is_correct=False)
    azurite.stop()
    try:
        started = time.monotonic()
        response = post(live_host, body)
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "storage_unavailable"
        assert int(response.headers["Retry-After"]) > 0
        assert elapsed < 10, f"503 took {elapsed:.1f} s"
        # The worker survives: other routes still answer.
        assert requests.get(live_host.url("/api/openapi.json"), timeout=30).status_code == 200

        (trace,) = ingestion.wait_for_traces(
            lambda t: (
                t["properties"].get("event") == "feedback_storage_failed"
                and t["properties"].get("prediction_id") == body["prediction_id"]
            )
        )
        assert trace["message"] == "feedback_storage_failed"
        assert severity_number(trace["severityLevel"]) == SEVERITY_LEVELS["Error"]
        properties = trace["properties"]
        assert properties["text"] == body["text"]
        assert properties["sentiment"] == body["sentiment"]
        assert float(properties["probability"]) == body["probability"]
        assert properties["model_version"] == body["model_version"]
        assert properties["is_correct"] == "False"
        assert properties["reason"]
    finally:
        azurite.start()

    again = post(live_host, body)
    assert again.status_code == 201, again.text
    assert post(live_host, body).status_code == 200
    assert len(stored(table, body["prediction_id"])) == 1
