"""Schema-driven fuzzing: schemathesis generates requests from the served /api/openapi.json.

Complements the hand-written strategies: every operation of the document, valid and invalid
data derived from its schemas, answers checked against the same document (status documented,
content type, body schema, no 5xx).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def served_schema(live_host):
    return schemathesis.openapi.from_url(live_host.url("/api/openapi.json"))


schema = schemathesis.pytest.from_fixture("served_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_by_its_document(case):
    case.call_and_validate(checks=CHECKS, timeout=30)
