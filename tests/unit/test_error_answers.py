"""The error handler is total: whatever a handler raises, and whatever the request holds, a JSON error goes out.

Every error answer carries `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`, and
escapes `<`, `>` and `&`, so nothing in it can be sniffed or rendered as markup.
"""

from __future__ import annotations

import json

import azure.functions as func
import pytest

from service.errors import ApiError
from service.http import error_response, json_endpoint, request_path

HOSTILE_URLS = [
    "http://[/api/x",
    "http://ex\u2100ample/api/x",
    "http://\uff03/api/x",
    "",
    "[",
    "::::",
    "http://a]b[/api/x?code=KEY#f",
    "\ud800",
    "http://h/\ud800/x",
]


def assert_error_answer(response: func.HttpResponse, status: int, code: str) -> None:
    assert (response.status_code, response.mimetype) == (status, "application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.get_body())["error"]["code"] == code


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_failing_handler_on_a_hostile_url_still_answers_a_json_500(url):
    @json_endpoint
    def broken(req):
        raise RuntimeError("boom")

    assert_error_answer(broken(func.HttpRequest("GET", url, body=b"")), 500, "internal_error")


def test_a_request_whose_url_is_not_even_a_string_still_answers_a_json_500():
    @json_endpoint
    def broken(req):
        raise RuntimeError("boom")

    assert_error_answer(broken(func.HttpRequest("GET", None, body=b"")), 500, "internal_error")


@pytest.mark.parametrize(
    "error",
    [
        ApiError(400, "invalid_field", "a lone surrogate \ud800 in the message"),
        ApiError(400, "invalid_field", "x", headers={"Retry-After": 5}),
        ApiError("400", "invalid_field", "x"),
        ApiError(400, "invalid_field", object()),
    ],
    ids=["unencodable-message", "header-not-a-string", "status-not-an-int", "message-not-json"],
)
def test_an_error_that_cannot_be_answered_becomes_the_fixed_500(error):
    @json_endpoint
    def raises(req):
        raise error

    assert_error_answer(raises(func.HttpRequest("GET", "http://localhost/api/x", body=b"")), 500, "internal_error")


def test_an_error_cannot_drop_the_security_and_cache_headers():
    error = ApiError(
        503,
        "storage_unavailable",
        "x",
        headers={"Retry-After": "5", "Cache-Control": "max-age=600", "X-Content-Type-Options": "off"},
    )
    response = error_response(error)
    assert_error_answer(response, 503, "storage_unavailable")
    assert response.headers["Retry-After"] == "5"


def test_error_bodies_escape_markup():
    response = error_response(ApiError(404, "not_found", "No <script>alert(1)</script> & no <b>"))
    body = response.get_body()
    assert not set(body.decode()) & set("<>&")
    assert json.loads(body)["error"]["message"] == "No <script>alert(1)</script> & no <b>"


@pytest.mark.parametrize(
    "url, path",
    [
        ("http://localhost/api/ui", "/api/ui"),
        ("http://localhost/api/ui?code=KEY#x", "/api/ui"),
        ("http://[/api/ui", "/api/ui"),
        ("http://ex\u2100ample/api/ui/", "/api/ui/"),
        ("http://h", ""),
        ("http://x/y/api/ui", "/y/api/ui"),
        ("/api/ui", "/api/ui"),
        ("", ""),
        (None, ""),
    ],
)
def test_request_path_never_raises(url, path):
    assert request_path(func.HttpRequest("GET", url, body=b"")) == path
