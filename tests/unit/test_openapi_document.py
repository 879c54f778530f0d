"""The OpenAPI document's shape, built offline (the live document: tests/integration/
test_openapi_contract.py): every referenced schema, and every object schema with properties,
is a named component, since client generators handle named schemas best."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api_spec.document import build_openapi
from service.settings import Settings
from tests.openapi_support import references


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_openapi(Settings.from_env())


def nested_objects(node: Any, where: str) -> Iterator[str]:
    """Where a schema inside a component declares properties of its own (an inline object)."""
    if isinstance(node, dict):
        if "properties" in node:
            yield where
        for key, value in node.items():
            yield from nested_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from nested_objects(item, f"{where}/{index}")


def test_every_reference_names_a_component_schema(document):
    names = set(document["components"]["schemas"])
    found = set(references(document))
    assert found and all(r.startswith("#/components/schemas/") for r in found), found
    assert {r.removeprefix("#/components/schemas/") for r in found} <= names, found


def test_no_component_holds_an_inline_object_schema(document):
    inline = [
        where
        for name, schema in document["components"]["schemas"].items()
        for key, properties in schema.get("properties", {}).items()
        for where in nested_objects(properties, f"{name}/properties/{key}")
    ]
    assert inline == []


def test_health_limits_is_a_named_schema_of_the_served_limits(document):
    schemas = document["components"]["schemas"]
    assert schemas["Health"]["properties"]["limits"] == {"$ref": "#/components/schemas/HealthLimits"}
    assert set(schemas["HealthLimits"]["properties"]) == {"max_text_chars", "max_batch_size", "max_body_bytes"}
