"""The served OpenAPI document is true: live answers of every route match its schemas and statuses."""

import uuid

import jsonschema
import pytest
import requests

from catch_all.blueprint import FUNCTION_NAME as CATCH_ALL
from tests.app_functions import served_functions
from tests.openapi_support import references


@pytest.fixture(scope="module")
def document(live_host):
    response = requests.get(live_host.url("/api/openapi.json"), timeout=30)
    assert response.status_code == 200
    return response.json()


def check(document, path, method, response):
    """Assert the answer's status is documented for the operation and its body fits the schema."""
    operation = document["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {path} answered undocumented {status}"
    content = operation["responses"][status].get("content", {}).get("application/json")
    if content:
        schema = {**content["schema"], "components": document["components"]}
        jsonschema.validate(response.json(), schema, format_checker=jsonschema.FormatChecker())
    for header in operation["responses"][status].get("headers", {}):
        assert header in response.headers


def test_document_is_openapi_3_with_every_route(document):
    assert document["openapi"].startswith("3.")
    served = {}
    for name, function in served_functions().items():
        if name == CATCH_ALL:
            continue  # not an API route: its 404/405 are described in info.description
        trigger = function.get_bindings()[0].get_dict_repr()
        methods = {str(getattr(m, "value", m)).lower() for m in trigger["methods"]}
        served["/" + trigger["route"]] = methods
    assert set(document["paths"]) == set(served)
    assert "/{path}" not in document["paths"] and "not_found" in document["info"]["description"]
    for path, methods in served.items():
        assert set(document["paths"][path]) == methods, path


def test_every_reference_names_a_component_schema(document):
    """Client generators (openapi-python-client) resolve `#/components/schemas/<Name>` only: a
    pointer into a schema's properties made them drop the Health schema."""

    names = set(document["components"]["schemas"])
    found = set(references(document))
    assert found and all(r.startswith("#/components/schemas/") for r in found), found
    assert {r.removeprefix("#/components/schemas/") for r in found} <= names, found


@pytest.mark.parametrize("path", ["/predict", "/feedback"])
def test_keyed_routes_document_the_hosts_empty_401(document, path):
    answer = document["paths"][path]["post"]["responses"]["401"]
    assert "content" not in answer and "empty body" in answer["description"]


@pytest.mark.parametrize("path", ["/predict", "/feedback"])
def test_a_chunked_body_gets_the_documented_411(document, live_host, path):
    response = requests.post(live_host.url("/api" + path), data=iter([b'{"text": "late"}']), timeout=30)
    assert response.status_code == 411 and "Content-Length" in response.json()["error"]["message"]
    check(document, path, "post", response)


def test_documented_limits_are_the_served_ones(document, live_host):
    limits = requests.get(live_host.url("/api/health"), timeout=30).json()["limits"]
    text = document["components"]["schemas"]["FeedbackRequest"]["properties"]["text"]
    assert text["maxLength"] == limits["max_text_chars"]


@pytest.mark.parametrize(
    "body",
    [
        {"text": "lovely crew"},
        {"texts": ["late again", "on time, nice"]},
        {"text": ""},
        {"text": "x" * 5000},
        {"texts": ["a"] * 500},
        {},
        {"text": 1},
    ],
)
def test_predict_answers_match(document, live_host, body):
    check(document, "/predict", "post", requests.post(live_host.url("/api/predict"), json=body, timeout=30))


def test_health_and_document_answers_match(document, live_host):
    check(document, "/health", "get", requests.get(live_host.url("/api/health"), timeout=30))
    check(document, "/openapi.json", "get", requests.get(live_host.url("/api/openapi.json"), timeout=30))


def test_feedback_answers_match(document, live_host):
    prediction = requests.post(live_host.url("/api/predict"), json={"text": "so late"}, timeout=30).json()
    feedback = {k: prediction[k] for k in ("prediction_id", "sentiment", "probability", "model_version")}
    feedback.update(text="so late", is_correct=True)
    for _ in range(2):  # 201 then 200
        check(document, "/feedback", "post", requests.post(live_host.url("/api/feedback"), json=feedback, timeout=30))
    bad = {**feedback, "prediction_id": str(uuid.uuid4()), "is_correct": "yes"}
    check(document, "/feedback", "post", requests.post(live_host.url("/api/feedback"), json=bad, timeout=30))


def test_page_answers_match(document, live_host):
    check(document, "/ui", "get", requests.get(live_host.url("/api/ui"), timeout=30))
    check(document, "/ui/assets/{name}", "get", requests.get(live_host.url("/api/ui/assets/page.js"), timeout=30))
    check(document, "/ui/assets/{name}", "get", requests.get(live_host.url("/api/ui/assets/secret.txt"), timeout=30))
