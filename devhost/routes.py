"""The HTTP routes of a FunctionApp, read from its decorators, and matching of request paths.

Mirrors what the Functions host does with the same app: route templates under the prefix from
host.json (`{name}` segments and a final `{*rest}` catch-all), methods per function (none listed:
every method), and routes tried in function-name order, the first match winning
(catch_all/known_routes.py says where in the host's source that comes from).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import azure.functions as func

from catch_all.known_routes import KnownRoute, http_functions, template_pattern


@dataclass(frozen=True)
class HttpRoute:
    function: KnownRoute
    pattern: re.Pattern[str]

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def template(self) -> str:
        return self.function.template

    @property
    def methods(self) -> frozenset[str] | None:
        return self.function.methods

    @property
    def auth_level(self) -> str:
        return self.function.auth_level

    @property
    def handler(self) -> Callable[[func.HttpRequest], func.HttpResponse]:
        return self.function.handler

    def match(self, path: str) -> dict[str, str] | None:
        m = self.pattern.fullmatch(path)
        return None if m is None else {k: v for k, v in m.groupdict().items() if v is not None}


def route_prefix(host_json: Path) -> str:
    """extensions.http.routePrefix from host.json ('api' when unset, as in the real host)."""
    try:
        config = json.loads(host_json.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "api"
    return str(config.get("extensions", {}).get("http", {}).get("routePrefix", "api")).strip("/")


def http_routes(app: func.FunctionApp, prefix: str) -> list[HttpRoute]:
    """The app's HTTP routes under `prefix`, in the order the host tries them."""
    return [HttpRoute(function, template_pattern(function.template, prefix)) for function in http_functions(app)]
