"""The hostile tests' oracle (tests/hostile/contract.py) and the served OpenAPI document agree on
what a request body may hold.

The oracle is written from DESIGN.md, independently of service/request_fields.py, which the handlers
and the document share; so a rule changed on one side only fails here. JSON Schema cannot say all
the oracle says: a body the document accepts may still be refused, but only for a reason listed in
`beyond_the_schema` (a blank text, a lone surrogate, a control character in model_version, or both
`text` and `texts`, which the document states in words so that client generators keep two plain
request types).
"""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from service.settings import get_settings
from tests.hostile import strategies
from tests.hostile.app_functions import served_functions
from tests.hostile.contract import FEEDBACK_FIELDS, SENTIMENTS, UUID, feedback_status, predict_status

AGREE = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document as the openapi function serves it."""
    openapi = served_functions()["openapi"].get_user_function()
    response = openapi(func.HttpRequest("GET", "http://localhost/api/openapi.json", body=b""))
    assert response.status_code == 200
    return json.loads(response.get_body())


def validator(document: dict[str, Any], component: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _blank_or_unencodable(value: Any) -> bool:
    return isinstance(value, str) and (not value.strip() or any(0xD800 <= ord(c) <= 0xDFFF for c in value))


def beyond_the_schema(route: str, payload: dict[str, Any]) -> bool:
    """Whether the body breaks a rule the document states in words only."""
    if route == "/predict":
        texts = payload.get("texts")
        texts = texts if isinstance(texts, list) else []
        return ("text" in payload and "texts" in payload) or any(
            _blank_or_unencodable(t) for t in [payload.get("text"), *texts]
        )
    version = payload.get("model_version")
    control = isinstance(version, str) and any(ord(c) < 32 for c in version)
    return _blank_or_unencodable(payload.get("text")) or _blank_or_unencodable(version) or control


def assert_agree(route: str, check: jsonschema.protocols.Validator, payload: Any, status: int) -> None:
    valid = check.is_valid(payload)
    if status < 300:
        assert valid, ("the oracle accepts what the document refuses", payload)
    elif valid:
        assert beyond_the_schema(route, payload), (f"the document accepts what the oracle answers {status}", payload)


def test_the_oracle_states_the_documents_fields_enums_and_limits(document):
    schemas, limits = document["components"]["schemas"], get_settings()
    feedback = schemas["FeedbackRequest"]
    assert tuple(feedback["required"]) == tuple(feedback["properties"]) == FEEDBACK_FIELDS
    fields = feedback["properties"]
    assert tuple(fields["sentiment"]["enum"]) == SENTIMENTS
    assert fields["prediction_id"]["pattern"] == f"^{UUID.pattern}$"
    assert (fields["probability"]["minimum"], fields["probability"]["maximum"]) == (0, 1)
    assert fields["model_version"]["maxLength"] == limits.max_model_version_chars
    texts = schemas["PredictTextsRequest"]["properties"]["texts"]
    assert schemas["PredictTextRequest"]["properties"]["text"] == texts["items"] == fields["text"]
    assert (texts["items"]["maxLength"], texts["maxItems"]) == (limits.max_text_chars, limits.max_batch_size)


@AGREE
@given(strategies.predict_payloads)
def test_the_oracle_and_the_document_agree_on_predict_bodies(document, payload):
    check = validator(document, "PredictRequest")
    assert_agree("/predict", check, payload, predict_status(payload, get_settings()))


@AGREE
@given(strategies.feedback_payloads())
def test_the_oracle_and_the_document_agree_on_feedback_bodies(document, payload):
    check = validator(document, "FeedbackRequest")
    assert_agree("/feedback", check, payload, feedback_status(payload, get_settings()))
