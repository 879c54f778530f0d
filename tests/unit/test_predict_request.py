"""Validation of predict request bodies (pure: no model, no HTTP)."""

import dataclasses

import pytest

from predict.scoring import parse_predict_request
from service.errors import ApiError
from service.settings import Settings

SETTINGS = dataclasses.replace(Settings.from_env(), max_text_chars=20, max_batch_size=3)


def error_of(payload) -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse_predict_request(payload, SETTINGS)
    return caught.value


def test_single_text_is_not_a_batch():
    assert parse_predict_request({"text": "great flight"}, SETTINGS) == (["great flight"], False)


def test_batch_keeps_order():
    assert parse_predict_request({"texts": ["a", "b", "c"]}, SETTINGS) == (["a", "b", "c"], True)


def test_unknown_fields_are_ignored():
    assert parse_predict_request({"text": "ok", "client": "ios"}, SETTINGS)[0] == ["ok"]


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({}, 400, "missing_field"),
        ({"txt": "typo"}, 400, "missing_field"),
        ({"text": "a", "texts": ["b"]}, 400, "invalid_field"),
        ({"text": None}, 400, "invalid_field"),
        ({"text": 42}, 400, "invalid_field"),
        ({"text": ["a"]}, 400, "invalid_field"),
        ({"text": ""}, 400, "empty_text"),
        ({"text": " \n\t "}, 400, "empty_text"),
        ({"text": "x" * 21}, 413, "text_too_long"),
        ({"texts": "one string"}, 400, "invalid_field"),
        ({"texts": []}, 400, "empty_batch"),
        ({"texts": ["a", "b", "c", "d"]}, 413, "batch_too_large"),
        ({"texts": ["a", 1]}, 400, "invalid_field"),
        ({"texts": ["a", ""]}, 400, "empty_text"),
        ({"texts": ["a", "y" * 21]}, 413, "text_too_long"),
        ({"text": "lone \ud800 surrogate"}, 400, "invalid_field"),
    ],
)
def test_bad_requests_are_named_precisely(payload, status, code):
    error = error_of(payload)
    assert (error.status, error.code) == (status, code)
    assert error.message


def test_error_names_the_failing_batch_item():
    assert "texts[1]" in error_of({"texts": ["fine", 7]}).message


def test_text_at_the_limit_is_accepted():
    assert parse_predict_request({"text": "x" * 20}, SETTINGS)[0] == ["x" * 20]
