"""How the app reaches its feedback table and Application Insights: parsed from app settings, once.

Two ways to reach the feedback table, chosen by which settings exist (never by the code path):
- a connection string: `FEEDBACK_STORAGE_CONNECTION_STRING`, else `AzureWebJobsStorage` (Azurite
  locally, `UseDevelopmentStorage=true` or the emulator's published key);
- an identity: `FEEDBACK_STORAGE__accountName` or `FEEDBACK_STORAGE__tableServiceUri`, else the
  Functions host's own `AzureWebJobsStorage__accountName` / `__tableServiceUri`, with optional
  `__credential` (`managedidentity`) and `__clientId` (a user-assigned identity). These are the
  host's names and meanings for identity-based connections
  (learn.microsoft.com/azure/azure-functions/functions-reference#common-properties-for-identity-based-connections):
  with `__clientId` or `__credential=managedidentity` the app's managed identity signs in; with
  neither, DefaultAzureCredential does (a developer's `az login` locally).

Application Insights ingestion signs in with Entra ID when `APPLICATIONINSIGHTS_AUTHENTICATION_STRING`
is `Authorization=AAD` (system-assigned identity) or `Authorization=AAD;ClientId=<client id>`
(user-assigned), the format the Functions host and the Azure Monitor exporter read.

Conflicting or half-written settings raise ConfigurationError when the settings are read (at worker
start-up, from function_app.py), naming the settings to fix: a misconfigured identity must not
turn into a 503 on every feedback. No setting at all for storage is not an error here: the store
then answers 503 `storage_unavailable` (the app still serves predictions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

FEEDBACK_PREFIX = "FEEDBACK_STORAGE"
HOST_PREFIX = "AzureWebJobsStorage"
FEEDBACK_CONNECTION_STRING = "FEEDBACK_STORAGE_CONNECTION_STRING"
APPINSIGHTS_AUTHENTICATION = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"
APPINSIGHTS_CONNECTION = "APPLICATIONINSIGHTS_CONNECTION_STRING"

_IDENTITY_FIELDS = ("accountName", "tableServiceUri", "credential", "clientId")
_ACCOUNT_NAME = re.compile(r"[a-z0-9]{3,24}")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ConfigurationError(ValueError):
    """App settings that contradict each other or are half written; the message says what to fix."""


@dataclass(frozen=True)
class TokenIdentity:
    """Who signs in: the app's managed identity (user-assigned when client_id is set), or, when
    managed is False, DefaultAzureCredential (environment, managed identity, developer sign-in)."""

    managed: bool
    client_id: str = ""


@dataclass(frozen=True)
class StorageConnection:
    """Where the feedback table lives and how to sign in; empty when nothing is configured."""

    connection_string: str = ""
    table_service_uri: str = ""
    identity: TokenIdentity | None = None
    source: str = ""  # the settings it came from, for messages

    @property
    def configured(self) -> bool:
        return bool(self.connection_string or self.table_service_uri)

    @property
    def uses_identity(self) -> bool:
        return bool(self.table_service_uri)


def _identity_settings(env: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The `<prefix>__<field>` settings present, by field, compared case-insensitively as the host does."""
    wanted = {f"{prefix}__{field}".lower(): field for field in _IDENTITY_FIELDS}
    found = {}
    for name, value in env.items():
        field = wanted.get(name.lower())
        if field and value.strip():
            found[field] = value.strip()
    return found


def _identity(values: dict[str, str], prefix: str) -> TokenIdentity:
    credential = values.get("credential", "")
    client_id = values.get("clientId", "")
    if credential and credential.lower() != "managedidentity":
        raise ConfigurationError(
            f"{prefix}__credential is {credential!r}; the only supported value is "
            f"'managedidentity' (or leave it unset to use DefaultAzureCredential)"
        )
    if client_id and not _GUID.fullmatch(client_id):
        raise ConfigurationError(
            f"{prefix}__clientId must be the client id (a GUID) of the user-assigned identity, got {client_id!r}"
        )
    return TokenIdentity(managed=bool(credential or client_id), client_id=client_id)


def _table_service_uri(values: dict[str, str], prefix: str) -> str:
    account, uri = values.get("accountName", ""), values.get("tableServiceUri", "")
    if account and uri:
        raise ConfigurationError(f"set {prefix}__accountName or {prefix}__tableServiceUri, not both")
    if account:
        if not _ACCOUNT_NAME.fullmatch(account):
            raise ConfigurationError(
                f"{prefix}__accountName must be a storage account name "
                f"(3-24 lowercase letters and digits), got {account!r}"
            )
        return f"https://{account}.table.core.windows.net"
    if uri:
        parts = urlsplit(uri)
        # Bearer tokens travel over TLS only (azure-core refuses to send one over http).
        if parts.scheme != "https" or not parts.netloc:
            raise ConfigurationError(f"{prefix}__tableServiceUri must be an https:// URL, got {uri!r}")
        return uri.rstrip("/")
    present = ", ".join(f"{prefix}__{field}" for field in values)
    raise ConfigurationError(
        f"{present} set without {prefix}__accountName or {prefix}__tableServiceUri: "
        f"name the storage account whose table the app should use"
    )


def _from_prefix(env: Mapping[str, str], prefix: str, connection_setting: str) -> StorageConnection | None:
    """The connection one family of settings describes, None when it has none of them."""
    connection_string = env.get(connection_setting, "").strip()
    values = _identity_settings(env, prefix)
    if connection_string and values:
        names = ", ".join(f"{prefix}__{field}" for field in values)
        raise ConfigurationError(
            f"both {connection_setting} and {names} are set: keep the connection "
            f"string (Azurite, keys) or the identity settings, not both"
        )
    if connection_string:
        return StorageConnection(connection_string=connection_string, source=connection_setting)
    if values:
        return StorageConnection(
            table_service_uri=_table_service_uri(values, prefix),
            identity=_identity(values, prefix),
            source=f"{prefix}__*",
        )
    return None


def resolve_feedback_storage(env: Mapping[str, str]) -> StorageConnection:
    """The feedback table's connection: the FEEDBACK_STORAGE* settings, else the host's AzureWebJobsStorage*."""
    return (
        _from_prefix(env, FEEDBACK_PREFIX, FEEDBACK_CONNECTION_STRING)
        or _from_prefix(env, HOST_PREFIX, HOST_PREFIX)
        or StorageConnection()
    )


def resolve_telemetry_identity(env: Mapping[str, str]) -> TokenIdentity | None:
    """The identity that signs Application Insights ingestion, None for connection-string-only ingestion."""
    raw = env.get(APPINSIGHTS_AUTHENTICATION, "").strip()
    if not raw:
        return None
    if not env.get(APPINSIGHTS_CONNECTION, "").strip():
        raise ConfigurationError(
            f"{APPINSIGHTS_AUTHENTICATION} is set but {APPINSIGHTS_CONNECTION} is not: "
            f"the connection string says where telemetry goes"
        )
    pairs = {}
    for part in filter(None, (piece.strip() for piece in raw.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise ConfigurationError(
                f"{APPINSIGHTS_AUTHENTICATION} must look like 'Authorization=AAD' or "
                f"'Authorization=AAD;ClientId=<client id>', got {raw!r}"
            )
        pairs[key.strip().lower()] = value.strip()
    unknown = set(pairs) - {"authorization", "clientid"}
    if pairs.get("authorization") != "AAD" or unknown:
        raise ConfigurationError(
            f"{APPINSIGHTS_AUTHENTICATION} must be 'Authorization=AAD' or "
            f"'Authorization=AAD;ClientId=<client id>', got {raw!r}"
        )
    client_id = pairs.get("clientid", "")
    if client_id and not _GUID.fullmatch(client_id):
        raise ConfigurationError(
            f"ClientId in {APPINSIGHTS_AUTHENTICATION} must be the client id (a GUID) "
            f"of the user-assigned identity, got {client_id!r}"
        )
    return TokenIdentity(managed=True, client_id=client_id)
