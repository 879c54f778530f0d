"""Raw bytes on one TCP connection to a host, and every HTTP/1.1 response that came back.

The host's own protocol handling is what the framing tests attack, so they cannot use an HTTP
client: they send exact bytes and read the socket until the host closes it (or a read timeout).
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # names lower-cased; repeated names joined with ", "
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class RawExchange:
    responses: list[RawResponse] = field(default_factory=list)
    closed_by_host: bool = False  # False: the read timed out with the connection still open
    unparsed: bytes = b""  # bytes that did not start with an HTTP status line


def _parse_responses(data: bytes, exchange: RawExchange) -> None:
    while data:
        head, separator, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if not separator or not parts[0].startswith("HTTP/1.") or len(parts) < 2 or not parts[1].isdigit():
            exchange.unparsed = data
            return
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        length = int(headers.get("content-length", "0"))
        exchange.responses.append(RawResponse(int(parts[1]), headers, rest[:length]))
        data = rest[length:]


def exchange(port: int, request: bytes, read_timeout: float = 10.0, host: str = "127.0.0.1") -> RawExchange:
    """Send `request` as it is, then read until the host closes the connection or stays silent."""
    received = bytearray()
    closed = False
    with socket.create_connection((host, port), timeout=read_timeout) as sock:
        try:
            sock.sendall(request)
        except OSError:  # the host may close before reading everything; what it answered still counts
            pass
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    result = RawExchange(closed_by_host=closed)
    _parse_responses(bytes(received), result)
    return result
