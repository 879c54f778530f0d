"""Calling the function app's user functions as the Functions worker calls them."""

from __future__ import annotations

import azure.functions as func

from tests.app_functions import served_functions

__all__ = ["call", "served_functions"]


def call(function, route: str, body: bytes, headers: dict[str, str] | None = None) -> func.HttpResponse:
    """A POST as the host forwards one sent with a Content-Length (a chunked one has none: 411)."""
    sent = {"Content-Length": str(len(body)), **(headers or {})}
    return function(func.HttpRequest("POST", f"http://localhost/api{route}", headers=sent, body=body))
