"""Calling the function app's user functions as the Functions worker calls them."""

from __future__ import annotations

import azure.functions as func

from tests.app_functions import served_functions
from tests.http_support import call_post

__all__ = ["call", "served_functions"]


def call(function, route: str, body: bytes, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return call_post(function, route, body, headers)
