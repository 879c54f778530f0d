"""The feedback request: every field checked strictly, nothing guessed.

A front-end sends back what /api/predict answered plus the user's verdict. The fields and their
rules are stated once, in service/request_fields.py (the OpenAPI document states the same ones);
unknown extra fields are ignored so that front-ends may send the whole prediction object.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from service import errors
from service.request_fields import feedback_fields
from service.settings import Settings


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
    fields = feedback_fields(settings)
    missing = [name for name in fields if name not in payload]
    if missing:
        raise errors.missing_field(f"Missing field(s): {', '.join(missing)}. Send {', '.join(fields)}.")
    return Feedback(**{name: rule.check(payload[name], name) for name, rule in fields.items()})
