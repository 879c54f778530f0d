#!/usr/bin/env bash
# Create or update the operators' workbook "Tweet sentiment: operations" (monitoring/workbook.json,
# generated from the .kql files by `python -m monitoring.workbook`) on the Application Insights
# resource, with the Azure CLI only.
#
#   RESOURCE_GROUP=rg-tweets APP_INSIGHTS_NAME=appi-tweets LOCATION=westeurope \
#   monitoring/deploy_workbook.sh [--dry-run]
#
# Needs `az login` (or the deploy workflow's OIDC login) with rights on the resource group.
# Idempotent: the workbook's resource name is a UUID derived from the resource group and
# Application Insights names (a workbook's name must be a UUID), and `az monitor app-insights
# workbook create` is an HTTP PUT (create or replace; application-insights CLI extension,
# azext_applicationinsights/aaz/latest/monitor/app_insights/workbook/_create.py), so a rerun
# replaces the same workbook with this file's content. Edits made in the portal are overwritten:
# change the .kql files instead. --dry-run prints every az command and runs none.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly WORKBOOK_FILE="$HERE/workbook.json"
readonly DISPLAY_NAME="Tweet sentiment: operations"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

: "${RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group of the Function App}"
: "${APP_INSIGHTS_NAME:?set APP_INSIGHTS_NAME to the Application Insights resource name}"
: "${LOCATION:?set LOCATION to the region of the Application Insights resource, e.g. westeurope}"

run() {
  if $dry_run; then
    local out
    printf -v out '%q ' "$@"
    echo "${out% }"
  else
    "$@"
  fi
}

# Same derivation as monitoring/workbook.py:workbook_resource_name (a test checks they agree).
workbook_name="$(python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, sys.argv[1]))' \
  "tweet-sentiment-workbook/$RESOURCE_GROUP/$APP_INSIGHTS_NAME")"

if $dry_run; then
  run az resource show --resource-group "$RESOURCE_GROUP" --name "$APP_INSIGHTS_NAME" \
    --resource-type microsoft.insights/components --query id --output tsv
  app_insights_id="/subscriptions/<subscription>/resourceGroups/$RESOURCE_GROUP/providers/microsoft.insights/components/$APP_INSIGHTS_NAME"
else
  app_insights_id="$(az resource show --resource-group "$RESOURCE_GROUP" --name "$APP_INSIGHTS_NAME" \
    --resource-type microsoft.insights/components --query id --output tsv)"
fi

# The panels query the resource the workbook is opened from; fallbackResourceIds names it for a
# workbook opened from the Workbooks gallery, as the portal does when it saves one.
serialized="$(python3 -c '
import json, sys
workbook = json.load(open(sys.argv[1], encoding="utf-8"))
workbook["fallbackResourceIds"] = [sys.argv[2]]
print(json.dumps(workbook, separators=(",", ":")))' "$WORKBOOK_FILE" "$app_insights_id")"

# `workbook` commands are in the application-insights extension (CI cannot answer the prompt).
run az extension add --name application-insights --upgrade --only-show-errors

run az monitor app-insights workbook create \
  --resource-group "$RESOURCE_GROUP" \
  --name "$workbook_name" \
  --location "$LOCATION" \
  --kind shared \
  --category workbook \
  --display-name "$DISPLAY_NAME" \
  --source-id "$app_insights_id" \
  --version Notebook/1.0 \
  --serialized-data "$serialized" \
  --output none

if ! $dry_run; then
  echo "Workbook '$DISPLAY_NAME' ($workbook_name) on $APP_INSIGHTS_NAME."
fi
