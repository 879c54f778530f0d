"""Function keys are redacted from every log line the local host writes, in every spelling a client may use."""

import logging
import sys

import pytest

from devhost.redaction import REDACTED, RedactingFormatter, redact

KEY = "AbC123-xyz_KEY=="


@pytest.mark.parametrize(
    "line",
    [
        f'127.0.0.1:5 "GET /api/health?code={KEY} HTTP/1.1" 200',
        f'"POST /api/predict?x=1&code={KEY}&y=2 HTTP/1.1"',
        f"GET /api/predict?CODE={KEY}",
        f"/api/predict%3Fx%3D1;code%3D{KEY}",
        f"x-functions-key: {KEY}",
        f"{{'X-Functions-Key': '{KEY}', 'accept': '*/*'}}",
        f'"x-functions-key"="{KEY}"',
    ],
)
def test_keys_are_redacted(line):
    assert KEY not in redact(line) and REDACTED in redact(line)


def test_other_query_values_and_text_are_kept():
    line = '"GET /api/health?zipcode=75001&mode=code HTTP/1.1" 200 error code=invalid_json'
    assert redact(line) == line


def test_the_formatter_redacts_messages_arguments_and_tracebacks():
    formatter = RedactingFormatter("%(message)s")
    try:
        raise ValueError(f"bad url /api/predict?code={KEY}")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "GET %s", (f"/api/ui?code={KEY}",), exc_info=sys.exc_info()
        )
    text = formatter.format(record)
    assert KEY not in text and text.startswith(f"GET /api/ui?code={REDACTED}") and "Traceback" in text
