"""One way to post to the API in tests: over HTTP to a live host, or straight to a function as
the worker calls it."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func
import requests


def encoded(body: Any) -> Any:
    """JSON for a dict or list; anything else (bytes, str, a generator of chunks) is sent as it is,
    so tests can send malformed bodies on purpose."""
    return json.dumps(body) if isinstance(body, (dict, list)) else body


def post_json(live_host: Any, route: str, body: Any, timeout: float = 30, **kwargs: Any) -> requests.Response:
    """POST `body` to /api<route> of a live local host."""
    return requests.post(live_host.url("/api" + route), data=encoded(body), timeout=timeout, **kwargs)


def call_post(function: Any, route: str, body: Any, headers: dict[str, str] | None = None) -> func.HttpResponse:
    """A POST as the host forwards one sent with a Content-Length (a chunked one has none)."""
    data = encoded(body)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    sent = {"Content-Length": str(len(raw)), **(headers or {})}
    return function(func.HttpRequest("POST", f"http://localhost/api{route}", headers=sent, body=raw))
