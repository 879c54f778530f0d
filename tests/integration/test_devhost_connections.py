"""The local host serves a bounded number of connections at once. At the limit, the connection that
has waited longest for a request makes room for a newcomer; only when every connection is serving
a request does the newcomer get a JSON 503 with Retry-After, and a freed slot serves again."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import azure.functions as func
import pytest
import requests

from devhost.routes import http_routes
from devhost.server import make_server

RELEASE = threading.Event()
ENTERED = threading.Semaphore(0)


@pytest.fixture()
def small_server():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping", methods=["GET"])
    def ping(req):
        return func.HttpResponse("pong")

    @app.route(route="hold", methods=["GET"])
    def hold(req):
        ENTERED.release()
        RELEASE.wait(30)  # a request in progress, holding its connection's slot
        return func.HttpResponse("held")

    @app.route(route="echo", methods=["GET", "POST"])
    def echo(req):
        seen = {"accept": req.headers.get("accept"), "params": dict(req.params), "body": req.get_body().decode()}
        return func.HttpResponse(json.dumps(seen))

    RELEASE.clear()
    server = make_server(http_routes(app, "api"), port=0, max_connections=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    RELEASE.set()
    server.shutdown()
    server.server_close()


def idle_connection(base: str) -> socket.socket:
    """Connected, request not sent: the host holds a slot for it."""
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def test_connections_beyond_the_limit_get_a_json_503_when_every_slot_is_serving(small_server):
    with ThreadPoolExecutor(2) as pool:
        held = [pool.submit(requests.get, f"{small_server}/api/hold", timeout=30) for _ in range(2)]
        try:
            assert ENTERED.acquire(timeout=10) and ENTERED.acquire(timeout=10)  # both slots are serving
            refused = requests.get(f"{small_server}/api/ping", timeout=5)
        finally:
            RELEASE.set()
        assert [h.result().text for h in held] == ["held", "held"]
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["X-Content-Type-Options"] == "nosniff" and refused.headers["Cache-Control"] == "no-store"
    assert refused.json()["error"]["code"] == "too_many_connections"
    answer = None
    for _ in range(50):  # the held connections' threads finish and give their slots back
        answer = requests.get(f"{small_server}/api/ping", timeout=5)
        if answer.status_code == 200:
            break
        time.sleep(0.1)
    assert answer is not None and answer.text == "pong"


def test_connections_waiting_for_a_request_make_room_for_a_new_client(small_server):
    idle = [idle_connection(small_server) for _ in range(2)]
    try:
        time.sleep(0.3)  # both accepted and holding their slots
        assert requests.get(f"{small_server}/api/ping", timeout=5).text == "pong"
        idle[0].settimeout(5)
        assert idle[0].recv(100) == b""  # the longest waiting was closed, without an answer
    finally:
        for connection in idle:
            connection.close()


def test_repeated_headers_and_query_values_reach_the_function_as_the_functions_host_joins_them(small_server):
    """Repeated header lines joined with ", " (the contract in DESIGN.md; docs/devhost.md notes that the
    host's StringValues.ToString() reads as ","), empty values skipped; query values joined with ",",
    a query value left empty dropped (GrpcMessageConversionExtensions.ToRpcHttp)."""
    host, port = small_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            b"GET /api/echo?a=1&a=2&empty=&b=x HTTP/1.1\r\nHost: h\r\nAccept: text/plain\r\n"
            b"Accept: application/json\r\nConnection: close\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    body = answer.partition(b"\r\n\r\n")[2].decode()
    assert json.loads(body) == {"accept": "text/plain, application/json", "params": {"a": "1,2", "b": "x"}, "body": ""}


def test_a_chunked_body_reaches_the_function_empty(small_server):
    """The Functions host forwards a body only when Content-Length > 0."""
    chunked = requests.post(f"{small_server}/api/echo", data=iter([b"hello"]), timeout=5)
    sized = requests.post(f"{small_server}/api/echo", data=b"hello", timeout=5)
    assert chunked.json()["body"] == "" and sized.json()["body"] == "hello"
