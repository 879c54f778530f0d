"""The feedback TableClient, built from whichever connection the settings resolved.

A connection string (Azurite locally) goes to `TableClient.from_connection_string`; an identity
goes to `TableClient(endpoint, table_name, credential=<TokenCredential>)`, which sends a bearer
token for `https://storage.azure.com` and no account key. The SDKs are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.connections import StorageConnection, TokenIdentity

if TYPE_CHECKING:  # the SDK itself is imported on first use (see build_table_client)
    from azure.data.tables import TableClient


class NoStorageConfigured(Exception):
    """Neither a connection string nor identity settings name the feedback table's account."""


def build_table_client(connection: StorageConnection, table_name: str, **client_options: Any) -> TableClient:
    """A TableClient for `table_name`; client_options go to the SDK (timeouts, retries)."""
    if not connection.configured:
        raise NoStorageConfigured(
            "no feedback storage is configured: set FEEDBACK_STORAGE_CONNECTION_STRING, "
            "FEEDBACK_STORAGE__accountName, or the host's AzureWebJobsStorage settings"
        )
    from azure.data.tables import TableClient

    if connection.connection_string:
        return TableClient.from_connection_string(connection.connection_string, table_name=table_name, **client_options)
    from service.credentials import build_credential

    return TableClient(
        endpoint=connection.table_service_uri,
        table_name=table_name,
        credential=build_credential(connection.identity or TokenIdentity(managed=False)),
        **client_options,
    )
