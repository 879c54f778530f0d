#!/usr/bin/env bash
# Create or update everything the function app runs on, with the Azure CLI only. Safe to re-run:
# a resource that exists is kept (never recreated), and the app settings are set again each time.
#
#   RESOURCE_GROUP=... LOCATION=... FUNCTIONAPP_NAME=... STORAGE_ACCOUNT=... \
#   APP_INSIGHTS_NAME=... LOG_ANALYTICS_NAME=... bash scripts/deploy/provision.sh
#
# Optional: FEEDBACK_TABLE_NAME (default feedback), MODEL_DIR (an app setting only when given: the
# app has a default), CORS_ALLOWED_ORIGINS (comma-separated; when given, the platform's CORS list is
# made exactly this, see docs/security.md), INSTANCE_MEMORY_MB (2048), LOG_RETENTION_DAYS (30),
# MANAGED_IDENTITY_NAME (default id-<FUNCTIONAPP_NAME>).
#
# No keys: the app reaches storage and Application Insights with a user-assigned managed identity
# (docs/deploy.md, "Identity, no keys"). Nothing here reads or prints an account key; shared-key
# access on the storage account and local authentication on Application Insights are turned off.
# Needs an `az login` with Contributor and a role-assignment right on the resource group, and
# Microsoft.Web/geoRegions/read on the subscription (docs/deploy.md, "What the deploying identity needs").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/deploy/common.sh
source "$here/common.sh"

require_env RESOURCE_GROUP LOCATION FUNCTIONAPP_NAME STORAGE_ACCOUNT APP_INSIGHTS_NAME LOG_ANALYTICS_NAME
feedback_table="${FEEDBACK_TABLE_NAME:-feedback}"
identity_name="${MANAGED_IDENTITY_NAME:-id-$FUNCTIONAPP_NAME}"
tags=(app=tweet-sentiment managed-by=github-actions)

# grant ROLE SCOPE: give the app's identity ROLE on SCOPE unless it has it already. By object id,
# so no Microsoft Graph lookup (the deploying identity may not read the directory).
grant() {
  local role="$1" scope="$2" count
  count="$(az role assignment list --assignee-object-id "$identity_principal_id" --role "$role" --scope "$scope" \
    --fill-principal-name false --fill-role-definition-name false --query "length(@)" --output tsv)"
  if [[ "$count" == "0" ]]; then
    az role assignment create --assignee-object-id "$identity_principal_id" --assignee-principal-type ServicePrincipal \
      --role "$role" --scope "$scope" --description "tweet-sentiment: $identity_name" --output none
  fi
}

# Application Insights commands live in a CLI extension; install it explicitly, not on first use.
az extension add --name application-insights --upgrade --only-show-errors --output none

step "Resource group $RESOURCE_GROUP ($LOCATION)"
az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --tags "${tags[@]}" --output none

step "Managed identity $identity_name (user-assigned)"
# User-assigned, not system-assigned: it exists before the app, so its roles are granted (and have
# usually propagated) before the app first starts; and it outlives the app, so an app deleted and
# created again (to move it to another region, say) keeps every role assignment.
if ! exists az identity show --name "$identity_name" --resource-group "$RESOURCE_GROUP"; then
  az identity create --name "$identity_name" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \
    --tags "${tags[@]}" --output none
fi
identity_field() {
  az identity show --name "$identity_name" --resource-group "$RESOURCE_GROUP" --query "$1" --output tsv
}
identity_id="$(identity_field id)"
identity_client_id="$(identity_field clientId)"
identity_principal_id="$(identity_field principalId)"

step "Storage account $STORAGE_ACCOUNT (no shared-key access)"
if ! exists az storage account show --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP"; then
  az storage account create --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
    --location "$LOCATION" --sku Standard_LRS --kind StorageV2 --https-only true \
    --min-tls-version TLS1_2 --allow-blob-public-access false --allow-shared-key-access false \
    --tags "${tags[@]}" --output none
fi
storage_id="$(az storage account show --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
  --query id --output tsv)"

step "Feedback table $feedback_table"
# Through Azure Resource Manager (Contributor may), not the table endpoint (that needs a data role
# or a key). PUT is create-or-update: an existing table is kept with its entities.
az rest --method put --url "$storage_id/tableServices/default/tables/$feedback_table?api-version=2023-05-01" \
  --body '{"properties": {}}' --output none

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
# The connection string says where telemetry goes; its InstrumentationKey is an identifier, and
# once local authentication is off (below) nothing is accepted without an Entra ID token.
appinsights_id="$(az monitor app-insights component show --app "$APP_INSIGHTS_NAME" \
  --resource-group "$RESOURCE_GROUP" --query id --output tsv)"
appinsights_connection="$(az monitor app-insights component show --app "$APP_INSIGHTS_NAME" \
  --resource-group "$RESOURCE_GROUP" --query connectionString --output tsv)"
mask "$appinsights_connection"

step "Roles of $identity_name"
# Functions host storage (AzureWebJobsStorage): Storage Blob Data Owner, plus Storage Table Data
# Contributor for its diagnostic events; an HTTP-only app needs no queue role. Both on the account:
# the table role also covers the feedback table. Storage Blob Data Contributor is what
# `az functionapp create` checks for on the deployment account and otherwise assigns itself
# (azure-cli appservice/custom.py, _has_deployment_storage_role_assignment_on_resource): granted
# here so that every role is declared in one place. Monitoring Metrics Publisher: Entra ID ingestion.
grant "Storage Blob Data Owner" "$storage_id"
grant "Storage Blob Data Contributor" "$storage_id"
grant "Storage Table Data Contributor" "$storage_id"
grant "Monitoring Metrics Publisher" "$appinsights_id"

step "Function app $FUNCTIONAPP_NAME (Flex Consumption, Python 3.11)"
# `az functionapp create` is not idempotent on Flex Consumption (a second call fails with a
# hosting-constraints error), so it only runs when the app does not exist yet. The deployment
# container is reached with the user-assigned identity: no DEPLOYMENT_STORAGE_CONNECTION_STRING.
# The CLI itself still lists the account keys and writes a key-based AzureWebJobsStorage setting
# (azure-cli appservice/custom.py, _validate_and_get_connection_string); it is deleted below, and
# with shared-key access off that key authenticates nothing.
if ! exists az functionapp show --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP"; then
  az functionapp create --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
    --storage-account "$STORAGE_ACCOUNT" --flexconsumption-location "$LOCATION" \
    --runtime python --runtime-version 3.11 --instance-memory "${INSTANCE_MEMORY_MB:-2048}" \
    --deployment-storage-auth-type UserAssignedIdentity --deployment-storage-auth-value "$identity_id" \
    --app-insights "$APP_INSIGHTS_NAME" --https-only true --tags "${tags[@]}" --output none
fi
# An app created before identities (or by hand) converges too: the identity attached, and the
# deployment container read with it rather than with a connection string.
az functionapp identity assign --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
  --identities "$identity_id" --output none
az functionapp deployment config set --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
  --deployment-storage-auth-type UserAssignedIdentity --deployment-storage-auth-value "$identity_id" --output none

step "App settings (identity-based)"
# Key-based settings go first: the app refuses to start with both a connection string and identity
# settings for the same storage (service/connections.py), and a stale key must not linger.
mapfile -t stale < <(az functionapp config appsettings list --name "$FUNCTIONAPP_NAME" \
  --resource-group "$RESOURCE_GROUP" --query "[?name=='AzureWebJobsStorage' || \
  name=='DEPLOYMENT_STORAGE_CONNECTION_STRING' || name=='FEEDBACK_STORAGE_CONNECTION_STRING'].name" --output tsv)
if ((${#stale[@]})); then
  az functionapp config appsettings delete --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
    --setting-names "${stale[@]}" --output none
fi
# Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, WEBSITE_RUN_FROM_PACKAGE and the other
# plan-level settings: the runtime comes from `--runtime` above. The feedback table is found
# through the host's AzureWebJobsStorage__* settings (one storage account, one identity).
settings=(
  "AzureWebJobsStorage__accountName=$STORAGE_ACCOUNT"
  "AzureWebJobsStorage__credential=managedidentity"
  "AzureWebJobsStorage__clientId=$identity_client_id"
  "APPLICATIONINSIGHTS_CONNECTION_STRING=$appinsights_connection"
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD;ClientId=$identity_client_id"
  "FEEDBACK_TABLE_NAME=$feedback_table"
)
if [[ -n "${MODEL_DIR:-}" ]]; then
  settings+=("MODEL_DIR=$MODEL_DIR")
fi
# --output none: the command prints every setting.
az functionapp config appsettings set --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
  --settings "${settings[@]}" --output none

step "Local authentication off (storage shared keys, Application Insights keys)"
# After the settings above, so an app migrating from keys is never left with neither. Re-applied
# on every run: a portal click cannot quietly turn keys back on.
az storage account update --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
  --allow-shared-key-access false --output none
az resource update --ids "$appinsights_id" --set properties.DisableLocalAuth=true --output none

if [[ -n "${CORS_ALLOWED_ORIGINS:-}" ]]; then
  step "CORS allowed origins: $CORS_ALLOWED_ORIGINS"
  # The platform answers preflights; the app sends no CORS headers. Not `az functionapp cors
  # add/remove`: they read the whole site configuration and send all of it back (azure-cli,
  # appservice/custom.py add_cors), which Flex Consumption refuses for the properties it does not
  # support (azure-cli#31414). A PATCH of sites/config/web (ARM WebApps_UpdateConfiguration) with
  # only `cors` sends none of them and makes the list exactly this one (docs/deploy.md).
  origins_json=""
  IFS=', ' read -r -a wanted <<<"$CORS_ALLOWED_ORIGINS"
  for origin in "${wanted[@]}"; do
    [[ -z "$origin" ]] && continue
    if [[ ! "$origin" =~ ^(\*|https?://[A-Za-z0-9*.-]+(:[0-9]+)?)$ ]]; then
      echo "CORS_ALLOWED_ORIGINS: '$origin' is not an origin (scheme://host[:port], or *)" >&2
      exit 2
    fi
    origins_json+="${origins_json:+,}\"$origin\""
  done
  app_id="$(az functionapp show --name "$FUNCTIONAPP_NAME" --resource-group "$RESOURCE_GROUP" \
    --query id --output tsv)"
  az rest --method patch --url "${app_id}/config/web?api-version=2024-04-01" \
    --body "{\"properties\":{\"cors\":{\"allowedOrigins\":[${origins_json}]}}}" --output none
fi

echo "Provisioned: https://$(az functionapp show --name "$FUNCTIONAPP_NAME" \
  --resource-group "$RESOURCE_GROUP" --query defaultHostName --output tsv)"
