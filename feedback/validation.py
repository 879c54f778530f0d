"""The feedback request: every field checked strictly, nothing guessed.

A front-end sends back what /api/predict answered plus the user's verdict. Types are exact (a
boolean is not a number, a number is not a boolean), unknown extra fields are ignored so that
front-ends may send the whole prediction object.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from service import errors
from service.http import is_finite_number, require_text
from service.settings import Settings

REQUIRED_FIELDS = ("prediction_id", "text", "sentiment", "probability", "model_version", "is_correct")
SENTIMENTS = ("negative", "positive")
# The canonical 8-4-4-4-12 form only: no braces, no "urn:uuid:", no bare 32 hex digits.
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class Feedback:
    prediction_id: str  # lower-case canonical UUID: the idempotency key
    text: str
    sentiment: str
    probability: float
    model_version: str
    is_correct: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_feedback(payload: dict[str, Any], settings: Settings) -> Feedback:
    """A Feedback from the request's JSON object, or ApiError 400/413 naming the field to fix."""
    missing = [name for name in REQUIRED_FIELDS if name not in payload]
    if missing:
        raise errors.missing_field(f"Missing field(s): {', '.join(missing)}. Send {', '.join(REQUIRED_FIELDS)}.")
    return Feedback(
        prediction_id=_prediction_id(payload["prediction_id"]),
        text=require_text(payload["text"], "text", settings.max_text_chars),
        sentiment=_sentiment(payload["sentiment"]),
        probability=_probability(payload["probability"]),
        model_version=_model_version(payload["model_version"], settings.max_model_version_chars),
        is_correct=_is_correct(payload["is_correct"]),
    )


def _prediction_id(value: Any) -> str:
    if not isinstance(value, str) or not _UUID_TEXT.fullmatch(value):
        raise errors.invalid_field(
            "'prediction_id' must be the UUID that /api/predict answered (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).",
        )
    return str(uuid.UUID(value))


def _sentiment(value: Any) -> str:
    if value not in SENTIMENTS or not isinstance(value, str):
        raise errors.invalid_field('\'sentiment\' must be "negative" or "positive".')
    return value


def _probability(value: Any) -> float:
    if not is_finite_number(value) or not 0.0 <= value <= 1.0:
        raise errors.invalid_field("'probability' must be a number from 0 to 1.")
    return float(value)


def _model_version(value: Any, max_chars: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise errors.invalid_field("'model_version' must be the non-empty string that /api/predict answered.")
    if len(value) > max_chars:
        raise errors.invalid_field(f"'model_version' has {len(value)} characters; the limit is {max_chars}.")
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise errors.invalid_field("'model_version' must not contain control characters or lone surrogates.")
    return value


def _is_correct(value: Any) -> bool:
    if not isinstance(value, bool):
        raise errors.invalid_field("'is_correct' must be true or false (a JSON boolean).")
    return value
