"""Serve a FunctionApp's HTTP functions on 127.0.0.1: accept connections, one thread each, h11 inside.

The user function runs in the connection's thread (as in one Python worker with a thread pool).
Function keys are not checked, as with `func start`, unless the server is given one
(`REQUIRE_FUNCTION_KEYS=1`, see devhost/__main__.py): then a function-level route without it
gets the empty 401 Azure's host gives.

At most `max_connections` connections are open at once. When a new one arrives at the limit, the
connection that has waited longest for a request (idle keep-alive, or headers still arriving) is
closed to make room: slow clients cannot hold every slot (slowloris). Only when every slot is
serving a request does the newcomer get a JSON 503 `too_many_connections` with Retry-After.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import threading

from devhost.connection import Connection, ConnectionSlot, HostLimits, linger
from devhost.host_errors import serialize, too_many_connections
from devhost.routes import HttpRoute

logger = logging.getLogger("devhost")

DEFAULT_MAX_CONNECTIONS = 256
REFUSING = 32  # 503 answers being written at once


class FunctionHostServer(socketserver.TCPServer):
    # The standard library's listen backlog of 5 drops connections when a few dozen clients
    # connect at once (they retry after 1 s); the real host queues far more.
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        routes: list[HttpRoute],
        limits: HostLimits,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        function_key: str | None = None,
    ):
        super().__init__(address, None)  # type: ignore[arg-type]  # connections are served by Connection
        self.routes, self.limits, self.max_connections = routes, limits, max_connections
        self.function_key = function_key
        self._lock = threading.Lock()
        self._slots: dict[socket.socket, ConnectionSlot] = {}
        self._refusing = threading.BoundedSemaphore(REFUSING)
        # The bound address (port 0 became a real one), for requests without a Host header.
        host, port = self.socket.getsockname()[:2]
        self.server_name = f"{host}:{port}"

    def process_request(self, request: socket.socket, client_address) -> None:  # type: ignore[override]
        with self._lock:
            if len(self._slots) >= self.max_connections and not self._evict_longest_waiting():
                slot = None
            else:
                slot = self._slots[request] = ConnectionSlot(request, self._lock)
        if slot is None:
            self._refuse(request)
            return
        # Nodelay: headers and body go out in one write, but a small answer must not wait for the
        # client's delayed ACK (~40 ms) on every keep-alive request.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=self._serve, args=(request, client_address, slot), daemon=True).start()

    def _serve(self, request: socket.socket, client_address: tuple[str, int], slot: ConnectionSlot) -> None:
        try:
            client = f"{client_address[0]}:{client_address[1]}"
            Connection(request, client, self.routes, self.limits, slot, self.server_name, self.function_key).serve()
        except Exception:
            logger.exception("connection failed")
        finally:
            with self._lock:
                self._slots.pop(request, None)
            self.shutdown_request(request)

    def _evict_longest_waiting(self) -> bool:
        """Close the connection that has waited longest for a request; False when all are serving."""
        waiting = [s for s in self._slots.values() if s.waiting_since is not None and not s.evicted]
        if not waiting:
            return False
        victim = min(waiting, key=lambda s: s.waiting_since or 0.0)
        victim.evicted = True
        self._slots.pop(victim.sock, None)
        try:
            victim.sock.shutdown(socket.SHUT_RDWR)  # its thread sees the end of the stream and leaves
        except OSError:
            pass
        logger.info("closed the connection waiting longest for a request: %d connections open", self.max_connections)
        return True

    def _refuse(self, request: socket.socket) -> None:
        """The 503 goes out from a short-lived thread (at most REFUSING at once), so the accepting
        thread never waits; past that many, the connection is closed without an answer."""
        logger.warning("refused a connection: %d already open and serving", self.max_connections)
        if not self._refusing.acquire(blocking=False):
            self.shutdown_request(request)
            return
        threading.Thread(target=self._send_refusal, args=(request,), daemon=True).start()

    def _send_refusal(self, request: socket.socket) -> None:
        try:
            request.settimeout(1.0)
            request.sendall(serialize(too_many_connections(self.max_connections)))
            linger(request)  # the unread request would otherwise reset the connection, 503 and all
        except OSError:
            pass
        finally:
            self._refusing.release()
            request.close()


def make_server(
    routes: list[HttpRoute],
    host: str = "127.0.0.1",
    port: int = 7071,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    limits: HostLimits | None = None,
    function_key: str | None = None,
) -> FunctionHostServer:
    return FunctionHostServer(
        (host, port), routes, limits or HostLimits(), max_connections=max_connections, function_key=function_key
    )
