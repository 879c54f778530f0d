"""The local host serves a bounded number of connections at once; the next one gets a JSON 503
with Retry-After, and a freed slot serves again."""

from __future__ import annotations

import socket
import threading
import time

import azure.functions as func
import pytest
import requests

from devhost.routes import http_routes
from devhost.server import make_server


@pytest.fixture()
def small_server():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping", methods=["GET"])
    def ping(req):
        return func.HttpResponse("pong")

    server = make_server(http_routes(app, "api"), port=0, max_connections=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def idle_connection(base: str) -> socket.socket:
    """Connected, request not sent: the host holds a thread for it."""
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def test_connections_beyond_the_limit_get_a_json_503_and_freed_slots_serve_again(small_server):
    assert requests.get(f"{small_server}/api/ping", timeout=5).text == "pong"
    idle = [idle_connection(small_server) for _ in range(2)]
    try:
        time.sleep(0.3)  # both accepted and holding their slots
        refused = requests.get(f"{small_server}/api/ping", timeout=5)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "1"
        assert refused.json()["error"]["code"] == "too_many_connections"
    finally:
        for connection in idle:
            connection.close()
    deadline = time.monotonic() + 5
    while True:  # the idle connections' threads see the close and give their slots back
        answer = requests.get(f"{small_server}/api/ping", timeout=5)
        if answer.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert answer.text == "pong"
