"""The one exception type that becomes an HTTP error answer, and one constructor per error code.

Each code's status (and its `Retry-After` or `Allow`) is written once, here: handlers raise
`errors.invalid_field("...")`, never `ApiError(400, ...)`. The message says what to fix; where it
only restates a limit or a fact, the constructor writes it too. Every code is listed in the OpenAPI
document, and tests/unit/test_error_codes_documented.py keeps the two equal and checks that no
other module builds an ApiError. The local host's own answers (devhost/host_errors.py) are
ApiErrors too, so every error body has one shape, built by `error_body`.
"""

from __future__ import annotations

import json
from typing import Any


class ApiError(Exception):
    """An error the caller can fix (4xx) or wait out (503): mapped to JSON once, in service.http."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def error_body(error: ApiError) -> bytes:
    """The answer's bytes: `{"error": {"code", "message"}}` as UTF-8 JSON.

    `<`, `>` and `&` are escaped, so nothing an error message carries can become markup, even if a
    client sniffs it. Raises TypeError for a code or message that is not a string and
    UnicodeEncodeError for a lone surrogate (service.http then sends its fixed 500).
    """
    if not isinstance(error.code, str) or not isinstance(error.message, str):
        raise TypeError("an error's code and message must be strings")
    text = json.dumps(error.to_json(), ensure_ascii=False, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.encode("utf-8")


# 400: the request cannot be read, or a field is missing or wrong.


def invalid_json(message: str) -> ApiError:
    return ApiError(400, "invalid_json", message)


def missing_field(message: str) -> ApiError:
    return ApiError(400, "missing_field", message)


def invalid_field(message: str) -> ApiError:
    return ApiError(400, "invalid_field", message)


def empty_text(field: str) -> ApiError:
    return ApiError(400, "empty_text", f"'{field}' is empty; send the text of a tweet.")


def empty_batch(field: str) -> ApiError:
    return ApiError(400, "empty_batch", f"'{field}' is empty; send at least one text.")


# 404, 405 and 411: a path, method or framing the functions do not serve.


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def method_not_allowed(allowed_methods: list[str]) -> ApiError:
    allowed = ", ".join(sorted(allowed_methods))
    return ApiError(405, "method_not_allowed", f"This path accepts {allowed}.", {"Allow": allowed})


def length_required() -> ApiError:
    """A body sent without Content-Length: Azure's Functions host forwards a body only when
    Content-Length > 0, so a chunked body would arrive empty (azure-functions-host#7930)."""
    return ApiError(
        411,
        "length_required",
        "The request has no Content-Length; send the JSON body with a "
        "Content-Length header (a chunked body is not supported).",
    )


# 413: over a documented limit.


def text_too_long(field: str, length: int, limit: int) -> ApiError:
    return ApiError(413, "text_too_long", f"'{field}' has {length} characters; the limit is {limit}.")


def batch_too_large(field: str, count: int, limit: int) -> ApiError:
    return ApiError(413, "batch_too_large", f"'{field}' has {count} items; the limit is {limit}.")


def body_too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"The request body is larger than {limit} bytes.")


# 503: wait and retry.


def model_unavailable(retry_after_seconds: int) -> ApiError:
    return ApiError(
        503,
        "model_unavailable",
        "The model is not loaded; try again later.",
        {"Retry-After": str(retry_after_seconds)},
    )


def storage_unavailable(retry_after_seconds: int) -> ApiError:
    return ApiError(
        503,
        "storage_unavailable",
        "Feedback storage is unreachable; your feedback was recorded in telemetry. "
        "Send it again after Retry-After seconds.",
        {"Retry-After": str(retry_after_seconds)},
    )


# 500: a bug, logged with its trace; the caller learns nothing more.


def internal_error(message: str = "The service failed to answer; try again.") -> ApiError:
    return ApiError(500, "internal_error", message)
