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
#
# Drift alert, same action group: once a day, fires when the median unknown-word share of the last
# 24 hours is more than DRIFT_MAX_RISE (default 0.05) above its 28-day baseline, over at least
# DRIFT_MIN_TWEETS tweets (default 100). The baseline is measured now (unknown_word_baseline.kql)
# and written into the rule's query (alert_unknown_word_drift.kql), because a log search alert only
# reads a short window; rerun the script to refresh it (deploy.yml and the daily drift-baseline.yml do).
# With fewer than DRIFT_MIN_BASELINE_TWEETS (default 1000) tweets in the 28 days, the drift rule is
# left as it is. DRIFT_BASELINE=<share> skips the measurement; DRIFT_ALERT_RULE_NAME renames it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly QUERY_FILE="$HERE/alert_rejected_predictions.kql"
readonly WINDOW_SIZE="5m"
readonly EVALUATION_FREQUENCY="1m"
readonly THRESHOLD="3"
readonly SEVERITY="2"  # 0 critical .. 4 verbose
readonly PLACEHOLDER="RejectedPredictions"
readonly DRIFT_QUERY_FILE="$HERE/alert_unknown_word_drift.kql"
readonly DRIFT_BASELINE_QUERY_FILE="$HERE/unknown_word_baseline.kql"
readonly DRIFT_WINDOW_SIZE="1d"
readonly DRIFT_EVALUATION_FREQUENCY="1d"
readonly DRIFT_BASELINE_RANGE="29d"  # the baseline query reads the 28 full days before today
readonly DRIFT_SEVERITY="3"
readonly DRIFT_PLACEHOLDER="UnknownWordDrift"

usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

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
drift_rule_name="${DRIFT_ALERT_RULE_NAME:-tweet-sentiment-unknown-word-drift}"
drift_max_rise="${DRIFT_MAX_RISE:-0.05}"
drift_min_tweets="${DRIFT_MIN_TWEETS:-100}"
drift_min_baseline_tweets="${DRIFT_MIN_BASELINE_TWEETS:-1000}"
drift_baseline="${DRIFT_BASELINE:-}"

is_share() { [[ "$1" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]]; }
is_count() { [[ "$1" =~ ^[0-9]+$ ]]; }
is_share "$drift_max_rise" || { echo "DRIFT_MAX_RISE must be a share between 0 and 1, e.g. 0.05" >&2; exit 2; }
is_count "$drift_min_tweets" || { echo "DRIFT_MIN_TWEETS must be a whole number" >&2; exit 2; }
is_count "$drift_min_baseline_tweets" || { echo "DRIFT_MIN_BASELINE_TWEETS must be a whole number" >&2; exit 2; }
if [[ -n "$drift_baseline" ]] && ! is_share "$drift_baseline"; then
  echo "DRIFT_BASELINE must be a share between 0 and 1, e.g. 0.08" >&2; exit 2
fi

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

# A query file as one line without its // comment lines (the CLI takes it as one argument).
one_line() { grep -v '^[[:space:]]*//' "$1" | tr -s '\n\t ' ' ' | sed 's/^ //; s/ $//'; }
query="$(one_line "$QUERY_FILE")"

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

# Drift alert. The 28-day baseline, measured now unless DRIFT_BASELINE is given: "tweets<TAB>share".
baseline_tweets="$drift_min_baseline_tweets"
if [[ -z "$drift_baseline" ]]; then
  run az extension add --name application-insights --upgrade --only-show-errors
  measure=(az monitor app-insights query --app "$app_insights_id" --offset "$DRIFT_BASELINE_RANGE"
           --analytics-query "$(one_line "$DRIFT_BASELINE_QUERY_FILE")" --query "tables[0].rows[0]" --output tsv)
  if $dry_run; then
    run "${measure[@]}"
    drift_baseline="<baseline>"
  else
    read -r baseline_tweets drift_baseline <<< "$("${measure[@]}" | tr '\n' '\t')"
  fi
fi
if $dry_run || { is_count "${baseline_tweets:-}" && (( baseline_tweets >= drift_min_baseline_tweets )); }; then
  drift_query="$(one_line "$DRIFT_QUERY_FILE")"
  drift_query="${drift_query//\{baseline\}/$drift_baseline}"
  drift_query="${drift_query//\{max_rise\}/$drift_max_rise}"
  drift_query="${drift_query//\{min_tweets\}/$drift_min_tweets}"
  run az monitor scheduled-query create \
    --resource-group "$RESOURCE_GROUP" \
    --name "$drift_rule_name" \
    --location "$LOCATION" \
    --scopes "$app_insights_id" \
    --description "The median unknown-word share of a day rose more than $drift_max_rise above its 28-day baseline $drift_baseline (prediction_served traces)." \
    --condition "count '$DRIFT_PLACEHOLDER' > 0" \
    --condition-query "$DRIFT_PLACEHOLDER=$drift_query" \
    --window-size "$DRIFT_WINDOW_SIZE" \
    --evaluation-frequency "$DRIFT_EVALUATION_FREQUENCY" \
    --severity "$DRIFT_SEVERITY" \
    --action-groups "$action_group_id" \
    --auto-mitigate true \
    --output none
  if ! $dry_run; then
    echo "Drift rule '$drift_rule_name': baseline $drift_baseline over ${baseline_tweets} tweets, fires above +$drift_max_rise."
  fi
else
  echo "Drift rule '$drift_rule_name' not changed: ${baseline_tweets:-no} tweets with tokens in the last 28 days" \
       "(at least $drift_min_baseline_tweets needed for a baseline; or set DRIFT_BASELINE)."
fi
