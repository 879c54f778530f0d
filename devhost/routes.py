"""The HTTP routes of a FunctionApp, read from its decorators, and matching of request paths.

Mirrors what the Functions host does with the same app: route templates under the prefix from
host.json (`{name}` segments and a final `{*rest}` catch-all), methods per function, 404 for an
unknown path and 405 for a known path with another method.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import azure.functions as func


@dataclass(frozen=True)
class HttpRoute:
    name: str
    template: str
    methods: frozenset[str]
    auth_level: str
    handler: Callable[[func.HttpRequest], func.HttpResponse]
    pattern: re.Pattern

    def match(self, path: str) -> dict[str, str] | None:
        m = self.pattern.fullmatch(path)
        return None if m is None else {k: v for k, v in m.groupdict().items() if v is not None}


def route_prefix(host_json: Path) -> str:
    """extensions.http.routePrefix from host.json ('api' when unset, as in the real host)."""
    try:
        config = json.loads(host_json.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "api"
    return config.get("extensions", {}).get("http", {}).get("routePrefix", "api").strip("/")


def _template_pattern(prefix: str, template: str) -> re.Pattern:
    full = "/".join(p for p in (prefix, template.strip("/")) if p)
    out = []
    for segment in full.split("/"):
        param = re.fullmatch(r"\{(\*?)(\w+)(?::[^}]*)?\??\}", segment)
        if param and param.group(1):
            out.append(f"(?P<{param.group(2)}>.*)")
        elif param:
            out.append(f"(?P<{param.group(2)}>[^/]+)")
        else:
            out.append(re.escape(segment))
    return re.compile("/" + "/".join(out), re.IGNORECASE)


def http_routes(app: func.FunctionApp, prefix: str) -> list[HttpRoute]:
    routes = []
    for function in app.get_functions():  # the SDK allows one call per app
        trigger = next((b for b in function.get_bindings() if b.get_dict_repr().get("type") == "httpTrigger"), None)
        if trigger is None:
            continue
        name = function.get_function_name()
        if name is None:  # never: the SDK names each function it indexes (its Python name by default)
            raise ValueError("the FunctionApp holds a function without a name")
        spec = trigger.get_dict_repr()
        template: str = spec.get("route") or name
        methods = spec.get("methods") or ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        auth = spec.get("authLevel")
        routes.append(HttpRoute(
            name=name,
            template=template,
            methods=frozenset(str(getattr(m, "value", m)).upper() for m in methods),
            auth_level=str(getattr(auth, "value", auth) or "function"),
            handler=function.get_user_function(),
            pattern=_template_pattern(prefix, template),
        ))
    # Literal routes win over templated ones, as in ASP.NET routing.
    return sorted(routes, key=lambda r: ("{" in r.template, -len(r.template)))
