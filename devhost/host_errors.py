"""The answers the local host gives itself, before or instead of a function: one shape for all.

The same contract as the functions' errors (service/http.py): `{"error": {"code", "message"}}`,
never sniffed, never cached. Messages never repeat the request path or any other client input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus

# Every code the host itself can send (the API's own codes are in api_spec/document.py).
HOST_ERROR_CODES = frozenset({"invalid_request", "body_too_large", "too_many_connections", "internal_error"})
# Passed on from the catch-all's own answer (catch_all/known_routes.py), so both hosts say the same.
PASSED_ON_CODES = frozenset({"not_found", "method_not_allowed"})
ERROR_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(eq=False)
class HostError(Exception):
    """An answer of the host's own. `close`: the request's framing cannot be trusted, drop the connection."""

    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False

    def __post_init__(self) -> None:
        super().__init__(self.message)
        assert self.code in HOST_ERROR_CODES | PASSED_ON_CODES, self.code

    def body(self) -> bytes:
        return json.dumps({"error": {"code": self.code, "message": self.message}}).encode()

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


def bad_request(message: str) -> HostError:
    """Malformed or ambiguous HTTP: answered, then the connection is closed (RFC 9112 section 6.3)."""
    return HostError(400, "invalid_request", message, close=True)


def too_many_connections(limit: int) -> HostError:
    return HostError(
        503,
        "too_many_connections",
        f"The local host already serves {limit} connections; retry in a moment.",
        {"Retry-After": "1"},
        close=True,
    )


def body_too_large(limit: int) -> HostError:
    return HostError(413, "body_too_large", f"The request body is larger than {limit} bytes.", close=True)


def serialize(error: HostError) -> bytes:
    """The whole answer as bytes, for the one case with no HTTP connection state: a refused connection."""
    head = [f"HTTP/1.1 {error.status} {reason_phrase(error.status).decode()}"]
    head += [f"{name}: {value}" for name, value in error.response_headers()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + error.body()
