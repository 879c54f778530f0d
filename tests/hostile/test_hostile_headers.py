"""Hostile header values and URLs at handler level (every registered function) and through the local host.

No header value (Host and so req.url, Content-Length, If-None-Match, Content-Type, Accept,
X-Forwarded-*, anything) may turn into a 500. Every error answer is JSON with `nosniff` and
`no-store`, a documented code, and no raw `<`, `>` or `&` (nothing reflected can become markup).
"""

from __future__ import annotations

import json

import azure.functions as func
import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api_spec.document import ERROR_CODES
from catch_all.blueprint import FUNCTION_NAME as CATCH_ALL
from tests.hostile.app_functions import served_functions
from tests.hostile.strategies import ANY_CHARACTER

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
# Host values that break urllib's urlsplit ("[": Invalid IPv6 URL; "℀" is "a/c" under NFKC) or the path.
HOSTILE_HOSTS = [
    "[",
    "]",
    "[::1",
    "a]b[",
    "ex\u2100ample",
    "\uff03",
    "x/y",
    "x?y",
    "x#y",
    "a@b:c@d",
    "",
    "h:99999999999",
    "h:-1",
    "%zz",
    "\x00",
    " ",
    "<script>alert(1)</script>",
    "\ud800",
]
# Values for the headers the code reads, and for some it does not.
HOSTILE_VALUES = [
    "9" * 5000,
    "0" * 5000 + "1",
    "-1",
    "1e9",
    "\u00b2",
    " 12",
    "12 ",
    "1, 1",
    "",
    "*",
    'W/"x"',
    '"' * 300,
    "\r\n",
    "\x00",
    "\ud800",
    "[",
    "<script>alert(1)</script>",
    "a" * 10_000,
]
HEADER_NAMES = [
    "host",
    "content-length",
    "content-type",
    "accept",
    "if-none-match",
    "if-match",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-original-url",
    "forwarded",
    "transfer-encoding",
    "x-functions-key",
    "origin",
    "cookie",
    "authorization",
]

hosts = st.one_of(st.sampled_from(HOSTILE_HOSTS), st.text(ANY_CHARACTER, max_size=12))
header_values = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(ANY_CHARACTER, max_size=40))
header_maps = st.dictionaries(
    st.one_of(st.sampled_from(HEADER_NAMES), st.text(ANY_CHARACTER, min_size=1, max_size=8)), header_values, max_size=6
)

PREDICT_BODY = b'{"text": "the flight was late again"}'
ROUTES = {  # function -> (method, path, route params, body)
    "ui_page": ("GET", "/api/ui", {}, b""),
    "ui_asset": ("GET", "/api/ui/assets/page.js", {"name": "page.js"}, b""),
    "openapi": ("GET", "/api/openapi.json", {}, b""),
    "health": ("GET", "/api/health", {}, b""),
    "predict": ("POST", "/api/predict", {}, PREDICT_BODY),
    "feedback": ("POST", "/api/feedback", {}, b'{"is_correct": true}'),
    CATCH_ALL: ("GET", "/api/no-such-path", {"path": "no-such-path"}, b""),
}
ANSWERS_WITHOUT_HEADERS = {
    "ui_page": {200},
    "ui_asset": {200},
    "openapi": {200},
    "health": {200},
    "predict": {200},
    "feedback": {400},
    CATCH_ALL: {404},
}


@pytest.fixture(scope="module")
def functions(handlers):
    """Every registered user function, predict and feedback wired to the committed model and Azurite."""
    return {name: function.get_user_function() for name, function in served_functions().items()}


def call(functions, name: str, host: str, headers: dict[str, str], query: str = "") -> func.HttpResponse:
    method, path, route_params, body = ROUTES[name]
    request = func.HttpRequest(
        method, f"http://{host}{path}{query}", headers={**headers, "host": host}, route_params=route_params, body=body
    )
    return functions[name](request)


def assert_safe_error(response: func.HttpResponse) -> dict:
    """A JSON error answer with a documented code, the security and cache headers, no markup."""
    body = response.get_body()
    assert response.mimetype == "application/json", (response.status_code, body[:300])
    assert response.headers.get("X-Content-Type-Options") == "nosniff", dict(response.headers)
    assert response.headers.get("Cache-Control") == "no-store", dict(response.headers)
    assert not set(body.decode("utf-8")) & set("<>&"), body[:300]
    answer = json.loads(body)
    assert set(answer) == {"error"} and answer["error"]["code"] in ERROR_CODES, answer
    return answer


def assert_answer(name: str, response: func.HttpResponse, headers: dict[str, str]) -> None:
    status = response.status_code
    assert status != 500, response.get_body()[:500]
    if status >= 400:
        answer = assert_safe_error(response)
        # Only a declared Content-Length over the limit may change the answer to a valid request.
        declared = headers.get("content-length", "")
        assert (
            status == 413
            and answer["error"]["code"] == "body_too_large"
            and declared.isdigit()
            or (status in ANSWERS_WITHOUT_HEADERS[name])
        ), (status, answer, headers)
    else:
        assert status in ANSWERS_WITHOUT_HEADERS[name] | {304}, (status, response.get_body()[:300])


@settings(FUZZ, max_examples=250)
@given(name=st.sampled_from(sorted(ROUTES)), host=hosts, headers=header_maps)
@example(name="ui_page", host="[", headers={})  # was a 500: urlsplit raised, then again in the error handler
@example(name="predict", host="localhost", headers={"content-length": "9" * 5000})  # was a 500: int() digit limit
@example(name="ui_page", host="ex\u2100ample", headers={})  # NFKC makes it "a/c": urlsplit raises
def test_no_header_value_gives_a_500(functions, name, host, headers):
    headers = {k.lower(): v for k, v in headers.items() if k.lower() != "host"}
    assert_answer(name, call(functions, name, host, headers), headers)


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_page_is_served_whatever_the_host(functions, host):
    response = call(functions, "ui_page", host, {})
    assert response.status_code == 200, response.get_body()[:300]
    assert b'src="/' in response.get_body() and b"<script>alert" not in response.get_body()


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "9" * 4300, "1" + "0" * 4300, str(2**64)],
    ids=["5000-nines", "4300-nines", "4301-digits", "2**64"],
)
def test_huge_declared_length_is_413_not_500(functions, value):
    response = call(functions, "predict", "localhost", {"content-length": value})
    assert response.status_code == 413
    assert assert_safe_error(response)["error"]["code"] == "body_too_large"


def test_declared_length_with_thousands_of_leading_zeros_is_read_as_a_number(functions):
    response = call(functions, "predict", "localhost", {"content-length": "0" * 5000 + str(len(PREDICT_BODY))})
    assert response.status_code == 200


def test_missing_asset_error_does_not_echo_the_name(functions):
    name = "<script>alert(1)</script>&x"
    request = func.HttpRequest(
        "GET", f"http://[/api/ui/assets/{name}", route_params={"name": name}, headers={"host": "["}, body=b""
    )
    response = functions["ui_asset"](request)
    assert response.status_code == 404
    assert_safe_error(response)
    assert b"script" not in response.get_body()


@pytest.mark.parametrize("host", ["[", "]", "[::1", "a]b[", "x/y"])
def test_page_through_the_local_host_with_a_hostile_host_header(live_host, host):
    """`GET /api/ui` with `Host: [` through the real local host: never a 5xx; the page or a JSON 4xx."""
    response = requests.get(live_host.url("/api/ui"), headers={"Host": host}, timeout=30)
    assert response.status_code < 500, response.text[:500]
    if response.status_code == 200:
        assert response.headers["Content-Type"].startswith("text/html")
        assert "/api/ui/assets/" in response.text and "<script>alert" not in response.text
    else:
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["error"]["code"] in ERROR_CODES
    assert requests.get(live_host.url("/api/health"), timeout=30).status_code == 200
