#!/usr/bin/env bash
# Smoke test of the deployed app: GET /api/health and one POST /api/predict with the default
# function key. Fails on any non-2xx answer or on a body that breaks the HTTP contract.
#
#   RESOURCE_GROUP=... FUNCTIONAPP_NAME=... bash scripts/deploy/smoke_test.sh   # after az login
#   APP_URL=http://127.0.0.1:7071 bash scripts/deploy/smoke_test.sh              # any running host
#
# With APP_URL the key comes from FUNCTION_KEY (the local host needs none). Writes
# app_url=<url> to $GITHUB_OUTPUT when it runs in GitHub Actions.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/deploy/common.sh
source "$here/common.sh"

function_key() {
  key="$(az functionapp keys list --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
    --query functionKeys.default --output tsv)" && [[ -n "$key" && "$key" != "None" ]]
}

if [[ -n "${APP_URL:-}" ]]; then
  app_url="${APP_URL%/}"
  key="${FUNCTION_KEY:-}"
else
  require_env RESOURCE_GROUP FUNCTIONAPP_NAME
  app_url="https://$(az functionapp show --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
    --query defaultHostName --output tsv)"
  key=""
  retry 10 15 function_key
fi
mask "$key"
base="$app_url/api"

# call METHOD PATH [JSON_BODY]: print the body of a 2xx answer; otherwise show it on stderr and
# fail (so that retries never mix a failed body into the captured one).
call() {
  local body args=(--silent --show-error --fail-with-body --max-time 60
                   --header "x-functions-key: $key" --request "$1")
  if [[ $# -ge 3 ]]; then
    args+=(--header "Content-Type: application/json" --data "$3")
  fi
  if body="$(curl "${args[@]}" "$base$2")"; then
    printf '%s\n' "$body"
  else
    printf '%s %s failed: %s\n' "$1" "$2" "$body" >&2
    return 1
  fi
}

# The first request after a deployment may meet a cold start or a host restart: retry health.
step "GET $base/health"
health="$(retry 20 15 call GET /health)"
echo "$health"
python3 - "$health" <<'PY'
import json, sys
body = json.loads(sys.argv[1])
assert body.get("status") == "ok", f"health status is not ok: {body}"
assert body.get("model_version"), f"no model_version in health: {body}"
PY

step "POST $base/predict"
prediction="$(retry 3 10 call POST /predict \
  '{"text": "Three hours on the tarmac and not a word from the crew. Never again."}')"
echo "$prediction"
python3 - "$prediction" <<'PY'
import json, sys
body = json.loads(sys.argv[1])
assert body.get("sentiment") in ("negative", "positive"), f"no sentiment: {body}"
assert 0.0 <= float(body["probability"]) <= 1.0, f"probability out of range: {body}"
assert body.get("prediction_id") and body.get("model_version"), f"missing ids: {body}"
PY

if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "app_url=$app_url/" >>"$GITHUB_OUTPUT"
fi
echo "Smoke test passed: $app_url/"
