"""Function keys never reach a log line: `code=` query values and `x-functions-key` header values.

A client may send its key as `?code=KEY` (docs/security.md), so any logged URL can carry one. The
formatter redacts the whole formatted record, message and traceback alike, whoever logged it.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_KEY_PATTERNS = [
    # ?code=KEY or &code=KEY (also ;code= and percent-encoded `=`), up to the next separator.
    re.compile(r"(?i)([?&;]code(?:=|%3D))[^&#\s\"'<>]+"),
    # x-functions-key: KEY, x-functions-key=KEY, 'x-functions-key': 'KEY'
    re.compile(r"(?i)(x-functions-key['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}&]+"),
]


def redact(text: str) -> str:
    for pattern in _KEY_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redact_root_logging() -> None:
    """Put the redaction on every handler of the root logger (call after logging.basicConfig)."""
    for handler in logging.getLogger().handlers:
        current = handler.formatter or logging.Formatter()
        handler.setFormatter(RedactingFormatter(current._fmt, current.datefmt))
