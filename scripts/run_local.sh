#!/usr/bin/env bash
# Start Azurite (Table service) in the background and the function app in the foreground.
# Ctrl-C stops both. Called by `make run`; PORT and PYTHON come from the Makefile.
# Usage: make run                                 keys are not checked (as `func start`)
#        REQUIRE_FUNCTION_KEYS=1 make run         predict/feedback need a key, printed at start; no key: empty 401
#        REQUIRE_FUNCTION_KEYS=1 FUNCTION_KEY=k make run   the same with your own key (docs/devhost.md)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-7071}"
PYTHON="${PYTHON:-.venv/bin/python}"
AZURITE_PORT="${AZURITE_TABLE_PORT:-10002}"

mkdir -p .azurite
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" \
  --location .azurite --disableTelemetry --skipApiVersionCheck > .azurite/azurite.log 2>&1 &
azurite_pid=$!
trap 'kill -INT "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null && break
  kill -0 "$azurite_pid" 2>/dev/null || { echo "Azurite failed to start; see .azurite/azurite.log" >&2; exit 1; }
  sleep 0.1
done
echo "Azurite Table service on http://127.0.0.1:$AZURITE_PORT (data in .azurite/)"

# With UseDevelopmentStorage=true the Table endpoint is the default 10002; name it when it differs.
if [ "$AZURITE_PORT" != 10002 ]; then
  export FEEDBACK_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;"
fi
export APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL=true OTEL_EXPERIMENTAL_RESOURCE_DETECTORS=otel
echo "Try the page:   http://127.0.0.1:$PORT/api/ui"
echo "API document:   http://127.0.0.1:$PORT/api/openapi.json"
"$PYTHON" -m devhost --port "$PORT"
