"""The first-store traces of a feedback are emitted once, by the request that claims them on the entity.

Called as the Functions worker calls the feedback function, against real Azurite; the traces are
the `tweet_sentiment` log records (their envelopes at a real ingestion endpoint:
tests/hostile/test_paused_storage.py). Design: docs/operations.md, "Rejections reach the alert
exactly once".
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from azure.data.tables import TableClient

from feedback.store import TELEMETRY_SENT, partition_key, to_entity, utc_now
from feedback.validation import Feedback
from service.telemetry import FEEDBACK_STORED, LOGGER_NAME, PREDICTION_REJECTED
from tests.fixtures.feedback import feedback_body
from tests.fixtures.settings import reset_worker_state
from tests.integration.test_feedback_handler import FUNCTION, entities_for, post, use_settings

TABLE = "feedbackclaims"
HTTP_LOG = "azure.core.pipeline.policies.http_logging_policy"


@pytest.fixture
def feedback(azurite, monkeypatch):
    """The user function with storage in Azurite (as in test_feedback_handler.py, its own table)."""
    use_settings(
        monkeypatch,
        FEEDBACK_STORAGE_CONNECTION_STRING=azurite.connection_string,
        FEEDBACK_TABLE_NAME=TABLE,
        STORAGE_TIMEOUT_SECONDS="2",
    )
    yield FUNCTION.get_user_function()
    reset_worker_state()


@pytest.fixture(scope="module")
def table(azurite):
    with TableClient.from_connection_string(azurite.connection_string, table_name=TABLE) as client:
        yield client


@pytest.fixture
def traces(caplog):
    """The traces emitted from now on, as (event, prediction_id, claim) of every log record."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    def of(event: str, prediction_id: str) -> list[logging.LogRecord]:
        return [
            r
            for r in caplog.records
            if r.name == LOGGER_NAME
            and getattr(r, "event", None) == event
            and getattr(r, "prediction_id", None) == prediction_id
        ]

    return of


class PauseStorageOnMerge(logging.Handler):
    """Pauses Azurite the moment the SDK is about to send an entity merge (PATCH), so that the
    claim itself hangs: azure-core's HTTP logging policy logs every request (URL, method, headers
    in one record) before sending it."""

    def __init__(self, azurite):
        super().__init__()
        self.azurite = azurite
        self.paused = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.paused is None and "Request method: 'PATCH'" in record.getMessage().splitlines():
            self.paused = self.azurite.paused()
            self.paused.__enter__()

    def resume(self) -> None:
        if self.paused is not None:
            self.paused.__exit__(None, None, None)


@pytest.fixture
def storage_hangs_on_claim(azurite):
    handler = PauseStorageOnMerge(azurite)
    http_logger = logging.getLogger(HTTP_LOG)
    level = http_logger.level
    http_logger.setLevel(logging.INFO)
    http_logger.addHandler(handler)
    try:
        yield handler
    finally:
        http_logger.removeHandler(handler)
        http_logger.setLevel(level)
        handler.resume()


def test_concurrent_first_posts_trace_one_rejection(feedback, table, traces):
    body = feedback_body()
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: post(feedback, body).status_code, range(6)))
    assert statuses == [200] * 5 + [201]
    assert len(traces(PREDICTION_REJECTED, body["prediction_id"])) == 1
    assert len(traces(FEEDBACK_STORED, body["prediction_id"])) == 1
    (entity,) = entities_for(table, body["prediction_id"])
    assert entity[TELEMETRY_SENT] is True


def test_a_confirmation_is_claimed_and_traced_once_but_never_as_a_rejection(feedback, table, traces):
    body = feedback_body(is_correct=True)
    assert [post(feedback, body).status_code for _ in range(3)] == [201, 200, 200]
    assert len(traces(FEEDBACK_STORED, body["prediction_id"])) == 1
    assert traces(PREDICTION_REJECTED, body["prediction_id"]) == []


def test_a_claim_that_storage_leaves_unanswered_is_traced_and_not_again_after_it_lands(
    feedback, table, traces, storage_hangs_on_claim
):
    body = feedback_body()
    first = post(feedback, body)  # inserted; the claim's merge hangs until the read timeout
    assert storage_hangs_on_claim.paused is not None, "the claim never sent its merge"
    assert first.status_code == 201, first.get_body()  # the feedback is stored: no reason to resend
    (rejection,) = traces(PREDICTION_REJECTED, body["prediction_id"])
    assert rejection.claim == "unknown"

    storage_hangs_on_claim.resume()  # the hung merge lands now
    deadline = time.monotonic() + 30
    while not entities_for(table, body["prediction_id"])[0][TELEMETRY_SENT]:
        assert time.monotonic() < deadline, "the resumed storage never applied the hung merge"
        time.sleep(0.2)
    assert post(feedback, body).status_code == 200  # a client resending anyway
    assert len(traces(PREDICTION_REJECTED, body["prediction_id"])) == 1


def test_feedback_stored_before_the_claim_existed_is_not_traced_again(feedback, table, traces):
    body = feedback_body()
    parsed = Feedback(
        **{k: body[k] for k in ("prediction_id", "text", "sentiment", "probability", "model_version", "is_correct")}
    )
    # As the code before the claim wrote it (and traced it then): no telemetry_sent at all.
    legacy = {k: v for k, v in to_entity(parsed, utc_now()).items() if k != TELEMETRY_SENT}
    table.create_entity(legacy)
    assert post(feedback, body).status_code == 200
    assert traces(PREDICTION_REJECTED, body["prediction_id"]) == []
    assert TELEMETRY_SENT not in table.get_entity(partition_key(body["prediction_id"]), body["prediction_id"])
