"""Property-based fuzzing of predict and feedback at handler level (no HTTP): 1,350 generated bodies.

Every answer is JSON, never a 5xx, of the documented shape for its status, and its status is the
one the contract gives for that body (tests/hostile/contract.py). Valid feedback is really stored
in Azurite.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings

from service.settings import get_settings
from tests.hostile import strategies
from tests.hostile.app_functions import call
from tests.hostile.contract import Contract, expected_statuses

HUGE_PROBABILITY = {
    "prediction_id": "6b0f4c1e-7f43-4d5e-9a59-0c1d2e3f4a5b",
    "text": "late again",
    "sentiment": "negative",
    "probability": 10**400,
    "model_version": "fasttext_lstm@1",
    "is_correct": False,
}
FIRST_STORED: dict[str, dict] = {}
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def check(handlers, route: str, payload, body: bytes) -> dict:
    limits = get_settings()
    response = call(handlers[route.strip("/")], route, body)
    answer = Contract.from_settings(limits).check_answer(
        route, response.status_code, response.mimetype or "", response.get_body(), dict(response.headers)
    )
    allowed = expected_statuses(route, payload, body, limits)
    assert response.status_code in allowed, (response.status_code, allowed, answer, body[:300])
    return answer


@settings(FUZZ, max_examples=600)
@given(strategies.encoded(strategies.predict_payloads))
def test_predict_answers_every_json_body_by_the_contract(handlers, case):
    payload, body = case
    answer = check(handlers, "/predict", payload, body)
    if "error" not in answer:
        predictions = answer["predictions"] if "texts" in payload else [answer]
        assert len(predictions) == len(payload.get("texts", [None]))
        assert all(p["sentiment"] == ("positive" if p["label"] else "negative") for p in predictions)


@settings(FUZZ, max_examples=150)
@given(strategies.raw_bodies)
def test_predict_answers_any_bytes_with_a_json_error(handlers, body):
    try:
        payload = json.loads(body.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        payload = None  # not JSON: the contract says 400
    check(handlers, "/predict", payload, body)


@settings(FUZZ, max_examples=500)
@given(strategies.encoded(strategies.feedback_payloads()))
@example(strategies.encoded_example(HUGE_PROBABILITY))  # was a 500: math.isfinite(10**400) overflows
def test_feedback_answers_every_json_body_by_the_contract(handlers, case):
    payload, body = case
    answer = check(handlers, "/feedback", payload, body)
    if "error" not in answer:
        prediction_id = payload["prediction_id"].lower()
        assert answer["id"] == answer["prediction_id"] == prediction_id
        if prediction_id not in FIRST_STORED:  # generated ids repeat: a repeat answers what was stored first
            assert answer["text"] == payload["text"] and answer["is_correct"] is payload["is_correct"]
            FIRST_STORED[prediction_id] = answer
        assert answer == FIRST_STORED[prediction_id]


@settings(FUZZ, max_examples=100)
@given(strategies.raw_bodies)
def test_feedback_answers_any_bytes_with_a_json_error(handlers, body):
    response = call(handlers["feedback"], "/feedback", body)
    assert 400 <= response.status_code < 500
    Contract.from_settings(get_settings()).check_answer(
        "/feedback", response.status_code, response.mimetype or "", response.get_body(), dict(response.headers)
    )
