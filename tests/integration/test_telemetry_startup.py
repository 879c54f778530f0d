"""Telemetry is configured off the cold path and nothing is lost (service/telemetry.py).

A fresh process keeps the records emitted before the Azure Monitor exporter is ready and sends
them once it is; a process that exits first configures it on the way out. Checked with the real
exporter against a local ingestion endpoint of the test's own, so every envelope is this process's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import requests

from service import telemetry
from tests.fixtures.ingestion import IngestionEndpoint, started_trace
from tests.fixtures.live_host import telemetry_host
from tests.integration.test_telemetry_wire import run_python

EARLY = (telemetry.MODEL_LOADED, telemetry.PREDICTION_SERVED)  # emitted by the first request, in this order


def messages(ingestion: IngestionEndpoint, since: datetime) -> list[str]:
    """Each record emitted since `since` once: a record sent again is the same envelope; one
    emitted twice is not."""
    return [t["message"] for t in ingestion.traces(distinct=True, since=since)]


def test_the_first_requests_traces_reach_application_insights_from_a_fresh_host(own_ingestion, tmp_path):
    started_at = datetime.now(UTC)
    with telemetry_host(own_ingestion, tmp_path) as host:
        response = requests.post(host.url("/api/predict"), json={"text": "first tweet of this worker"}, timeout=60)
        assert response.status_code == 200, response.text
        prediction_id = response.json()["prediction_id"]
        started = started_trace(own_ingestion, since=started_at)
        (served,) = own_ingestion.wait_for_traces(
            lambda t: t["properties"].get("prediction_id") == prediction_id, timeout=60
        )
    # Both records were emitted before the exporter was ready (kept, then sent), and none dropped.
    assert (started["records_kept"], started["records_dropped"]) == ("2", "0")
    assert served["message"] == telemetry.PREDICTION_SERVED
    assert [m for m in messages(own_ingestion, since=started_at) if m in EARLY] == list(EARLY)


EXIT_AT_ONCE = """
import json
import azure.functions as func
import function_app
from service import telemetry
predict = {f.get_function_name(): f.get_user_function() for f in function_app.app.get_functions()}["predict"]
answer = predict(func.HttpRequest("POST", "http://localhost/api/predict", body=b'{"text": "bye"}'))
print(json.dumps({"prediction_id": json.loads(answer.get_body())["prediction_id"],
                  "ready_at_exit": telemetry.wait_until_started(0)}))
"""


def test_a_process_that_exits_before_the_exporter_is_ready_still_sends_its_traces(own_ingestion, tmp_path):
    started_at = datetime.now(UTC)
    result = run_python(
        EXIT_AT_ONCE,
        APPLICATIONINSIGHTS_CONNECTION_STRING=own_ingestion.connection_string,
        TELEMETRY_STORAGE_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["ready_at_exit"] is False
    # The process has exited: what it sent, it sent while exiting.
    served = [
        t for t in own_ingestion.traces(distinct=True, since=started_at) if t["message"] == telemetry.PREDICTION_SERVED
    ]
    assert [t["properties"]["prediction_id"] for t in served] == [outcome["prediction_id"]]
    assert [m for m in messages(own_ingestion, since=started_at) if m in EARLY] == list(EARLY)
    assert started_trace(own_ingestion, since=started_at)["records_kept"] == "2"
