"""Run the function app locally: `python -m devhost [--port 7071]`.

The same routes as `func start` (prefix from host.json), for machines without Core Tools.
Settings come from the environment, then from local.settings.json's "Values" when present.
REQUIRE_FUNCTION_KEYS=1 makes function-level routes need a key, as in Azure: FUNCTION_KEY when
set, else one generated and printed at start (docs/devhost.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys
from pathlib import Path

from devhost.connection import HostLimits
from devhost.redaction import redact_root_logging
from devhost.routes import http_routes, route_prefix
from devhost.server import DEFAULT_MAX_CONNECTIONS, make_server

ROOT = Path(__file__).resolve().parent.parent


def load_local_settings(path: Path) -> None:
    """Export local.settings.json Values that the environment does not already set."""
    if not path.is_file():
        return
    values = json.loads(path.read_text(encoding="utf-8")).get("Values", {})
    for name, value in values.items():
        os.environ.setdefault(name, str(value))


def function_key_to_require() -> str | None:
    """The key function-level routes need, or None when keys are not checked (the default, as `func start`)."""
    if os.environ.get("REQUIRE_FUNCTION_KEYS", "").strip().lower() not in ("1", "true", "yes"):
        return None
    return os.environ.get("FUNCTION_KEY") or secrets.token_urlsafe(32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "7071")))
    parser.add_argument("--settings", type=Path, default=ROOT / "local.settings.json")
    parser.add_argument("--log-level", default=os.environ.get("DEVHOST_LOG_LEVEL", "INFO"))
    parser.add_argument(
        "--max-connections",
        type=int,
        default=int(os.environ.get("DEVHOST_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS)),
        help="open connections at once; at the limit the one waiting longest for a request is "
        "closed, or a JSON 503 when all are serving (default: %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=float(os.environ.get("DEVHOST_HEADER_TIMEOUT", HostLimits.header_timeout)),
        help="seconds from a request's first byte to the end of its headers (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact_root_logging()  # function keys (?code=, x-functions-key) never reach the log
    load_local_settings(args.settings)
    sys.path.insert(0, str(ROOT))
    import function_app  # after the settings are in the environment, as in a real worker

    prefix = route_prefix(ROOT / "host.json")
    routes = http_routes(function_app.app, prefix)
    function_key = function_key_to_require()
    server = make_server(
        routes,
        args.host,
        args.port,
        max_connections=args.max_connections,
        limits=HostLimits(header_timeout=args.header_timeout),
        function_key=function_key,
    )
    base = f"http://{args.host}:{server.server_address[1]}"
    print(f"Serving {len(routes)} functions on {base}", flush=True)
    for route in routes:
        methods = "/".join(sorted(route.methods)) if route.methods else "any"
        print(f"  {methods:<10} {base}/{prefix}/{route.template}  [{route.name}, {route.auth_level}]", flush=True)
    if function_key is not None:
        # Printed on purpose: a local, throwaway key the developer needs to call the API and open the page.
        print(
            f"Function keys required. Key: {function_key}  (x-functions-key header or ?code=; "
            f"page: {base}/{prefix}/ui?code={function_key})",
            flush=True,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
