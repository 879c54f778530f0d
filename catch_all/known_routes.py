"""The app's HTTP routes read from its registered functions, and what a request no function serves gets.

Shared by the catch-all function (Azure) and the local host (devhost/), so both answer with the
same code, message and `Allow` header.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import azure.functions as func

from service import errors
from service.errors import ApiError

CATCH_ALL_TEMPLATE = "{*path}"
# Methods of an HTTP trigger that lists none: the host then adds no method constraint at all
# (azure-functions-host src/WebJobs.Script.WebHost/WebScriptHostHttpRoutesManager.cs).
ANY_METHOD = None


@dataclass(frozen=True)
class KnownRoute:
    name: str
    template: str  # relative to the route prefix, as declared
    methods: frozenset[str] | None  # None: every method
    auth_level: str
    handler: Callable[[func.HttpRequest], func.HttpResponse]

    def accepts(self, method: str) -> bool:
        return self.methods is None or method.upper() in self.methods

    @property
    def is_catch_all(self) -> bool:
        return self.template.strip("/").startswith("{*")


def template_pattern(template: str, prefix: str = "") -> re.Pattern[str]:
    """A route template (`{name}` segments, a final `{*rest}`) as a case-insensitive path pattern."""
    full = "/".join(p for p in (prefix.strip("/"), template.strip("/")) if p)
    pattern = ""
    for segment in full.split("/") if full else []:
        param = re.fullmatch(r"\{(\*?)(\w+)(?::[^}]*)?\??\}", segment)
        if param and param.group(1):
            # A catch-all also matches nothing at all ("/api" for "api/{*path}"), as in ASP.NET routing.
            pattern += f"(?:/(?P<{param.group(2)}>.*))?"
        elif param:
            pattern += f"/(?P<{param.group(2)}>[^/]+)"
        else:
            pattern += "/" + re.escape(segment)
    return re.compile(pattern or "/", re.IGNORECASE)


def http_functions(app: func.FunctionApp) -> list[KnownRoute]:
    """The app's HTTP-triggered functions in the order the Functions host tries their routes.

    The host sorts functions by name, ordinal ignoring case (FunctionMetadataManager.cs), maps
    their routes in that order, and ASP.NET Core's RouteCollection takes the first route whose
    template and method constraint match: there is no literal-before-template precedence.
    """
    # The SDK records the names get_functions() saw, to refuse duplicates, so a second call (the
    # worker has made the first when it indexed the app) would raise: read with an empty record,
    # then put the record back as it was.
    seen = app.functions_bindings
    app.functions_bindings = {}
    try:
        functions = app.get_functions()
    finally:
        app.functions_bindings = seen
    routes = []
    for function in functions:
        trigger = next((b for b in function.get_bindings() if b.get_dict_repr().get("type") == "httpTrigger"), None)
        name = function.get_function_name()
        if trigger is None or name is None:
            continue
        spec = trigger.get_dict_repr()
        methods = spec.get("methods")
        auth = spec.get("authLevel")
        routes.append(
            KnownRoute(
                name=name,
                template=spec.get("route") or name,
                methods=frozenset(str(getattr(m, "value", m)).upper() for m in methods) if methods else ANY_METHOD,
                auth_level=str(getattr(auth, "value", auth) or "function").lower(),
                handler=function.get_user_function(),
            )
        )
    return sorted(routes, key=lambda r: r.name.upper())


def methods_served_at(routes: list[KnownRoute], path: str) -> list[str]:
    """The methods the app's functions (the catch-all aside) serve at `path`, relative to the route prefix."""
    normalized = "/" + path.strip("/")
    return sorted(
        {
            method
            for route in routes
            if not route.is_catch_all and route.methods and template_pattern(route.template).fullmatch(normalized)
            for method in route.methods
        }
    )


def unmatched(methods_served: list[str]) -> ApiError:
    """The answer for a request no function serves: 404, or 405 with `Allow` when the path is served for other methods."""
    if not methods_served:
        return errors.not_found("No function is served at this path.")
    return errors.method_not_allowed(methods_served)
