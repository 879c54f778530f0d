"""The local host reads the same routes, methods and prefix as the Functions host would."""

import json

import azure.functions as func

from devhost.routes import http_routes, route_prefix


def make_app():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

    @app.route(route="items/{item_id}", methods=["GET"])
    def item(req):
        return func.HttpResponse(req.route_params["item_id"])

    @app.route(route="items/special", methods=["GET", "POST"], auth_level=func.AuthLevel.ANONYMOUS)
    def special(req):
        return func.HttpResponse("special")

    @app.route(route="files/{*rest}")
    def files(req):
        return func.HttpResponse(req.route_params["rest"])

    return app


def test_prefix_comes_from_host_json(tmp_path):
    (tmp_path / "host.json").write_text(json.dumps({"extensions": {"http": {"routePrefix": "v1"}}}))
    assert route_prefix(tmp_path / "host.json") == "v1"


def test_prefix_defaults_to_api(tmp_path):
    (tmp_path / "host.json").write_text("{}")
    assert route_prefix(tmp_path / "host.json") == "api"


def test_routes_are_tried_in_function_name_order_as_in_the_functions_host():
    """No literal-before-template precedence: the host orders functions by name (ordinal, ignoring
    case) and ASP.NET Core's RouteCollection takes the first match, so `item` shadows `special`."""
    routes = http_routes(make_app(), "api")
    assert [r.name for r in routes] == ["files", "item", "special"]
    matching = [r.name for r in routes if r.match("/api/items/special") is not None]
    assert matching == ["item", "special"]


def test_a_route_without_methods_accepts_every_method():
    routes = {r.name: r for r in http_routes(make_app(), "api")}
    assert routes["files"].methods is None
    assert all(routes["files"].function.accepts(m) for m in ("GET", "HEAD", "PROPFIND"))
    assert not routes["item"].function.accepts("HEAD")  # no implicit HEAD, as in the host


def test_route_parameters_and_catch_all():
    routes = {r.name: r for r in http_routes(make_app(), "api")}
    assert routes["item"].match("/api/items/42") == {"item_id": "42"}
    assert routes["item"].match("/api/items/42/more") is None
    assert routes["files"].match("/api/files/a/b.txt") == {"rest": "a/b.txt"}
    assert routes["files"].match("/api/files") == {}  # a catch-all also matches nothing


def test_methods_and_auth_levels_are_read_from_decorators():
    routes = {r.name: r for r in http_routes(make_app(), "api")}
    assert routes["item"].methods == {"GET"}
    assert routes["special"].methods == {"GET", "POST"}
    assert routes["item"].auth_level == "function"
    assert routes["special"].auth_level == "anonymous"
