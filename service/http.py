"""JSON in, JSON out: body parsing with limits, and the mapping of errors to answers.

Every route is wrapped by `json_endpoint`, so a caller never sees a stack trace: ApiError becomes
its status and `{"error": {"code", "message"}}`, anything unexpected a logged 500 `internal_error`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

import azure.functions as func

from service import errors
from service.errors import ApiError, error_body
from service.telemetry import ERROR_RESPONSE_FAILED, UNHANDLED_ERROR, request_answered, track_exception

JSON_MIMETYPE = "application/json"
# Answers carry no cache and are never sniffed as HTML.
_COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# What every route function is: the wrapped handler and the wrapper json_endpoint returns.
Handler = Callable[[func.HttpRequest], func.HttpResponse]


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return func.HttpResponse(
        body=body.encode("utf-8"),
        status_code=status,
        mimetype=JSON_MIMETYPE,
        charset="utf-8",
        headers={**_COMMON_HEADERS, **(headers or {})},
    )


INTERNAL_ERROR = errors.internal_error()
# What goes out when even an error answer cannot be built: fixed bytes, nothing computed.
_FIXED_INTERNAL_ERROR_BODY = json.dumps(INTERNAL_ERROR.to_json()).encode("ascii")
# RFC 3986, appendix B: it matches every string, so reading the path never raises. urlsplit raises
# ValueError on some authorities, e.g. a Host header of "[" or one that NFKC turns into "a/c".
_URI_PATH = re.compile(r"^(?:[^:/?#]+:)?(?://[^/?#]*)?(?P<path>[^?#]*)")


def request_path(req: func.HttpRequest) -> str:
    """The path of the request's URL (never the query, which may carry ?code=), whatever the URL holds."""
    try:
        url = req.url
    except Exception:
        return ""
    match = _URI_PATH.match(url) if isinstance(url, str) else None
    return match.group("path") if match else ""


def error_response(error: ApiError) -> func.HttpResponse:
    """The JSON answer for an error. Never raises: if it cannot be built, the fixed minimal 500 goes out."""
    try:
        return func.HttpResponse(
            body=error_body(error),
            status_code=_error_status(error),
            mimetype=JSON_MIMETYPE,
            charset="utf-8",
            headers={**_error_headers(error), **_COMMON_HEADERS},
        )
    except Exception:
        track_exception(ERROR_RESPONSE_FAILED)
        return _fixed_internal_error()


def _error_status(error: ApiError) -> int:
    if type(error.status) is not int or not 400 <= error.status <= 599:
        raise ValueError(f"not an error status: {error.status!r}")
    return error.status


def _error_headers(error: ApiError) -> dict[str, str]:
    headers = dict(error.headers)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise TypeError("an error's headers must be strings")
    return headers


def _fixed_internal_error() -> func.HttpResponse:
    return func.HttpResponse(
        body=_FIXED_INTERNAL_ERROR_BODY,
        status_code=500,
        mimetype=JSON_MIMETYPE,
        charset="utf-8",
        headers=dict(_COMMON_HEADERS),
    )


def json_endpoint(handler: Handler) -> Handler:
    """Turn ApiError and unexpected exceptions into JSON error answers; the wrapper itself never raises."""

    @functools.wraps(handler)
    def wrapper(req: func.HttpRequest) -> func.HttpResponse:
        try:
            return handler(req)
        except ApiError as error:
            return error_response(error)
        except Exception:
            # The path only: in Azure the query may carry the function key (?code=...).
            track_exception(UNHANDLED_ERROR, route=request_path(req))
            return error_response(INTERNAL_ERROR)
        finally:
            request_answered()  # the first answer lets telemetry start (service/telemetry.py)

    return wrapper


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


# Python refuses int() of longer digit strings (sys.get_int_max_str_digits); its own message tells
# the client to change the server's interpreter settings, so the limit is checked here first.
MAX_INTEGER_DIGITS = 4300


class _TooManyDigits(ValueError):
    pass


def _parse_integer(digits: str) -> int:
    if len(digits) - digits.startswith("-") > MAX_INTEGER_DIGITS:
        raise _TooManyDigits
    return int(digits)


def read_json_object(req: func.HttpRequest, max_body_bytes: int) -> dict[str, Any]:
    """The request body as a JSON object, or an ApiError saying exactly what is wrong."""
    if _declares_more_than(req.headers.get("content-length"), max_body_bytes):
        raise errors.body_too_large(max_body_bytes)
    body = req.get_body() or b""
    if len(body) > max_body_bytes:
        raise errors.body_too_large(max_body_bytes)
    if not body:
        raise _missing_body(req.headers)
    if not body.strip():
        raise errors.invalid_json("The request body is empty; send a JSON object.")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise errors.invalid_json("The request body is not valid UTF-8.") from None
    try:
        payload = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_integer)
    except RecursionError:
        raise errors.invalid_json("The JSON body is nested too deeply.") from None
    except _TooManyDigits:
        raise errors.invalid_json(f"A number in the body has more than {MAX_INTEGER_DIGITS} digits.") from None
    except ValueError as error:
        raise errors.invalid_json(f"The request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise errors.invalid_json("The request body must be a JSON object.")
    return payload


def _declares_more_than(content_length: str | None, limit: int) -> bool:
    """Whether a Content-Length of ASCII digits ("²".isdigit() is True) declares more than limit bytes.

    Digits are counted before int(): Python 3.11 refuses to convert more than 4,300 of them (ValueError).
    Anything else declared is ignored here; the body actually received is measured next.
    """
    if not content_length or not (content_length.isascii() and content_length.isdigit()):
        return False
    digits = content_length.lstrip("0")
    return len(digits) > len(str(limit)) or int(digits or "0") > limit


def _missing_body(headers: Any) -> ApiError:
    """No body: declared empty (400), or sent without Content-Length, which Azure's host drops (411).

    The Functions host forwards a body only when Content-Length > 0, so a chunked body arrives
    empty (azure-functions-host#7930; GrpcMessageConversionExtensions.cs, ToRpcHttp).
    """
    declared = headers.get("content-length")
    if declared is not None and declared.strip() == "0":
        return errors.invalid_json("The request body is empty; send a JSON object.")
    return errors.length_required()
