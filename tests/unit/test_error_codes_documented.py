"""Every error code the code can send is in the served OpenAPI document, and nothing else is;
each code is built in one place, by its named constructor.

The codes are read from the source (AST), not from a list kept by hand: a call to an error type
(`ApiError(...)`, `HostError(...)`), or a dict literal with "code" and "message" keys. A code must
be a string literal there (or pass on a code built elsewhere, `error.code`), so a new code cannot
slip in undocumented.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import azure.functions as func
import pytest

from api_spec.document import LOCAL_HOST_ERROR_CODES
from tests.app_functions import user_function

ROOT = Path(__file__).resolve().parents[2]
FUNCTION_PACKAGES = ("service", "predict", "feedback", "web", "api_spec", "catch_all")
LOCAL_HOST_PACKAGES = ("devhost",)
# Error types -> position of their `code` argument: the functions' (built only in service/errors.py)
# and the local host's (built only in devhost/host_errors.py). Everything else calls their named
# constructors, `errors.invalid_field("...")`, which take a message, never a code.
FUNCTION_CODE_ARGUMENT = {"ApiError": 1}
HOST_CODE_ARGUMENT = {"HostError": 1}
ERROR_MODULES = {"ApiError": "service/errors.py", "HostError": "devhost/host_errors.py"}


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _code_expression(node: ast.AST, constructors: dict[str, int]) -> ast.expr | None:
    """The expression that gives the error code at this node, if the node sends an error."""
    if isinstance(node, ast.Call) and (name := _callee_name(node)) in constructors:
        keyword = next((k.value for k in node.keywords if k.arg == "code"), None)
        position = constructors[name]
        return keyword or (node.args[position] if len(node.args) > position else None)
    if isinstance(node, ast.Dict):  # an error body written out: {"code": ..., "message": ...}
        entries = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
        is_schema = isinstance(entries.get("code"), ast.Dict)  # api_spec's {"code": {"type": ...}}
        return entries["code"] if {"code", "message"} <= set(entries) and not is_schema else None
    return None


def _is_passed_on(expression: ast.expr) -> bool:
    """`code` or `error.code`: a code built (and collected) where the error was raised."""
    return (isinstance(expression, ast.Name) and expression.id == "code") or (
        isinstance(expression, ast.Attribute) and expression.attr == "code"
    )


def codes_in_source(
    source: str, where: str = "<source>", constructors: dict[str, int] = FUNCTION_CODE_ARGUMENT
) -> set[str]:
    """The error codes a module can send; AssertionError for a code that is not a literal."""
    codes = set()
    for node in ast.walk(ast.parse(source)):
        expression = _code_expression(node, constructors)
        if expression is None or _is_passed_on(expression):
            continue
        literals = _literal_codes(expression)
        assert literals, f"{where}:{node.lineno}: an error code that is not a string literal: {ast.unparse(expression)}"
        codes |= literals
    return codes


def _literal_codes(expression: ast.expr) -> set[str]:
    """ "a" -> {"a"}; `"a" if ... else "b"` -> {"a", "b"}; anything else (a name, an f-string) -> empty."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.IfExp):
        body, orelse = _literal_codes(expression.body), _literal_codes(expression.orelse)
        return body | orelse if body and orelse else set()
    return set()


def codes_in_packages(packages: tuple[str, ...], constructors: dict[str, int]) -> set[str]:
    codes = set()
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            codes |= codes_in_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), constructors)
    return codes


def function_codes() -> set[str]:
    return codes_in_packages(FUNCTION_PACKAGES, FUNCTION_CODE_ARGUMENT)


def host_codes() -> set[str]:
    return codes_in_packages(LOCAL_HOST_PACKAGES, HOST_CODE_ARGUMENT)


def served_error_codes() -> set[str]:
    request = func.HttpRequest("GET", "http://localhost/api/openapi.json", body=b"")
    document = json.loads(user_function("openapi")(request).get_body())
    return set(document["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"])


def test_collector_reads_every_way_the_code_sends_an_error():
    source = """
raise ApiError(404, "not_found", "x")
raise errors.ApiError(400, "invalid_json", "x")
raise ApiError(status=413, code="body_too_large", message="x")
body = ApiError(400, "invalid_request" if status < 500 else "internal_error", "x")
answer = {"error": {"code": "too_many_connections", "message": "x"}}
passed_on = ApiError(400, error.code, error.message)
"""
    assert codes_in_source(source) == {
        "not_found",
        "invalid_json",
        "body_too_large",
        "invalid_request",
        "internal_error",
        "too_many_connections",
    }


@pytest.mark.parametrize(
    "source",
    [
        'raise ApiError(400, CODE, "x")',
        'raise ApiError(400, f"{kind}_error", "x")',
        'answer = {"code": codes[0], "message": "x"}',
    ],
)
def test_a_code_that_is_not_a_literal_is_refused(source):
    with pytest.raises(AssertionError, match="not a string literal"):
        codes_in_source(source)


def test_every_code_sent_is_documented_and_every_documented_code_is_sent():
    sent = function_codes() | host_codes()
    documented = served_error_codes()
    assert sent == documented, {"undocumented": sorted(sent - documented), "never sent": sorted(documented - sent)}


def test_codes_only_the_local_host_sends_are_named_as_such():
    local_only = host_codes() - function_codes()
    assert local_only == set(LOCAL_HOST_ERROR_CODES)
    assert {"invalid_request", "too_many_connections"} <= local_only


def test_the_host_reads_its_codes_from_its_own_list():
    from devhost.host_errors import HOST_ERROR_CODES

    assert host_codes() == set(HOST_ERROR_CODES)


def error_type_calls() -> list[tuple[str, str, int, set[str]]]:
    """(error type, module, line, literal codes) of every ApiError(...) and HostError(...) outside tests."""
    calls = []
    for package in FUNCTION_PACKAGES + LOCAL_HOST_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and (name := _callee_name(node)) in ERROR_MODULES:
                    expression = _code_expression(node, {name: 1})
                    codes = set() if expression is None else _literal_codes(expression)
                    calls.append((name, str(path.relative_to(ROOT)), node.lineno, codes))
    return calls


def test_errors_are_built_only_by_their_named_constructors():
    elsewhere = [
        (name, f"{where}:{line}") for name, where, line, _ in error_type_calls() if where != ERROR_MODULES[name]
    ]
    assert not elsewhere, f"call the named constructor in {ERROR_MODULES} instead: {elsewhere}"


def test_each_error_code_is_built_in_one_place():
    places: dict[str, list[str]] = {}
    for _, where, line, codes in error_type_calls():
        for code in codes:
            places.setdefault(code, []).append(f"{where}:{line}")
    assert {code: p for code, p in places.items() if len(p) > 1} == {}
    assert set(places) == function_codes() | host_codes()
