"""The local host (python -m devhost) against a hostile client: framing, request lines, slow clients, keys in logs.

Raw bytes on one connection to the real host process. For every attack the host must send exactly
one 4xx answer with a status line, a JSON error body and the security headers, then close the
connection: the request glued after the attack (SMUGGLED) must never get an answer of its own.
"""

from __future__ import annotations

import socket
import time

import pytest
import requests

from devhost.process import HostProcess
from tests.fixtures.live_host import host_environment
from tests.hostile.raw_http import RawResponse, exchange

SMUGGLED = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
POST = b"POST /api/predict HTTP/1.1\r\nHost: x\r\n"
CHUNKED_POST = POST + b"Transfer-Encoding: chunked\r\n\r\n"

ATTACKS = {
    # Content-Length and Transfer-Encoding together: the classic CL.TE / TE.CL desync.
    "content-length-and-chunked": POST + b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
    "chunked-and-content-length": POST + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    "two-different-content-lengths": POST + b"Content-Length: 0\r\nContent-Length: 37\r\n\r\n",
    "content-length-list": POST + b"Content-Length: 0, 37\r\n\r\n",
    "header-line-without-colon": POST + b"X-No-Colon\r\nContent-Length: 37\r\n\r\n",
    "space-before-colon": POST + b"Transfer-Encoding : chunked\r\nContent-Length: 0\r\n\r\n",
    "chunk-size-line-over-64-bytes": CHUNKED_POST + b"0" * 70 + b"2\r\n{}\r\n0\r\n\r\n",
    "chunk-size-0x16": CHUNKED_POST + b"0x16\r\n" + b"a" * 22 + b"\r\n0\r\n\r\n",
    "chunk-size-1_6": CHUNKED_POST + b"1_6\r\n" + b"a" * 22 + b"\r\n0\r\n\r\n",
    "negative-chunk-size": CHUNKED_POST + b"-5\r\nab\r\n0\r\n\r\n",
    "chunk-without-crlf": CHUNKED_POST + b"2\r\n{}XX0\r\n\r\n",
    "transfer-encoding-xchunked": POST + b"Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "transfer-encoding-chunked-twice": POST
    + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "transfer-encoding-gzip-chunked": POST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "content-length-plus-sign": POST + b"Content-Length: +2\r\n\r\n{}",
    "nul-in-header": b"GET /api/health HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
    "request-line-garbage": b"GARBAGE\r\n\r\n",
    "request-line-http2": b"GET /api/health HTTP/2.0\r\nHost: x\r\n\r\n",
    "request-line-http09": b"GET /api/health\r\n\r\n",
    "unclosed-ipv6-target": b"GET http://[::1/api/health HTTP/1.1\r\nHost: x\r\n\r\n",
    "invalid-host-header": b"GET /api/health HTTP/1.1\r\nHost: [\r\n\r\n",
    "two-host-headers": b"GET /api/health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
}


def assert_host_error(answer: RawResponse, status: int | None = None) -> None:
    """A host error: the status, a JSON `{"error": {code, message}}` body, never sniffed, never cached."""
    assert answer.status == status if status else 400 <= answer.status < 500, answer
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    error = answer.json()["error"]
    assert set(error) == {"code", "message"} and error["code"] and error["message"]


@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_attack_gets_one_4xx_and_the_connection_closes_before_the_smuggled_request(live_host, attack):
    answered = exchange(live_host.port, attack + SMUGGLED)
    assert answered.unparsed == b"", answered.unparsed[:200]  # every byte back is inside a status-lined answer
    assert len(answered.responses) == 1, [r.status for r in answered.responses]
    assert_host_error(answered.responses[0])
    assert answered.closed_by_host
    assert requests.get(live_host.url("/api/health"), timeout=10).status_code == 200


def test_pipelined_requests_are_each_answered(live_host):
    """The control for the test above: two well-framed requests in one write get two answers."""
    second = SMUGGLED.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    answered = exchange(live_host.port, SMUGGLED + second)
    assert [r.status for r in answered.responses] == [200, 200]
    assert answered.closed_by_host


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GET /api/nothing/<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
        (b"GET /api/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405),
        (b"HEAD /api/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405),
        (b"HEAD /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405),  # no implicit HEAD
        (b"GET /api/health HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET /api/" + b"a" * 40_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),  # over 32 KB, in one read
        (b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X%d: y\r\n" % i for i in range(150)) + b"\r\n", 431),
        (POST + b"Content-Length: " + str(10**12).encode() + b"\r\n\r\n{", 413),
    ],
    ids=[
        "not-found",
        "wrong-method",
        "head-on-post-route",
        "head-on-get-route",
        "header-too-long",
        "request-line-too-long",
        "too-many-headers",
        "body-too-large",
    ],
)
def test_every_host_error_carries_security_headers_and_a_json_body(live_host, request_bytes, status):
    answered = exchange(live_host.port, request_bytes)
    assert len(answered.responses) == 1
    answer = answered.responses[0]
    if request_bytes.startswith(b"HEAD"):
        assert answer.status == status and answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store" and answer.body == b""
        return
    assert_host_error(answer, status)
    assert b"<script>" not in answer.body and b"nothing" not in answer.body  # the path is never echoed


@pytest.mark.parametrize("route", ["predict", "feedback"])
def test_a_chunked_post_is_a_4xx_that_asks_for_content_length(live_host, route):
    """The Functions host forwards a body only when Content-Length > 0 (azure-functions-host#7930,
    GrpcMessageConversionExtensions.ToRpcHttp): a chunked JSON body reaches the function empty, and
    the answer says what to do instead."""
    body = b'{"text": "late again"}'
    chunked = CHUNKED_POST.replace(b"/api/predict", b"/api/" + route.encode()) + b"%x\r\n%s\r\n0\r\n\r\n" % (
        len(body),
        body,
    )
    answered = exchange(live_host.port, chunked + SMUGGLED.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    assert [r.status for r in answered.responses] == [411, 200]  # well framed: the next request is served
    error = answered.responses[0].json()["error"]
    assert error["code"] == "length_required" and "Content-Length" in error["message"]


def test_function_keys_never_reach_the_host_log(live_host):
    secret_query, secret_header = "QueryKeySecret0123456789", "HeaderKeySecret0123456789"
    requests.get(live_host.url(f"/api/health?code={secret_query}"), timeout=10)
    requests.post(
        live_host.url(f"/api/predict?x=1&code={secret_query}"),
        json={"text": "late"},
        headers={"x-functions-key": secret_header},
        timeout=10,
    )
    requests.get(live_host.url(f"/api/no-such-route?code={secret_query}"), timeout=10)
    exchange(live_host.port, f"GARBAGE /api/health?code={secret_query}\r\n\r\n".encode())
    requests.get(live_host.url("/api/health?code=LastRequestMarker"), timeout=10)
    log = ""
    for _ in range(50):  # the access log line is written after the answer is sent
        log = live_host.log_path.read_text(encoding="utf-8", errors="replace")
        if "health?code=[redacted]" in log and log.count("GET /api/health") >= 2:
            break
        time.sleep(0.1)
    assert "GET /api/health?code=[redacted]" in log  # the access log is on, and redacts
    assert secret_query not in log and secret_header not in log and "LastRequestMarker" not in log


# --- slow clients --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_host(tmp_path_factory):
    """A host with few connection slots and a short header deadline, so slow clients are cheap to play."""
    env = host_environment(DEVHOST_MAX_CONNECTIONS="16", DEVHOST_HEADER_TIMEOUT="2")
    host = HostProcess(env, tmp_path_factory.mktemp("small-host") / "devhost.log")
    yield host
    host.stop()


def slow_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
    return sock


def trickle(sock: socket.socket) -> None:
    """One more header line, as a slowloris client sends every few seconds; a closed socket is fine."""
    try:
        sock.sendall(b"X-Slow: 1\r\n")
    except OSError:
        pass


def test_slow_clients_filling_every_slot_do_not_deny_service(small_host):
    slow = [slow_client(small_host.port) for _ in range(64)]  # four times the 16 slots
    try:
        for round_ in range(3):
            for sock in slow:
                trickle(sock)
            answer = requests.get(small_host.url("/api/health"), timeout=10)
            assert answer.status_code == 200, (round_, answer.status_code, answer.text)
    finally:
        for sock in slow:
            sock.close()


def test_headers_that_never_end_get_a_408_and_the_connection_closes(small_host):
    """The header deadline covers the whole head, however often a line arrives (2 s on this host)."""
    with slow_client(small_host.port) as sock:
        sock.settimeout(0.5)
        received = b""
        for _ in range(60):  # up to 30 s of a header line every 0.5 s
            trickle(sock)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408"), received[:200]
    assert b"no-store" in rest and b"nosniff" in rest
