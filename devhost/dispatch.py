"""One parsed HTTP request onto one registered function, as the Azure Functions host maps it.

What the real host does, from its source (Azure/azure-functions-host, 2024-10, commit 89dc438):
- each route carries its methods (HttpMethodRouteConstraint), routes are tried in function-name
  order and the first match wins: a wrong method, HEAD or an unknown path reaches the app's
  catch-all function; without one, the local host gives the same JSON 404/405 (Azure: an empty 404);
- a function-level route needs a key, `x-functions-key` first, then `?code=`
  (Security/Authentication/Keys/AuthenticationLevelHandler.cs), else an empty 401
  (Middleware/FunctionInvocationMiddleware.cs); checked here only when the host is given a key;
- headers and query values are copied from ASP.NET Core's collections with `StringValues.ToString()`
  (src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, ToRpcHttp), and
  empty query values are dropped. Repeated headers are joined with ", " as the project's contract
  (DESIGN.md) states; the source reading suggested "," (docs/devhost.md has both);
- the body is forwarded only when `Content-Length > 0` (same file), so a chunked body reaches the
  function empty (azure-functions-host#7930).
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import azure.functions as func

from catch_all.known_routes import unmatched
from devhost.host_errors import HostError, internal_error, invalid_request
from devhost.routes import HttpRoute

logger = logging.getLogger("devhost")

# Kestrel's check of the Host header (HttpUtilities.IsHostHeaderValid): a reg-name or IPv4
# address, or an IPv6 literal in brackets, then an optional port. Anything else is a 400.
_VALID_HOST = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=%]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?")


@dataclass(frozen=True)
class ParsedRequest:
    """What h11 read, decoded: the method, the raw target and the header lines in order."""

    method: str
    target: str
    headers: list[tuple[str, str]]  # lower-cased names, values as sent (latin-1)
    body: bytes
    server_name: str  # the host's own address, for a request without a Host header (HTTP/1.0)


def joined_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Repeated header lines as one value, joined with ", " (the contract; see the module docstring)."""
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(name, []).append(value)
    return {name: ", ".join(v for v in vs if v) for name, vs in values.items()}


def query_params(query: str) -> dict[str, str]:
    """Query values joined with ",", empty ones dropped, as the host's ToRpcHttp does."""
    params = {
        name: ",".join(v for v in values if v) for name, values in parse_qs(query, keep_blank_values=True).items()
    }
    return {name: value for name, value in params.items() if value}


def request_path(target: str) -> tuple[str, str, str]:
    """(raw path, decoded path, raw query) of an origin-form or absolute-form target; HostError 400 otherwise."""
    if target.startswith("/"):
        raw_path, _, rest = target.partition("?")
        query = rest.partition("#")[0]
    elif target.lower().startswith(("http://", "https://")):
        try:
            parts = urlsplit(target)
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            raise invalid_request("The request target is not a valid URL.") from None
        raw_path, query = parts.path or "/", parts.query
    else:
        raise invalid_request("The request target must be a path such as /api/health.")
    # ASP.NET Core routes on the decoded path, except that an encoded "/" stays one segment.
    path = "%2F".join(unquote(piece, errors="replace") for piece in re.split("%2[Ff]", raw_path))
    return raw_path, path, query


def check_host_header(headers: list[tuple[str, str]]) -> None:
    hosts = [value for name, value in headers if name == "host"]
    if hosts and hosts[0] and not _VALID_HOST.fullmatch(hosts[0]):  # empty is allowed (RFC 9112 3.2)
        raise invalid_request("The Host header is not a valid host name and port.")


def select_route(routes: list[HttpRoute], method: str, path: str) -> tuple[HttpRoute, dict[str, str]]:
    """The first route (routes are in the host's order) whose template and methods match.

    None matching: the same JSON 404 or 405 the app's catch-all function gives (when the app has
    one, it is the route that matches; the real host's own answer would be an empty 404).
    """
    normalized = path.rstrip("/") or "/"
    for route in routes:
        params = route.match(normalized)
        if params is not None and route.function.accepts(method):
            return route, params
    served = {
        m
        for route in routes
        if not route.function.is_catch_all and route.methods and route.match(normalized) is not None
        for m in route.methods
    }
    raise HostError.passed_on(unmatched(sorted(served)))


def has_function_key(headers: dict[str, str], params: dict[str, str], function_key: str) -> bool:
    """The key as the host reads it: the header when sent (even if wrong), else `?code=`."""
    if "x-functions-key" in headers:
        sent = headers["x-functions-key"].split(",")[0].strip()  # the host takes the first value
    else:
        sent = params.get("code", "").split(",")[0]
    return hmac.compare_digest(sent.encode("utf-8", "replace"), function_key.encode("utf-8"))


def call_function(
    routes: list[HttpRoute], request: ParsedRequest, function_key: str | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run the function that serves `request`; HostError for the host's own answers (404, 405, 500).

    With `function_key`, a function-level route without that key gets the host's empty 401.
    """
    raw_path, path, query = request_path(request.target)
    route, route_params = select_route(routes, request.method, path)
    headers = joined_headers(request.headers)
    if (
        function_key is not None
        and route.auth_level != "anonymous"
        and not has_function_key(headers, query_params(query), function_key)
    ):
        return 401, [], b""
    http_request = func.HttpRequest(
        method=request.method,
        url=f"http://{headers.get('host') or request.server_name}{path}{'?' + query if query else ''}",
        headers=headers,
        params=query_params(query),
        route_params=route_params,
        body=request.body if int(headers.get("content-length") or 0) > 0 else b"",
    )
    try:
        response = route.handler(http_request)
    except Exception:
        logger.exception("function %s failed", route.name)
        raise internal_error("The function failed.") from None
    return response.status_code, response_headers(response), response.get_body() or b""


# Framing is the server's job: a function's own values for these would contradict it.
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive", "upgrade"}


def response_headers(response: func.HttpResponse) -> list[tuple[str, str]]:
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP]
    if response.mimetype and not any(name.lower() == "content-type" for name, _ in headers):
        charset = f"; charset={response.charset}" if response.charset else ""
        headers.append(("Content-Type", response.mimetype + charset))
    return headers
