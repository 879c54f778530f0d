"""Serve a FunctionApp's HTTP functions on 127.0.0.1 with the standard library's HTTP server.

Each request becomes an `azure.functions.HttpRequest`, the user function runs in this process (as
in one Python worker), and its `HttpResponse` is written back. Function keys are not checked, as
with `func start`; Azure checks them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import azure.functions as func

from devhost.routes import HttpRoute

logger = logging.getLogger("devhost")

# The real host accepts up to 100 MB; the functions enforce their own, smaller limits.
HOST_MAX_BODY_BYTES = 4 * 1024 * 1024
# One thread per open connection: past this many, a new connection gets a JSON 503 at once
# instead of another thread (idle keep-alive connections hold theirs for up to 30 s).
DEFAULT_MAX_CONNECTIONS = 256


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


class _HostError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = {"Content-Type": "application/json", **(headers or {})}


class FunctionRequestHandler(BaseHTTPRequestHandler):
    routes: list[HttpRoute] = []
    server_version = "devhost"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may take to send its request
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms) on every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, fmt: str, *args) -> None:
        logger.info("%s %s", self.address_string(), fmt % args)

    def __getattr__(self, name: str):
        # Any method, not only the standard ones, reaches the router: an unknown method on a known
        # route is a JSON 405 (not http.server's HTML 501), on an unknown path a JSON 404.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own protocol errors (bad request line, headers too long...) as JSON too."""
        phrase = self.responses.get(code, ("Error",))[0]
        self.log_error("code %d, message %s", code, message)
        body = _error_body("invalid_request" if code < 500 else "internal_error", message or phrase)
        self.send_response(code, phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self) -> None:
        started = time.perf_counter()
        try:
            status, headers, body = self._call_function()
        except _HostError as error:
            status, headers, body = error.status, error.headers, _error_body(error.code, error.message)
            self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        logger.debug("%s %s -> %s in %.1f ms", self.command, self.path, status, (time.perf_counter() - started) * 1000)

    def _call_function(self) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        candidates = [(r, params) for r in self.routes if (params := r.match(path)) is not None]
        if not candidates:
            self._drain_body()
            raise _HostError(404, "not_found", f"No function is served at {url.path}.")
        allowed = [(r, p) for r, p in candidates if self.command in r.methods or (self.command == "HEAD" and "GET" in r.methods)]
        if not allowed:
            self._drain_body()
            methods = sorted({m for r, _ in candidates for m in r.methods})
            raise _HostError(405, "method_not_allowed", f"{url.path} accepts {', '.join(methods)}.",
                             {"Allow": ", ".join(methods)})
        route, route_params = allowed[0]
        request = func.HttpRequest(
            method=self.command,
            url=f"http://{self.headers.get('Host', 'localhost')}{self.path}",
            headers={k.lower(): v for k, v in self.headers.items()},
            params=dict(parse_qsl(url.query, keep_blank_values=True)),
            route_params=route_params,
            body=self._read_body(),
        )
        try:
            response = route.handler(request)
        except Exception:
            logger.exception("function %s failed", route.name)
            raise _HostError(500, "internal_error", "The function failed.") from None
        headers = dict(response.headers)
        if response.mimetype:
            content_type = response.mimetype + (f"; charset={response.charset}" if response.charset else "")
            headers.setdefault("Content-Type", content_type)
        return response.status_code, headers, response.get_body() or b""

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw_length = self.headers.get("Content-Length", "0") or "0"
        if not (raw_length.strip().isascii() and raw_length.strip().isdigit()):  # "²".isdigit() is True
            raise _HostError(400, "invalid_request", "Content-Length is not a number.")
        length = int(raw_length)
        if length > HOST_MAX_BODY_BYTES:
            raise _HostError(413, "body_too_large", f"The request body is larger than {HOST_MAX_BODY_BYTES} bytes.")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks, total = [], 0
        while True:
            size_line = self.rfile.readline(64).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise _HostError(400, "invalid_request", "Malformed chunked body.") from None
            if size < 0:  # read(-n) would wait for the client to close the connection
                raise _HostError(400, "invalid_request", "Malformed chunked body.")
            if size == 0:
                self.rfile.readline(1024)  # blank line after the last chunk (no trailers)
                return b"".join(chunks)
            total += size
            if total > HOST_MAX_BODY_BYTES:
                raise _HostError(413, "body_too_large", f"The request body is larger than {HOST_MAX_BODY_BYTES} bytes.")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _drain_body(self) -> None:
        try:
            self._read_body()
        except _HostError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


class _FunctionServer(ThreadingHTTPServer):
    # The standard library's listen backlog of 5 drops connections when a few dozen clients
    # connect at once (they retry after 1 s); the real host queues far more.
    request_queue_size = 128
    daemon_threads = True

    def __init__(self, address, handler, max_connections: int = DEFAULT_MAX_CONNECTIONS):
        super().__init__(address, handler)
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request) -> None:
        """Answer in the accepting thread, without reading the request: it must stay cheap."""
        body = _error_body("too_many_connections", f"The local host already serves {self.max_connections} "
                           "connections; retry in a moment.")
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n")
        logger.warning("refused a connection: %d already open", self.max_connections)
        try:
            request.settimeout(1.0)
            request.sendall(head.encode() + body)
        except OSError:
            pass
        finally:
            self.shutdown_request(request)


def make_server(routes: list[HttpRoute], host: str = "127.0.0.1", port: int = 7071,
                max_connections: int = DEFAULT_MAX_CONNECTIONS) -> ThreadingHTTPServer:
    handler = type("BoundFunctionRequestHandler", (FunctionRequestHandler,), {"routes": routes})
    return _FunctionServer((host, port), handler, max_connections=max_connections)
