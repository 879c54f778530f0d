"""The predict and health functions called as the Functions worker calls them (no HTTP server)."""

import json
import uuid

import azure.functions as func
import pytest

from tests.app_functions import served_functions


@pytest.fixture(scope="module")
def functions():
    return {name: f.get_user_function() for name, f in served_functions().items()}


def post(function, body) -> func.HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return function(func.HttpRequest("POST", "http://localhost/api/predict", headers={}, body=raw))


def test_single_prediction_matches_the_contract(functions):
    response = post(functions["predict"], {"text": "I love this airline"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = json.loads(response.get_body())
    assert set(answer) == {"prediction_id", "sentiment", "label", "probability", "threshold", "model_version"}
    assert uuid.UUID(answer["prediction_id"]).version == 4
    assert answer["sentiment"] == ("positive" if answer["label"] == 1 else "negative")
    assert 0.0 <= answer["probability"] <= 1.0
    assert answer["label"] == int(answer["probability"] >= answer["threshold"])
    assert "@" in answer["model_version"]


def test_batch_answers_in_order_with_distinct_ids(functions):
    texts = ["worst flight ever, so angry", "thank you, wonderful crew", "worst flight ever, so angry"]
    answer = json.loads(post(functions["predict"], {"texts": texts}).get_body())
    assert [p["sentiment"] for p in answer["predictions"]] == ["negative", "positive", "negative"]
    assert answer["predictions"][0]["probability"] == answer["predictions"][2]["probability"]
    assert len({p["prediction_id"] for p in answer["predictions"]}) == 3
    assert answer["model_version"] == answer["predictions"][0]["model_version"]


def test_bad_request_is_json_error(functions):
    response = post(functions["predict"], b"{oops")
    assert response.status_code == 400
    assert json.loads(response.get_body())["error"]["code"] == "invalid_json"


def test_health_reports_model_and_limits(functions):
    response = functions["health"](func.HttpRequest("GET", "http://localhost/api/health", body=b""))
    answer = json.loads(response.get_body())
    assert response.status_code == 200
    assert answer["status"] == "ok"
    assert answer["limits"]["max_text_chars"] > 0


def test_routes_and_auth_levels():
    """In Azure, predict and feedback need a function key; health, the document and the page do not."""
    routes = {}
    for f in served_functions().values():
        trigger = f.get_bindings()[0].get_dict_repr()
        level = trigger["authLevel"]
        routes[f.get_function_name()] = (trigger["route"], str(getattr(level, "value", level)))
    assert routes["predict"] == ("predict", "function")
    assert routes["feedback"] == ("feedback", "function")
    assert routes["health"] == ("health", "anonymous")
    assert routes["openapi"] == ("openapi.json", "anonymous")
