#!/usr/bin/env bash
# Create or update the alert "users rejected 3 predictions within 5 minutes" and its email action
# group, with the Azure CLI only (no Bicep, no ARM templates).
#
#   RESOURCE_GROUP=rg-tweets APP_INSIGHTS_NAME=appi-tweets LOCATION=westeurope \
#   ALERT_EMAILS="ops@example.com,lead@example.com" monitoring/configure_alert.sh [--dry-run]
#
# Needs `az login` (or the deploy workflow's OIDC login) with rights on the resource group.
# Idempotent: `action-group create` and `scheduled-query create` are create-or-replace (HTTP PUT),
# so running it again converges to this file (new e-mail list, new query, same names).
# --dry-run prints every az command, one per line and shell-quoted, and runs none.
#
# The rule runs monitoring/alert_rejected_predictions.kql every minute over the last 5 minutes and
# fires when it returns 3 rows (one per distinct rejected prediction id) or more. Optional overrides:
# ACTION_GROUP_NAME, ACTION_GROUP_SHORT_NAME (at most 12 characters, shown in the e-mails), ALERT_RULE_NAME.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly QUERY_FILE="$HERE/alert_rejected_predictions.kql"
readonly WINDOW_SIZE="5m"
readonly EVALUATION_FREQUENCY="1m"
readonly THRESHOLD="3"
readonly SEVERITY="2"  # 0 critical .. 4 verbose
readonly PLACEHOLDER="RejectedPredictions"

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
: "${ALERT_EMAILS:?set ALERT_EMAILS to comma-separated e-mail addresses}"
: "${LOCATION:?set LOCATION to the region of the Application Insights resource, e.g. westeurope}"
action_group_name="${ACTION_GROUP_NAME:-ag-tweet-sentiment-alerts}"
action_group_short_name="${ACTION_GROUP_SHORT_NAME:-tweetalerts}"
alert_rule_name="${ALERT_RULE_NAME:-tweet-sentiment-rejected-predictions}"

if (( ${#action_group_short_name} > 12 )); then
  echo "ACTION_GROUP_SHORT_NAME must have at most 12 characters" >&2; exit 2
fi

# One `--action email <receiver> <address> usecommonalertschema` per address.
email_actions=()
count=0
IFS=',' read -r -a addresses <<< "$ALERT_EMAILS"
for raw in "${addresses[@]}"; do
  address="$(echo "$raw" | tr -d '[:space:]')"
  [[ -z "$address" ]] && continue
  if [[ ! "$address" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]]; then
    echo "not an e-mail address in ALERT_EMAILS: $address" >&2; exit 2
  fi
  count=$((count + 1))
  email_actions+=(--action email "email-$count" "$address" usecommonalertschema)
done
if (( count == 0 )); then
  echo "ALERT_EMAILS holds no e-mail address" >&2; exit 2
fi

# The query as one line without its // comment lines (the CLI takes it as one argument).
query="$(grep -v '^[[:space:]]*//' "$QUERY_FILE" | tr -s '\n\t ' ' ' | sed 's/^ //; s/ $//')"

run() {
  if $dry_run; then
    local out
    printf -v out '%q ' "$@"
    echo "${out% }"
  else
    "$@"
  fi
}

# Resource ids: asked from Azure, or shown as what they would be in a dry run.
if $dry_run; then
  run az resource show --resource-group "$RESOURCE_GROUP" --name "$APP_INSIGHTS_NAME" \
    --resource-type microsoft.insights/components --query id --output tsv
  app_insights_id="/subscriptions/<subscription>/resourceGroups/$RESOURCE_GROUP/providers/microsoft.insights/components/$APP_INSIGHTS_NAME"
else
  app_insights_id="$(az resource show --resource-group "$RESOURCE_GROUP" --name "$APP_INSIGHTS_NAME" \
    --resource-type microsoft.insights/components --query id --output tsv)"
fi

# Action groups are global resources; create replaces the receivers with ALERT_EMAILS.
if $dry_run; then
  run az monitor action-group create --resource-group "$RESOURCE_GROUP" --name "$action_group_name" \
    --short-name "$action_group_short_name" --location global "${email_actions[@]}" --query id --output tsv
  action_group_id="/subscriptions/<subscription>/resourceGroups/$RESOURCE_GROUP/providers/microsoft.insights/actionGroups/$action_group_name"
else
  action_group_id="$(az monitor action-group create --resource-group "$RESOURCE_GROUP" --name "$action_group_name" \
    --short-name "$action_group_short_name" --location global "${email_actions[@]}" --query id --output tsv)"
fi

# `scheduled-query` is a CLI extension: install it up front (CI cannot answer the install prompt).
run az extension add --name scheduled-query --upgrade --only-show-errors

run az monitor scheduled-query create \
  --resource-group "$RESOURCE_GROUP" \
  --name "$alert_rule_name" \
  --location "$LOCATION" \
  --scopes "$app_insights_id" \
  --description "Users rejected $THRESHOLD or more predictions within $WINDOW_SIZE (distinct prediction ids of prediction_rejected traces)." \
  --condition "count '$PLACEHOLDER' >= $THRESHOLD" \
  --condition-query "$PLACEHOLDER=$query" \
  --window-size "$WINDOW_SIZE" \
  --evaluation-frequency "$EVALUATION_FREQUENCY" \
  --severity "$SEVERITY" \
  --action-groups "$action_group_id" \
  --auto-mitigate true \
  --output none

if ! $dry_run; then
  echo "Alert rule '$alert_rule_name' -> action group '$action_group_name' ($count e-mail address(es))."
fi
