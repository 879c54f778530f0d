"""What a hostile request may get back: the test oracle, written from DESIGN.md's contract.

`expected_statuses` computes, from the JSON body alone, the statuses the contract allows (the
validation order of the service decides 400 vs 413 when several things are wrong at once).
`check_answer` asserts the answer is JSON of the documented shape for its status.

It is written independently of service/request_fields.py on purpose (a change to the rules must
show here as a failing test, not move the oracle with it); tests/hostile/test_contract_agrees.py
checks that it agrees with the served OpenAPI document.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from api_spec.document import ERROR_CODES, build_openapi
from service.settings import Settings

SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
FEEDBACK_FIELDS = ("prediction_id", "text", "sentiment", "probability", "model_version", "is_correct")
SENTIMENTS = ("negative", "positive")


def _text_status(value: Any, limits: Settings) -> int | None:
    """None when the text is acceptable, else the status its first problem maps to."""
    if not isinstance(value, str) or not value.strip():
        return 400
    if len(value) > limits.max_text_chars:
        return 413
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return 400
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def predict_status(payload: Any, limits: Settings) -> int:
    if not isinstance(payload, dict) or ("text" in payload and "texts" in payload):
        return 400
    if "text" in payload:
        return _text_status(payload["text"], limits) or 200
    texts = payload.get("texts")
    if not isinstance(texts, list) or not texts:
        return 400
    if len(texts) > limits.max_batch_size:
        return 413
    for text in texts:
        status = _text_status(text, limits)
        if status:
            return status
    return 200


def feedback_status(payload: Any, limits: Settings) -> int:
    """201 or 200 are both fine for valid feedback (a repeated id gets 200); returned as 201."""
    if not isinstance(payload, dict) or any(f not in payload for f in FEEDBACK_FIELDS):
        return 400
    if not isinstance(payload["prediction_id"], str) or not UUID.fullmatch(payload["prediction_id"]):
        return 400
    text_status = _text_status(payload["text"], limits)
    if text_status:
        return text_status
    version = payload["model_version"]
    probability = payload["probability"]
    if (
        payload["sentiment"] not in SENTIMENTS
        or not isinstance(payload["sentiment"], str)
        or not _is_number(probability)
        or not 0 <= probability <= 1
        or not isinstance(version, str)
        or not version.strip()
        or len(version) > limits.max_model_version_chars
        or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in version)
        or not isinstance(payload["is_correct"], bool)
    ):
        return 400
    return 201


def expected_statuses(route: str, payload: Any, body: bytes, limits: Settings) -> set[int]:
    if len(body) > limits.max_body_bytes:
        return {413}
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return {400}
    status = (predict_status if route == "/predict" else feedback_status)(payload, limits)
    return {200, 201} if status == 201 else {status}


class Contract:
    def __init__(self, document: dict):
        self.document = document

    @classmethod
    def from_settings(cls, settings: Settings) -> Contract:
        return cls(build_openapi(settings))

    def check_answer(
        self, route: str, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> dict:
        """Assert a JSON answer of the documented shape for this status; return it parsed."""
        assert status < 500 or status == 503, f"{route} answered {status}: {body[:500]!r}"
        assert content_type.startswith("application/json"), f"{route} {status} as {content_type}: {body[:200]!r}"
        answer = json.loads(body)
        assert b"Traceback" not in body
        if status >= 400:
            assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message"}, answer
            code, message = answer["error"]["code"], answer["error"]["message"]
            assert isinstance(code, str) and SNAKE_CASE.fullmatch(code) and code in ERROR_CODES, answer
            assert isinstance(message, str) and message.strip(), answer
            if status == 503:
                assert code in ("model_unavailable", "storage_unavailable"), answer
                assert headers is not None and headers.get("Retry-After", "").isdigit(), headers
        operation = self.document["paths"][route]["post"]
        assert str(status) in operation["responses"], f"{route} answered undocumented {status}"
        content = operation["responses"][str(status)].get("content", {}).get("application/json")
        if content:
            schema = {**content["schema"], "components": self.document["components"]}
            jsonschema.validate(answer, schema, format_checker=jsonschema.FormatChecker())
        return answer
