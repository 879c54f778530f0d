"""One parsed HTTP request onto one registered function, as the Azure Functions host maps it.

What the real host does, from its source (Azure/azure-functions-host, 2024-10, commit 89dc438):
- each route carries its methods (HttpMethodRouteConstraint): a path served for other methods is
  answered by the host, here as a JSON 405 with `Allow` (Azure's own answer is an empty 404);
- headers and query values are copied from ASP.NET Core's collections with `StringValues.ToString()`
  (src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, ToRpcHttp), which
  joins repeated values with "," and skips empty ones (dotnet/runtime, StringValues.cs); query
  values that end up empty are dropped;
- the body is forwarded only when `Content-Length > 0` (same file), so a chunked body reaches the
  function empty (azure-functions-host#7930).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import azure.functions as func

from devhost.host_errors import HostError, bad_request
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
    """Repeated header lines as one value, joined with "," as StringValues.ToString() does."""
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(name, []).append(value)
    return {name: ",".join(v for v in vs if v) for name, vs in values.items()}


def query_params(query: str) -> dict[str, str]:
    """Query values joined with ",", empty ones dropped, as the host's ToRpcHttp does."""
    params = {name: ",".join(v for v in values if v) for name, values in parse_qs(query, keep_blank_values=True).items()}
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
            raise bad_request("The request target is not a valid URL.") from None
        raw_path, query = parts.path or "/", parts.query
    else:
        raise bad_request("The request target must be a path such as /api/health.")
    # ASP.NET Core routes on the decoded path, except that an encoded "/" stays one segment.
    path = "%2F".join(unquote(piece, errors="replace") for piece in re.split("%2[Ff]", raw_path))
    return raw_path, path, query


def check_host_header(headers: list[tuple[str, str]]) -> None:
    hosts = [value for name, value in headers if name == "host"]
    if hosts and hosts[0] and not _VALID_HOST.fullmatch(hosts[0]):  # empty is allowed (RFC 9112 3.2)
        raise bad_request("The Host header is not a valid host name and port.")


def select_route(routes: list[HttpRoute], method: str, path: str) -> tuple[HttpRoute, dict[str, str]]:
    """The first route (routes are in precedence order) that matches path and method."""
    normalized = path.rstrip("/") or "/"
    candidates = [(route, params) for route in routes if (params := route.match(normalized)) is not None]
    if not candidates:
        raise HostError(404, "not_found", "No function is served at this path.")
    for route, params in candidates:
        if method in route.methods:
            return route, params
    methods = sorted({m for route, _ in candidates for m in route.methods})
    raise HostError(405, "method_not_allowed", f"This path accepts {', '.join(methods)}.", {"Allow": ", ".join(methods)})


def call_function(routes: list[HttpRoute], request: ParsedRequest) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run the function that serves `request`; HostError for the host's own answers (404, 405, 500)."""
    raw_path, path, query = request_path(request.target)
    route, route_params = select_route(routes, request.method, path)
    headers = joined_headers(request.headers)
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
        raise HostError(500, "internal_error", "The function failed.") from None
    return response.status_code, response_headers(response), response.get_body() or b""


# Framing is the server's job: a function's own values for these would contradict it.
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive", "upgrade"}


def response_headers(response: func.HttpResponse) -> list[tuple[str, str]]:
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP]
    if response.mimetype and not any(name.lower() == "content-type" for name, _ in headers):
        charset = f"; charset={response.charset}" if response.charset else ""
        headers.append(("Content-Type", response.mimetype + charset))
    return headers
