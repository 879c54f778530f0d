"""Property-based fuzzing of predict and feedback over real HTTP (the local host): 300 bodies.

Same oracle as the handler-level fuzzing, through the host's parsing, with content types that
clients get wrong. The host must still answer health afterwards.
"""

from __future__ import annotations

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.settings import Settings
from tests.hostile import strategies
from tests.hostile.contract import Contract, expected_statuses

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# The service reads the body as JSON whatever the Content-Type says (curl -d sends form-urlencoded).
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/json; charset=latin-1",
        "application/octet-stream",
        "\u00e9/\u00e9",
    ]
)


def post(live_host, route: str, body: bytes, content_type: str | None) -> requests.Response:
    headers = (
        {} if content_type is None else {"Content-Type": content_type.encode("latin-1", "replace").decode("latin-1")}
    )
    return requests.post(live_host.url("/api" + route), data=body, headers=headers, timeout=30)


def check(contract: Contract, route: str, payload, body: bytes, response: requests.Response) -> None:
    contract.check_answer(
        route, response.status_code, response.headers.get("Content-Type", ""), response.content, dict(response.headers)
    )
    assert response.status_code in expected_statuses(route, payload, body, Settings.from_env()), (
        response.status_code,
        response.text[:300],
        body[:300],
    )


@settings(FUZZ, max_examples=150)
@given(case=strategies.encoded(strategies.predict_payloads), content_type=CONTENT_TYPES)
def test_predict_over_http_answers_by_the_contract(live_host, case, content_type):
    payload, body = case
    check(
        Contract.from_settings(Settings.from_env()),
        "/predict",
        payload,
        body,
        post(live_host, "/predict", body, content_type),
    )


@settings(FUZZ, max_examples=150)
@given(case=strategies.encoded(strategies.feedback_payloads()), content_type=CONTENT_TYPES)
def test_feedback_over_http_answers_by_the_contract(live_host, case, content_type):
    payload, body = case
    check(
        Contract.from_settings(Settings.from_env()),
        "/feedback",
        payload,
        body,
        post(live_host, "/feedback", body, content_type),
    )


def test_host_is_healthy_after_the_fuzzing(live_host):
    assert requests.get(live_host.url("/api/health"), timeout=30).status_code == 200
