#!/usr/bin/env bash
# Create or update everything the function app runs on, with the Azure CLI only. Safe to re-run:
# a resource that exists is kept (never recreated), and the app settings are set again each time.
#
#   RESOURCE_GROUP=... LOCATION=... FUNCTIONAPP_NAME=... STORAGE_ACCOUNT=... \
#   APP_INSIGHTS_NAME=... LOG_ANALYTICS_NAME=... bash scripts/deploy/provision.sh
#
# Optional: FEEDBACK_TABLE_NAME (default feedback), MODEL_DIR (an app setting only when given: the
# app has a default), CORS_ALLOWED_ORIGINS (comma-separated; when given, the platform's CORS list is
# made exactly this, see docs/security.md), INSTANCE_MEMORY_MB (2048), LOG_RETENTION_DAYS (30).
# Needs an `az login` with Contributor on the resource group (README.md, "Deploy to Azure").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/deploy/common.sh
source "$here/common.sh"

require_env RESOURCE_GROUP LOCATION FUNCTIONAPP_NAME STORAGE_ACCOUNT APP_INSIGHTS_NAME LOG_ANALYTICS_NAME
feedback_table="${FEEDBACK_TABLE_NAME:-feedback}"
tags=(app=tweet-sentiment managed-by=github-actions)

# Application Insights commands live in a CLI extension; install it explicitly, not on first use.
az extension add --name application-insights --upgrade --only-show-errors --output none

step "Resource group $RESOURCE_GROUP ($LOCATION)"
az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --tags "${tags[@]}" --output none

step "Storage account $STORAGE_ACCOUNT"
if ! exists az storage account show --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP"; then
  az storage account create --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
    --location "$LOCATION" --sku Standard_LRS --kind StorageV2 --https-only true \
    --min-tls-version TLS1_2 --allow-blob-public-access false --tags "${tags[@]}" --output none
fi
storage_connection="$(az storage account show-connection-string --name "$STORAGE_ACCOUNT" \
  --resource-group "$RESOURCE_GROUP" --query connectionString --output tsv)"
mask "$storage_connection"

step "Feedback table $feedback_table"
# Creating an existing table is a no-op ("created": false).
az storage table create --name "$feedback_table" --connection-string "$storage_connection" --output none

step "Log Analytics workspace $LOG_ANALYTICS_NAME"
if ! exists az monitor log-analytics workspace show --workspace-name "$LOG_ANALYTICS_NAME" \
     --resource-group "$RESOURCE_GROUP"; then
  az monitor log-analytics workspace create --workspace-name "$LOG_ANALYTICS_NAME" \
    --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \
    --retention-time "${LOG_RETENTION_DAYS:-30}" --tags "${tags[@]}" --output none
fi
workspace_id="$(az monitor log-analytics workspace show --workspace-name "$LOG_ANALYTICS_NAME" \
  --resource-group "$RESOURCE_GROUP" --query id --output tsv)"

step "Application Insights $APP_INSIGHTS_NAME (workspace-based)"
if ! exists az monitor app-insights component show --app "$APP_INSIGHTS_NAME" --resource-group "$RESOURCE_GROUP"; then
  az monitor app-insights component create --app "$APP_INSIGHTS_NAME" --resource-group "$RESOURCE_GROUP" \
    --location "$LOCATION" --workspace "$workspace_id" --kind web --application-type web \
    --tags "${tags[@]}" --output none
fi
appinsights_connection="$(az monitor app-insights component show --app "$APP_INSIGHTS_NAME" \
  --resource-group "$RESOURCE_GROUP" --query connectionString --output tsv)"
mask "$appinsights_connection"

step "Function app $FUNCTIONAPP_NAME (Flex Consumption, Python 3.11)"
# `az functionapp create` is not idempotent on Flex Consumption (a second call fails with a
# hosting-constraints error), so it only runs when the app does not exist yet. The deployment
# container is reached by connection string: no role assignment, so Contributor is enough.
if ! exists az functionapp show --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP"; then
  az functionapp create --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
    --storage-account "$STORAGE_ACCOUNT" --flexconsumption-location "$LOCATION" \
    --runtime python --runtime-version 3.11 --instance-memory "${INSTANCE_MEMORY_MB:-2048}" \
    --deployment-storage-auth-type StorageAccountConnectionString \
    --app-insights "$APP_INSIGHTS_NAME" --https-only true --tags "${tags[@]}" --output none
fi

step "App settings"
# Set on every run so that a rotated storage key or a new Application Insights resource is picked
# up. Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, WEBSITE_RUN_FROM_PACKAGE and the other
# plan-level settings: the runtime comes from `--runtime` above. FEEDBACK_STORAGE_CONNECTION_STRING
# is left unset so that the app falls back to AzureWebJobsStorage (one storage account).
settings=(
  "AzureWebJobsStorage=$storage_connection"
  "APPLICATIONINSIGHTS_CONNECTION_STRING=$appinsights_connection"
  "FEEDBACK_TABLE_NAME=$feedback_table"
)
if [[ -n "${MODEL_DIR:-}" ]]; then
  settings+=("MODEL_DIR=$MODEL_DIR")
fi
# --output none: the command prints every setting, connection strings included.
az functionapp config appsettings set --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
  --settings "${settings[@]}" --output none

if [[ -n "${CORS_ALLOWED_ORIGINS:-}" ]]; then
  step "CORS allowed origins: $CORS_ALLOWED_ORIGINS"
  # The platform answers preflights; the app sends no CORS headers. `cors add` appends duplicates,
  # so only the difference is applied (and nothing when the list already matches).
  IFS=', ' read -r -a wanted <<<"$CORS_ALLOWED_ORIGINS"
  mapfile -t current < <(az functionapp cors show --name "$FUNCTIONAPP_NAME" \
    --resource-group "$RESOURCE_GROUP" --query "allowedOrigins[]" --output tsv)
  to_add=() to_remove=()
  for origin in "${wanted[@]}"; do
    if [[ -n "$origin" && " ${current[*]} " != *" $origin "* ]]; then to_add+=("$origin"); fi
  done
  for origin in "${current[@]}"; do
    if [[ " ${wanted[*]} " != *" $origin "* ]]; then to_remove+=("$origin"); fi
  done
  if ((${#to_remove[@]})); then
    az functionapp cors remove --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
      --allowed-origins "${to_remove[@]}" --output none
  fi
  if ((${#to_add[@]})); then
    az functionapp cors add --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
      --allowed-origins "${to_add[@]}" --output none
  fi
fi

echo "Provisioned: https://$(az functionapp show --name "$FUNCTIONAPP_NAME" \
  --resource-group "$RESOURCE_GROUP" --query defaultHostName --output tsv)"
