"""One client connection: h11 reads the HTTP/1.1 framing, this module keeps the clock and the limits.

h11 (https://h11.readthedocs.io) implements RFC 9112's message syntax and framing; it refuses
conflicting Content-Length headers, header lines without a colon, chunk sizes that are not plain
hex (0x16, 1_6, -5, over 20 digits) and any Transfer-Encoding but a lone `chunked`. Two things it
allows are refused here before any body is read (tests/hostile/test_devhost_protocol.py):
- Content-Length together with Transfer-Encoding: h11 follows RFC 9112 section 6.3 and lets
  chunked win; the same section says such a message "ought to be handled as an error", since two
  servers may frame it differently (request smuggling). Here it is a 400 and the connection closes.
- a request line claiming a version other than HTTP/1.0 or 1.1 (h11 reads `HTTP/2.0` as a version).
Every error answer that follows a framing problem closes the connection, so bytes after a bad
request are never read as a request of their own.

Time is bounded per request, not per read: the head (request line and headers) must be complete
within `header_timeout` of its first byte, however often a byte arrives (slowloris), and the body
within `body_timeout` of the head.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass

import h11

from devhost.dispatch import ParsedRequest, call_function, check_host_header
from devhost.host_errors import HostError, body_too_large, internal_error, invalid_request, reason_phrase, serialize
from devhost.redaction import redact
from devhost.routes import HttpRoute

logger = logging.getLogger("devhost")

# h11's messages quote the offending bytes; answers name the problem without repeating input.
_H11_PROBLEMS = {
    "illegal request line": "The request line is not valid HTTP/1.1.",
    "illegal header line": "A header line is not valid HTTP/1.1 (name, colon, value).",
    "conflicting Content-Length": "The request has conflicting Content-Length headers.",
    "bad Content-Length": "Content-Length is not a number.",
    "Only Transfer-Encoding: chunked": "Transfer-Encoding must be exactly 'chunked'.",
    "multiple Transfer-Encoding": "Transfer-Encoding must be exactly 'chunked'.",
    "illegal chunk header": "A chunk size is not valid hexadecimal.",
    "malformed chunk footer": "A chunk does not end where its size says.",
    "Missing mandatory Host": "An HTTP/1.1 request needs a Host header.",
    "Found multiple Host": "The request has more than one Host header.",
}


@dataclass(frozen=True)
class HostLimits:
    # The real host allows 100 MB; the functions enforce their own, smaller limits.
    max_body_bytes: int = 4 * 1024 * 1024
    # Kestrel's defaults (KestrelServerLimits): 32 KB of request line and headers, 100 headers.
    max_head_bytes: int = 32 * 1024
    max_header_count: int = 100
    header_timeout: float = 10.0  # from a request's first byte to the end of its headers
    idle_timeout: float = 30.0  # an idle keep-alive connection, before a request's first byte
    body_timeout: float = 30.0  # from the end of the headers to the end of the body
    send_timeout: float = 30.0  # a client that does not read its answer


class _PeerGone(Exception):
    """The client closed, was evicted, or stayed silent between requests: close without answering."""


class ConnectionSlot:
    """The server's view of one connection: waiting for a request (may be evicted) or serving one."""

    def __init__(self, sock: socket.socket, server_lock: threading.Lock):
        self.sock = sock
        self.waiting_since: float | None = time.monotonic()
        self.evicted = False
        self._lock = server_lock  # the server reads these fields under the same lock when it evicts

    def wait_for_request(self) -> None:
        with self._lock:
            self.waiting_since = time.monotonic()

    def start_request(self) -> bool:
        """False when the server evicted this connection while its request was arriving."""
        with self._lock:
            if self.evicted:
                return False
            self.waiting_since = None
            return True


class Connection:
    def __init__(
        self,
        sock: socket.socket,
        client: str,
        routes: list[HttpRoute],
        limits: HostLimits,
        slot: ConnectionSlot,
        server_name: str,
        function_key: str | None = None,
    ):
        self.sock, self.client, self.routes, self.limits, self.slot = sock, client, routes, limits, slot
        self.server_name, self.function_key = server_name, function_key
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=limits.max_head_bytes)

    def serve(self) -> None:
        """Answer requests until the client leaves, a deadline passes or framing goes wrong."""
        try:
            while self._serve_one():
                self.h11.start_next_cycle()
        except (_PeerGone, OSError, h11.LocalProtocolError):
            pass
        finally:
            self._close()

    def _serve_one(self) -> bool:
        self.slot.wait_for_request()
        started = time.perf_counter()
        request: h11.Request | None = None
        try:
            request = self._read_head()
            if not self.slot.start_request():
                return False
            self._check_framing(request)
            parsed = ParsedRequest(
                method=request.method.decode("ascii"),
                target=request.target.decode("ascii"),
                headers=[(n.decode("ascii"), v.decode("latin-1")) for n, v in request.headers],
                body=self._read_body(),
                server_name=self.server_name,
            )
            status, headers, body = call_function(self.routes, parsed, self.function_key)
        except HostError as error:
            if request is None:  # nothing h11 can answer (no request line yet): write the answer, then close
                self.sock.settimeout(self.limits.send_timeout)
                self.sock.sendall(serialize(error))
                self._log(None, error.status, len(error.body()), started)
                return False
            status, headers, body = error.status, error.response_headers(), error.body()
        self._send(request, status, headers, body)
        self._log(request, status, len(body), started)
        return self.h11.our_state is not h11.MUST_CLOSE

    def _receive(self, deadline: float, timeout_error: HostError | None) -> int:
        """Feed h11 the next bytes and return how many; past the deadline, answer `timeout_error` (None: just close)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise timeout_error or _PeerGone()
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise timeout_error or _PeerGone() from None
        if not data:
            raise _PeerGone()
        self.h11.receive_data(data)
        return len(data)

    def _next_event(self):
        try:
            return self.h11.next_event()
        except h11.RemoteProtocolError as error:
            raise _protocol_error(error) from None

    def _read_head(self) -> h11.Request:
        buffered = len(self.h11.trailing_data[0])
        started = buffered > 0  # pipelined bytes already belong to this request
        deadline = time.monotonic() + (self.limits.header_timeout if started else self.limits.idle_timeout)
        timeout = invalid_request(
            f"The request headers did not arrive within {self.limits.header_timeout:g} s.", status=408
        )
        while True:
            event = self._next_event()
            if isinstance(event, h11.Request):
                # h11 bounds an incomplete head only; a head that arrived whole is measured here.
                if buffered - len(self.h11.trailing_data[0]) > self.limits.max_head_bytes:
                    raise _protocol_error(h11.RemoteProtocolError("head too large", error_status_hint=431))
                return event
            if event is not h11.NEED_DATA:  # ConnectionClosed between requests
                raise _PeerGone()
            buffered += self._receive(deadline, timeout if started else None)
            if not started:  # the first byte of a request starts the header clock
                started = True
                deadline = time.monotonic() + self.limits.header_timeout

    def _check_framing(self, request: h11.Request) -> None:
        if request.http_version not in (b"1.0", b"1.1"):
            raise invalid_request("Only HTTP/1.1 (and HTTP/1.0) is served here.")
        names = [name for name, _ in request.headers]
        if b"content-length" in names and b"transfer-encoding" in names:
            raise invalid_request(
                "Content-Length and Transfer-Encoding together make the body's length ambiguous; send one of them."
            )
        if len(names) > self.limits.max_header_count:
            raise invalid_request(f"The request has more than {self.limits.max_header_count} headers.", status=431)
        check_host_header([(n.decode("ascii"), v.decode("latin-1")) for n, v in request.headers])
        length = dict(request.headers).get(b"content-length")
        if length is not None and int(length) > self.limits.max_body_bytes:
            raise body_too_large(self.limits.max_body_bytes)

    def _read_body(self) -> bytes:
        deadline = time.monotonic() + self.limits.body_timeout
        timeout = invalid_request(f"The request body did not arrive within {self.limits.body_timeout:g} s.", status=408)
        chunks, size = [], 0
        if self.h11.they_are_waiting_for_100_continue:  # curl asks before sending a body over 1 KB
            self.sock.settimeout(self.limits.send_timeout)
            self.sock.sendall(self.h11.send(h11.InformationalResponse(status_code=100, headers=[])))
        while True:
            event = self._next_event()
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.limits.max_body_bytes:  # a chunked body has no length to check up front
                    raise body_too_large(self.limits.max_body_bytes)
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            elif event is h11.NEED_DATA:
                self._receive(deadline, timeout)
            else:
                raise _PeerGone()

    def _send(self, request: h11.Request | None, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        if self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            raise _PeerGone()
        headers = [*headers, ("Content-Length", str(len(body)))]
        try:
            head = self.h11.send(h11.Response(status_code=status, headers=headers, reason=reason_phrase(status)))
        except h11.LocalProtocolError:  # the function set a header h11 will not send (a newline in it)
            logger.error("a function's answer had an invalid header; answered 500 instead")
            error = internal_error("The function's answer was not valid HTTP.", close=True)
            return self._send(request, error.status, error.response_headers(), error.body())
        no_body = (request is not None and request.method == b"HEAD") or status in (204, 304)
        data = b"" if no_body else self.h11.send(h11.Data(data=body))
        self.sock.settimeout(self.limits.send_timeout)
        self.sock.sendall(head + data + self.h11.send(h11.EndOfMessage()))

    def _log(self, request: h11.Request | None, status: int, size: int, started: float) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        line = (
            "-"
            if request is None
            else (
                f"{request.method.decode()} {request.target.decode('ascii', 'replace')} "
                f"HTTP/{request.http_version.decode()}"
            )
        )
        logger.info(
            '%s "%s" %d %d %.1f ms', self.client, redact(line), status, size, (time.perf_counter() - started) * 1000
        )

    def _close(self) -> None:
        try:
            linger(self.sock)
        except OSError:
            pass


def linger(sock: socket.socket, seconds: float = 2.0, max_bytes: int = 1024 * 1024) -> None:
    """Lingering close (RFC 9112 section 9.6): stop sending, read what the client still sends for a
    moment, then let the caller close. Closing with unread bytes would reset the connection and
    could destroy the answer before the client reads it."""
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(min(seconds, 1.0))
    deadline, drained = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and drained < max_bytes:
        data = sock.recv(65536)
        if not data:
            return
        drained += len(data)


def _protocol_error(error: h11.RemoteProtocolError) -> HostError:
    text = str(error)
    if error.error_status_hint == 431:
        return invalid_request("The request line and headers are too large.", status=431)
    message = next(
        (m for prefix, m in _H11_PROBLEMS.items() if text.startswith(prefix)), "The request is not valid HTTP/1.1."
    )
    return invalid_request(message)
