"""Storage hangs (Azurite paused with SIGSTOP, not killed) while a rejection is posted.

A hung storage accepts the insert, the service gives up and answers 503, and once resumed the
storage completes the write anyway: the client's retry finds the feedback stored (200). The
rejection must still reach Application Insights as exactly one `prediction_rejected` trace
(docs/operations.md, "Rejections reach the alert exactly once"), however many retries follow.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from service.telemetry import FEEDBACK_STORED, PREDICTION_REJECTED
from tests.fixtures.feedback import feedback_body
from tests.hostile.test_outages import send_feedback, stored


def traces_for(ingestion, event: str, prediction_id: str) -> list[dict]:
    return [
        t
        for t in ingestion.traces()
        if t["properties"].get("event") == event and t["properties"].get("prediction_id") == prediction_id
    ]


def settle(live_host, ingestion) -> None:
    """Wait until every trace the host emitted so far has reached ingestion.

    The exporter ships log records in the order they were emitted (one batch queue, one export
    thread), so once a marker emitted now has arrived, every earlier trace has too: "exactly one"
    can then be asserted without waiting an arbitrary time for a late duplicate.
    """
    marker = feedback_body(is_correct=True, text=f"marker {uuid.uuid4()}")
    assert send_feedback(live_host, marker).status_code == 201
    ingestion.wait_for_traces(
        lambda t: (
            t["properties"].get("event") == FEEDBACK_STORED
            and t["properties"].get("prediction_id") == marker["prediction_id"]
        )
    )


def wait_until_stored(azurite, prediction_id: str, timeout: float = 30.0) -> None:
    """The resumed Azurite completes the insert that the service had given up on."""
    deadline = time.monotonic() + timeout
    while not stored(azurite, prediction_id):
        assert time.monotonic() < deadline, "the resumed storage never completed the paused write"
        time.sleep(0.2)


def post_while_storage_hangs(live_host, ingestion, azurite, body: dict) -> None:
    settle(live_host, ingestion)  # the host's table exists: what hangs is the insert itself
    with azurite.paused():
        during = send_feedback(live_host, body)
    assert during.status_code == 503, during.text
    assert during.json()["error"]["code"] == "storage_unavailable"
    wait_until_stored(azurite, body["prediction_id"])


def test_rejection_stored_after_a_503_is_traced_once_on_retry(live_host, ingestion, azurite):
    body = feedback_body(text=f"paused storage {uuid.uuid4()}: bags lost again")
    post_while_storage_hangs(live_host, ingestion, azurite, body)

    retry = send_feedback(live_host, body)
    assert retry.status_code == 200, retry.text
    assert send_feedback(live_host, body).status_code == 200  # and once more: still nothing new

    settle(live_host, ingestion)
    (rejection,) = traces_for(ingestion, PREDICTION_REJECTED, body["prediction_id"])
    assert rejection["properties"]["text"] == body["text"]
    assert len(traces_for(ingestion, FEEDBACK_STORED, body["prediction_id"])) == 1
    assert len(stored(azurite, body["prediction_id"])) == 1


def test_concurrent_retries_after_a_503_trace_the_rejection_once(live_host, ingestion, azurite):
    body = feedback_body(text=f"paused storage {uuid.uuid4()}: eight retries at once")
    post_while_storage_hangs(live_host, ingestion, azurite, body)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: send_feedback(live_host, body).status_code, range(8)))
    assert statuses == [200] * 8

    settle(live_host, ingestion)
    assert len(traces_for(ingestion, PREDICTION_REJECTED, body["prediction_id"])) == 1
    assert len(traces_for(ingestion, FEEDBACK_STORED, body["prediction_id"])) == 1
    assert len(stored(azurite, body["prediction_id"])) == 1
