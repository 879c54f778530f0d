"""The answers the local host gives itself, before or instead of a function.

They exist because the real Functions host answers these requests itself (malformed HTTP, a
connection flood, a function that crashed). A HostError is an ApiError (service/errors.py) with one
thing more, `close`, so its body is built by the same `error_body`: `{"error": {"code",
"message"}}`, never sniffed, never cached. The codes only this host sends are built here, once;
the others are the functions' own constructors, passed on. Messages never repeat the request path
or any other client input.
"""

from __future__ import annotations

from http import HTTPStatus

from service import errors
from service.errors import ApiError, error_body

# The codes only the local host sends (api_spec/document.py lists them as LOCAL_HOST_ERROR_CODES).
HOST_ERROR_CODES = frozenset({"invalid_request", "too_many_connections"})
# The functions' codes it also sends: its own limit and crashes, and the catch-all's 404/405
# (catch_all/known_routes.py), so both hosts say the same.
PASSED_ON_CODES = frozenset({"body_too_large", "internal_error", "not_found", "method_not_allowed"})
ERROR_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class HostError(ApiError):
    """An answer of the host's own. `close`: the request's framing cannot be trusted, drop the connection."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None, close: bool = False
    ):
        super().__init__(status, code, message, headers)
        assert code in HOST_ERROR_CODES | PASSED_ON_CODES, code
        self.close = close

    @classmethod
    def passed_on(cls, error: ApiError, close: bool = False) -> HostError:
        return cls(error.status, error.code, error.message, error.headers, close=close)

    def body(self) -> bytes:
        return error_body(self)

    def response_headers(self) -> list[tuple[str, str]]:
        headers = {**ERROR_HEADERS, **self.headers, "Content-Length": str(len(self.body()))}
        if self.close:
            headers["Connection"] = "close"
        return list(headers.items())


def reason_phrase(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def invalid_request(message: str, status: int = 400) -> HostError:
    """Malformed, ambiguous, too large or too slow HTTP (400, 408, 431): answered, then the
    connection is closed (RFC 9112 section 6.3)."""
    return HostError(status, "invalid_request", message, close=True)


def too_many_connections(limit: int) -> HostError:
    return HostError(
        503,
        "too_many_connections",
        f"The local host already serves {limit} connections; retry in a moment.",
        {"Retry-After": "1"},
        close=True,
    )


def body_too_large(limit: int) -> HostError:
    return HostError.passed_on(errors.body_too_large(limit), close=True)


def internal_error(message: str, close: bool = False) -> HostError:
    return HostError.passed_on(errors.internal_error(message), close=close)


def serialize(error: HostError) -> bytes:
    """The whole answer as bytes, for the one case with no HTTP connection state: a refused connection."""
    head = [f"HTTP/1.1 {error.status} {reason_phrase(error.status).decode()}"]
    head += [f"{name}: {value}" for name, value in error.response_headers()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + error.body()
