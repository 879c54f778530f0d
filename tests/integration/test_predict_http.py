"""POST /api/predict and GET /api/health over real HTTP through the local host."""

import pytest
import requests

from tests.http_support import post_json


def post(live_host, body, **kwargs):
    return post_json(live_host, "/predict", body, **kwargs)


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    assert "Traceback" not in response.text


def test_health_is_ok(live_host):
    response = requests.get(live_host.url("/api/health"), timeout=30)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_single_and_batch(live_host):
    single = post(live_host, {"text": "The crew was lovely, thank you!"})
    assert single.status_code == 200 and single.json()["sentiment"] == "positive"
    batch = post(live_host, {"texts": ["delayed again, awful", "great flight"]})
    assert [p["sentiment"] for p in batch.json()["predictions"]] == ["negative", "positive"]


def test_json_without_content_type_is_accepted(live_host):
    # curl -d sends application/x-www-form-urlencoded unless told otherwise.
    response = post(live_host, '{"text": "fine"}', headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b"", 400, "invalid_json"),
        (b"{not json", 400, "invalid_json"),
        (b"[]", 400, "invalid_json"),
        ({"txt": "typo"}, 400, "missing_field"),
        ({"text": 3}, 400, "invalid_field"),
        ({"text": "   "}, 400, "empty_text"),
        ({"texts": []}, 400, "empty_batch"),
        ({"text": "a" * 1001}, 413, "text_too_long"),
        ({"texts": ["a"] * 101}, 413, "batch_too_large"),
        (b'{"text": "' + b"a" * 300_000 + b'"}', 413, "body_too_large"),
        (b"\xff\xfe{}", 400, "invalid_json"),
    ],
)
def test_errors(live_host, body, status, code):
    assert_error(post(live_host, body), status, code)


def test_unknown_route_is_404_json(live_host):
    assert_error(requests.get(live_host.url("/api/nothing-here"), timeout=30), 404, "not_found")


def test_wrong_method_is_405_json_with_allow(live_host):
    response = requests.get(live_host.url("/api/predict"), timeout=30)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "POST"


def test_host_survives_a_storm_of_bad_requests(live_host):
    for _ in range(50):
        post(live_host, b"\x00" * 100)
    assert requests.get(live_host.url("/api/health"), timeout=30).status_code == 200
