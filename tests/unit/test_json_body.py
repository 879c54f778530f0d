"""Reading request bodies: every malformed body is a 400/413 ApiError, never an exception."""

import azure.functions as func
import pytest

from service.errors import ApiError
from service.http import json_endpoint, read_json_object


def request(body: bytes, headers=None) -> func.HttpRequest:
    return func.HttpRequest("POST", "http://localhost/api/predict", headers=headers or {}, body=body)


def error_of(body: bytes, limit: int = 1000, headers=None) -> ApiError:
    with pytest.raises(ApiError) as caught:
        read_json_object(request(body, headers), limit)
    return caught.value


def test_object_is_returned():
    assert read_json_object(request(b'{"text": "hi"}'), 100) == {"text": "hi"}


def test_utf8_bom_is_tolerated():
    assert read_json_object(request('\ufeff{"text": "hi"}'.encode()), 100) == {"text": "hi"}


@pytest.mark.parametrize(
    "body",
    [
        b"   ",
        b"{",
        b"not json",
        b'{"text": "hi"',
        b"[1, 2]",
        b'"text"',
        b"null",
        b"42",
        b'{"text": NaN}',
        b'{"p": Infinity}',
        b"\xff\xfe\x00garbage",
        b'{"text": "\xc3\x28"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_malformed_bodies_are_400_invalid_json(body):
    error = error_of(body, limit=10_000_000)
    assert (error.status, error.code) == (400, "invalid_json")


def test_an_empty_body_declared_with_content_length_0_is_400():
    error = error_of(b"", headers={"content-length": "0"})
    assert (error.status, error.code) == (400, "invalid_json")


@pytest.mark.parametrize("headers", [{}, {"transfer-encoding": "chunked"}], ids=["no-length", "chunked"])
def test_a_body_without_content_length_is_411_naming_content_length(headers):
    """Azure's host forwards a body only when Content-Length > 0: a chunked one arrives empty."""
    error = error_of(b"", headers=headers)
    assert (error.status, error.code) == (411, "length_required")
    assert "Content-Length" in error.message and "chunked" in error.message


def test_body_over_the_limit_is_413():
    error = error_of(b'{"text": "' + b"a" * 2000 + b'"}', limit=1000)
    assert (error.status, error.code) == (413, "body_too_large")


def test_declared_length_over_the_limit_is_413_before_reading():
    error = error_of(b"{}", limit=1000, headers={"content-length": "5000"})
    assert error.status == 413


def test_unexpected_exception_becomes_json_500_without_trace():
    @json_endpoint
    def broken(req):
        raise KeyError("secret internals")

    response = broken(request(b"{}"))
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert b"internal_error" in response.get_body()
    assert b"secret internals" not in response.get_body()
    assert b"Traceback" not in response.get_body()
