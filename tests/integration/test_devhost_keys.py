"""REQUIRE_FUNCTION_KEYS=1: the local host checks function keys as Azure's host does.

A function-level route (predict, feedback) without the key, or with a wrong one, gets the host's
empty 401; the key is read from `x-functions-key` first, then `?code=`. Anonymous routes (health,
the page, the catch-all) need none.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from devhost.process import HostProcess
from tests.fixtures.live_host import host_environment

KEY = "local-test-key-0123456789"
BODY = {"text": "the flight was late again"}


@pytest.fixture(scope="module")
def keyed_host(tmp_path_factory):
    host = HostProcess(
        host_environment(REQUIRE_FUNCTION_KEYS="1", FUNCTION_KEY=KEY), tmp_path_factory.mktemp("keyed") / "devhost.log"
    )
    yield host
    host.stop()


@pytest.mark.parametrize(
    "headers, query",
    [
        ({}, ""),
        ({"x-functions-key": "wrong"}, ""),
        ({}, "?code=wrong"),
        ({"x-functions-key": ""}, ""),
        ({"x-functions-key": "wrong"}, f"?code={KEY}"),  # the header wins, as in the host
    ],
    ids=["none", "wrong-header", "wrong-query", "empty-header", "wrong-header-right-query"],
)
def test_a_keyed_route_without_the_key_is_an_empty_401(keyed_host, headers, query):
    response = requests.post(keyed_host.url("/api/predict" + query), json=BODY, headers=headers, timeout=30)
    assert response.status_code == 401 and response.content == b""


@pytest.mark.parametrize(
    "headers, query", [({"x-functions-key": KEY}, ""), ({}, f"?code={KEY}")], ids=["header", "query"]
)
def test_the_key_in_the_header_or_the_query_is_accepted(keyed_host, headers, query):
    response = requests.post(keyed_host.url("/api/predict" + query), json=BODY, headers=headers, timeout=30)
    assert response.status_code == 200 and response.json()["sentiment"] in ("negative", "positive")


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/api/health", 200),
        ("GET", "/api/ui", 200),
        ("GET", "/api/nothing-here", 404),
        ("GET", "/api/predict", 405),
    ],
)
def test_anonymous_routes_need_no_key(keyed_host, method, path, status):
    assert requests.request(method, keyed_host.url(path), timeout=30).status_code == status


def printed_key(log: Path) -> str:
    """The key the host prints at start (it binds its port just before printing)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if found := re.search(r"Key: (\S+)", log.read_text()):
            return found.group(1)
        time.sleep(0.05)
    raise AssertionError(log.read_text())


def test_without_function_key_set_a_generated_key_is_printed_and_works(tmp_path):
    log = tmp_path / "devhost.log"
    with HostProcess(host_environment(REQUIRE_FUNCTION_KEYS="1"), log) as host:
        key = printed_key(log)
        assert len(key) >= 32
        keyed = requests.post(host.url("/api/predict"), json=BODY, headers={"x-functions-key": key}, timeout=30)
        unkeyed = requests.post(host.url("/api/predict"), json=BODY, timeout=30)
    assert (keyed.status_code, unkeyed.status_code) == (200, 401)


def test_keys_are_not_checked_by_default(live_host):
    response = requests.post(live_host.url("/api/predict"), json=BODY, timeout=30)
    assert response.status_code == 200
