"""Recording feedback without HTTP: store once, trace what happened, never lose a verdict."""

from __future__ import annotations

import logging
from typing import Any

from feedback.store import Claim, FeedbackStore, StorageUnavailable, utc_now
from feedback.validation import Feedback
from service import errors
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
    ApiError 503 `storage_unavailable` with Retry-After. The first-store traces (`feedback_stored`,
    and the rejection WARNING that the alert counts) are emitted by the one request that claims
    them on the entity: the one that stored it, or the first retry after a write whose answer was
    lost. When storage cannot say whether the claim landed, they are emitted anyway (a possible
    duplicate carries the same prediction_id, and the alert counts distinct ids; a loss would be
    invisible). Reasons and races: docs/operations.md, "Rejections reach the alert exactly once".
    """
    try:
        stored = store.add(feedback, utc_now())
    except StorageUnavailable as error:
        track(FEEDBACK_STORAGE_FAILED, logging.ERROR, **feedback.as_dict(), reason=str(error))
        raise errors.storage_unavailable(retry_after_seconds) from None
    if not stored.created:
        track(FEEDBACK_ALREADY_STORED, prediction_id=stored.record["prediction_id"])
    if stored.telemetry_pending:
        claim = store.claim_first_store_telemetry(stored)
        if claim is not Claim.TAKEN:
            trace_first_store(stored.record, claim)
    return stored.record, stored.created


def trace_first_store(record: dict[str, Any], claim: Claim) -> None:
    """`feedback_stored`, and `prediction_rejected` for a rejection; `claim` says whether this
    request holds the entity's claim ("won") or storage could not confirm it ("unknown")."""
    dimensions = {
        name: record[name]
        for name in ("prediction_id", "text", "sentiment", "probability", "model_version", "received_at")
    }
    track(FEEDBACK_STORED, is_correct=record["is_correct"], claim=claim.value, **dimensions)
    if not record["is_correct"]:
        track(PREDICTION_REJECTED, logging.WARNING, claim=claim.value, **dimensions)
