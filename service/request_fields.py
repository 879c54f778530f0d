"""The fields a request may carry, each stated once: its check and its JSON Schema side by side.

The handlers check requests with these rules (predict/scoring.py, feedback/validation.py) and the
OpenAPI document states the same rules as schemas (api_spec/document.py), so a limit, an enum or a
pattern cannot differ between what is served and what is documented. JSON Schema cannot say every
rule (a blank text, a lone surrogate, a control character): there the check is stricter than the
schema and the schema's description says it in words. Types are exact (a boolean is not a number,
a number is not a boolean); fields that are not listed are ignored.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from service import errors
from service.settings import Settings

# Indexed by label: 0 is negative, 1 is positive.
SENTIMENTS = ("negative", "positive")
# The canonical 8-4-4-4-12 form only: no braces, no "urn:uuid:", no bare 32 hex digits.
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID = re.compile(UUID_PATTERN)


class FieldRule(Protocol):
    def check(self, value: Any, field: str) -> Any:
        """The value, normalised, or ApiError 400/413 naming `field`."""

    def schema(self) -> dict[str, Any]:
        """The rule as a JSON Schema (OpenAPI 3.1)."""


@dataclass(frozen=True)
class TweetText:
    """A non-blank string of at most `max_chars` characters with no lone surrogates."""

    max_chars: int

    def check(self, value: Any, field: str) -> str:
        if not isinstance(value, str):
            raise errors.invalid_field(f"'{field}' must be a string.")
        if not value.strip():
            raise errors.empty_text(field)
        if len(value) > self.max_chars:
            raise errors.text_too_long(field, len(value), self.max_chars)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise errors.invalid_field(f"'{field}' contains invalid Unicode (a lone surrogate).") from None
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": self.max_chars,
            "description": f"An English tweet; not blank; at most {self.max_chars} characters.",
        }


@dataclass(frozen=True)
class TextBatch:
    """A non-empty list of at most `max_items` texts, each a TweetText."""

    item: TweetText
    max_items: int

    @classmethod
    def from_settings(cls, settings: Settings) -> TextBatch:
        return cls(TweetText(settings.max_text_chars), settings.max_batch_size)

    def check(self, value: Any, field: str) -> list[str]:
        if not isinstance(value, list):
            raise errors.invalid_field(f"'{field}' must be a list of strings.")
        if not value:
            raise errors.empty_batch(field)
        if len(value) > self.max_items:
            raise errors.batch_too_large(field, len(value), self.max_items)
        return [self.item.check(text, f"{field}[{i}]") for i, text in enumerate(value)]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema(), "minItems": 1, "maxItems": self.max_items}


@dataclass(frozen=True)
class PredictionId:
    """The UUID that /api/predict answered; read in any case, kept lower-case (the idempotency key)."""

    def check(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not _UUID.fullmatch(value):
            raise errors.invalid_field(
                f"'{field}' must be the UUID that /api/predict answered (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."
            )
        return str(uuid.UUID(value))

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}


@dataclass(frozen=True)
class Sentiment:
    def check(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or value not in SENTIMENTS:
            raise errors.invalid_field(f"'{field}' must be " + " or ".join(f'"{s}"' for s in SENTIMENTS) + ".")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(SENTIMENTS)}


@dataclass(frozen=True)
class Probability:
    """A finite JSON number from 0 to 1 (booleans are not numbers)."""

    def check(self, value: Any, field: str) -> float:
        if not _is_finite_number(value) or not 0.0 <= value <= 1.0:
            raise errors.invalid_field(f"'{field}' must be a number from 0 to 1.")
        return float(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": 0, "maximum": 1}


@dataclass(frozen=True)
class ModelVersion:
    """The non-blank `<name>@<version>` string that /api/predict answered, without control characters."""

    max_chars: int

    def check(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise errors.invalid_field(f"'{field}' must be the non-empty string that /api/predict answered.")
        if len(value) > self.max_chars:
            raise errors.invalid_field(f"'{field}' has {len(value)} characters; the limit is {self.max_chars}.")
        if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise errors.invalid_field(f"'{field}' must not contain control characters or lone surrogates.")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": self.max_chars}


@dataclass(frozen=True)
class Verdict:
    """The user's answer: a JSON boolean, nothing that merely looks like one."""

    def check(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise errors.invalid_field(f"'{field}' must be true or false (a JSON boolean).")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean", "description": "false = the user rejected the prediction."}


def feedback_fields(settings: Settings) -> dict[str, FieldRule]:
    """The feedback request's fields: all required, checked in this order (the first problem is answered)."""
    return {
        "prediction_id": PredictionId(),
        "text": TweetText(settings.max_text_chars),
        "sentiment": Sentiment(),
        "probability": Probability(),
        "model_version": ModelVersion(settings.max_model_version_chars),
        "is_correct": Verdict(),
    }


def _is_finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # An int is always finite; math.isfinite(10**400) would raise OverflowError (a 500).
    return isinstance(value, int) or math.isfinite(value)
