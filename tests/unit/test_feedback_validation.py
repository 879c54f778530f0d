"""parse_feedback: exact types, the documented limits, unknown fields ignored (no storage, no HTTP)."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.validation import Feedback, parse_feedback
from service.errors import ApiError
from service.request_fields import feedback_fields
from service.settings import Settings

SETTINGS = Settings.from_env()
REQUIRED_FIELDS = tuple(feedback_fields(SETTINGS))


def body(**overrides) -> dict:
    value = {
        "prediction_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "text": "meh flight",
        "sentiment": "negative",
        "probability": 0.3,
        "model_version": "fasttext_lstm@1",
        "is_correct": True,
    }
    value.update(overrides)
    return value


def error_of(payload: dict) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        parse_feedback(payload, SETTINGS)
    return caught.value.status, caught.value.code


def test_valid_feedback_is_parsed_and_extra_fields_ignored():
    parsed = parse_feedback(body(label=0, threshold=0.5, anything={"x": 1}), SETTINGS)
    assert parsed == Feedback(
        "0f8fad5b-d9cb-469f-a165-70867728950e", "meh flight", "negative", 0.3, "fasttext_lstm@1", True
    )
    assert set(parsed.as_dict()) == set(REQUIRED_FIELDS)


def test_prediction_id_is_normalised_to_lower_case():
    assert (
        parse_feedback(body(prediction_id="0F8FAD5B-D9CB-469F-A165-70867728950E"), SETTINGS).prediction_id
        == "0f8fad5b-d9cb-469f-a165-70867728950e"
    )


@given(st.uuids())
def test_every_canonical_uuid_is_accepted(value):
    assert parse_feedback(body(prediction_id=str(value)), SETTINGS).prediction_id == str(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0f8fad5b",
        "0f8fad5bd9cb469fa16570867728950e",
        "urn:uuid:" + str(uuid.uuid4()),
        "{" + str(uuid.uuid4()) + "}",
        " " + str(uuid.uuid4()),
        str(uuid.uuid4()) + "\n",
        "0f8fad5b-d9cb-469f-a165-70867728950g",
        None,
        1,
        ["x"],
    ],
)
def test_anything_but_a_canonical_uuid_is_refused(value):
    assert error_of(body(prediction_id=value)) == (400, "invalid_field")


@given(st.floats(min_value=0.0, max_value=1.0) | st.sampled_from([0, 1]))
def test_probabilities_from_0_to_1_are_accepted_as_floats(value):
    parsed = parse_feedback(body(probability=value), SETTINGS)
    assert parsed.probability == value and isinstance(parsed.probability, float)


@given(
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda p: not 0.0 <= p <= 1.0)
    | st.sampled_from([True, False, "0.5", None, [0.5]])
)
def test_other_probabilities_are_refused(value):
    assert error_of(body(probability=value)) == (400, "invalid_field")


@given(st.one_of(st.integers(), st.text(), st.none(), st.floats(allow_nan=False)))
def test_is_correct_must_be_a_json_boolean(value):
    assert error_of(body(is_correct=value)) == (400, "invalid_field")


@pytest.mark.parametrize("value", ["Negative", "POSITIVE", "neutral", "", 0, 1, True, None])
def test_sentiment_is_negative_or_positive_exactly(value):
    assert error_of(body(sentiment=value)) == (400, "invalid_field")


@pytest.mark.parametrize(
    "value", ["", "   ", None, 3, "m" * (SETTINGS.max_model_version_chars + 1), "a\nb", "bad\ud800"]
)
def test_model_version_is_a_bounded_printable_string(value):
    assert error_of(body(model_version=value)) == (400, "invalid_field")


def test_text_limits_are_the_service_limits():
    assert parse_feedback(body(text="a" * SETTINGS.max_text_chars), SETTINGS).text
    assert error_of(body(text="a" * (SETTINGS.max_text_chars + 1))) == (413, "text_too_long")
    assert error_of(body(text=" \n\t")) == (400, "empty_text")
    assert error_of(body(text="\ud83d")) == (400, "invalid_field")


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_each_missing_field_is_named(field):
    payload = body()
    del payload[field]
    with pytest.raises(ApiError) as caught:
        parse_feedback(payload, SETTINGS)
    assert caught.value.code == "missing_field" and field in caught.value.message
