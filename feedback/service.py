"""Recording feedback without HTTP: store once, trace what happened, never lose a verdict."""

from __future__ import annotations

import logging
from typing import Any

from feedback.store import FeedbackStore, StorageUnavailable, utc_now
from feedback.validation import Feedback
from service.errors import unavailable
from service.telemetry import (
    FEEDBACK_ALREADY_STORED,
    FEEDBACK_STORAGE_FAILED,
    FEEDBACK_STORED,
    PREDICTION_REJECTED,
    track,
)


def record_feedback(feedback: Feedback, store: FeedbackStore, retry_after_seconds: int) -> tuple[dict[str, Any], bool]:
    """(the stored record, True when stored now / False when it was stored before).

    Storage down: the full feedback goes to telemetry as an ERROR trace and the caller gets
    ApiError 503 `storage_unavailable` with Retry-After. The rejection WARNING (what the alert
    counts) is traced once, when the feedback is first stored, so a client's retries never count twice.
    """
    try:
        record, created = store.add(feedback, utc_now())
    except StorageUnavailable as error:
        track(FEEDBACK_STORAGE_FAILED, logging.ERROR, **feedback.as_dict(), reason=str(error))
        raise unavailable("storage_unavailable",
                          "Feedback storage is unreachable; your feedback was recorded in telemetry. "
                          "Send it again after Retry-After seconds.", retry_after_seconds) from None
    if not created:
        track(FEEDBACK_ALREADY_STORED, prediction_id=record["prediction_id"])
        return record, False
    dimensions = {name: record[name] for name in
                  ("prediction_id", "text", "sentiment", "probability", "model_version", "received_at")}
    track(FEEDBACK_STORED, is_correct=record["is_correct"], **dimensions)
    if not record["is_correct"]:
        track(PREDICTION_REJECTED, logging.WARNING, **dimensions)
    return record, True
