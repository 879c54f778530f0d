"""JSON in, JSON out: body parsing with limits, and the mapping of errors to answers.

Every route is wrapped by `json_endpoint`, so a caller never sees a stack trace: ApiError becomes
its status and `{"error": {"code", "message"}}`, anything unexpected a logged 500 `internal_error`.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import azure.functions as func

from service.errors import ApiError, bad_request, too_large
from service.telemetry import request_answered

logger = logging.getLogger("tweet_sentiment")

JSON_MIMETYPE = "application/json"
# Answers carry no cache and are never sniffed as HTML.
_COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return func.HttpResponse(
        body=body.encode("utf-8"), status_code=status, mimetype=JSON_MIMETYPE, charset="utf-8",
        headers={**_COMMON_HEADERS, **(headers or {})},
    )


def error_response(error: ApiError) -> func.HttpResponse:
    return json_response(error.to_json(), status=error.status, headers=error.headers)


def json_endpoint(handler: Callable[[func.HttpRequest], func.HttpResponse]):
    """Turn ApiError and unexpected exceptions into JSON error answers."""

    @functools.wraps(handler)
    def wrapper(req: func.HttpRequest) -> func.HttpResponse:
        try:
            return handler(req)
        except ApiError as error:
            return error_response(error)
        except Exception:
            # The path only: in Azure the query may carry the function key (?code=...).
            logger.exception("unhandled_error", extra={"route": urlsplit(req.url).path})
            return error_response(ApiError(500, "internal_error", "The service failed to answer; try again."))
        finally:
            request_answered()  # the first answer lets telemetry start (service/telemetry.py)

    return wrapper


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def read_json_object(req: func.HttpRequest, max_body_bytes: int) -> dict:
    """The request body as a JSON object, or an ApiError saying exactly what is wrong."""
    declared = req.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and int(declared) > max_body_bytes:
        raise _body_too_large(max_body_bytes)
    body = req.get_body() or b""
    if len(body) > max_body_bytes:
        raise _body_too_large(max_body_bytes)
    if not body.strip():
        raise bad_request("invalid_json", "The request body is empty; send a JSON object.")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise bad_request("invalid_json", "The request body is not valid UTF-8.") from None
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise bad_request("invalid_json", "The JSON body is nested too deeply.") from None
    except ValueError as error:
        raise bad_request("invalid_json", f"The request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise bad_request("invalid_json", "The request body must be a JSON object.")
    return payload


def _body_too_large(limit: int) -> ApiError:
    return too_large("body_too_large", f"The request body is larger than {limit} bytes.")


def require_text(value: Any, field: str, max_chars: int) -> str:
    """A non-blank string of at most max_chars characters with no lone surrogates."""
    if not isinstance(value, str):
        raise bad_request("invalid_field", f"'{field}' must be a string.")
    if not value.strip():
        raise bad_request("empty_text", f"'{field}' is empty; send the text of a tweet.")
    if len(value) > max_chars:
        raise too_large("text_too_long", f"'{field}' has {len(value)} characters; the limit is {max_chars}.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request("invalid_field", f"'{field}' contains invalid Unicode (a lone surrogate).") from None
    return value


def is_finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # An int is always finite; math.isfinite(10**400) would raise OverflowError (a 500).
    return isinstance(value, int) or math.isfinite(value)
