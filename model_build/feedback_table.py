"""Which feedback table the offline commands (feedback-export, feedback-delete, retrain) open.

Either a connection string (Azurite locally, or a key the operator holds) or, in Azure, the
table endpoint plus the signed-in identity: `--account-url https://<account>.table.core.windows.net`
with azure-identity's DefaultAzureCredential (in a workflow: the managed identity that
azure/login signed in with OIDC; on a laptop: `az login`). No account key is needed then.
Needs azure-data-tables (and azure-identity for --account-url) only, no TensorFlow.
"""

from __future__ import annotations

import argparse
import sys

from feedback.store import FeedbackStore


class _StoreWithClient(FeedbackStore):
    """A FeedbackStore over a TableClient built elsewhere (here: with an identity, not a key)."""

    def __init__(self, client, table_name: str, timeout_seconds: float):
        super().__init__("", table_name, timeout_seconds)
        self._client = client

    def _table(self):
        return self._client


def identity_table_client(account_url: str, table_name: str, timeout_seconds: float):
    """A TableClient authenticated by DefaultAzureCredential (azure-identity, imported lazily).

    The token scope is storage's (https://storage.azure.com/.default), which the SDK requests
    itself for a TokenCredential; the identity needs a data-plane role on the account:
    Storage Table Data Reader to export, Storage Table Data Contributor to delete.
    """
    from azure.data.tables import TableClient
    from azure.identity import DefaultAzureCredential

    # Interactive browser sign-in would hang a scheduled job; every other source stays.
    credential = DefaultAzureCredential(exclude_interactive_browser_credential=True)
    return TableClient(endpoint=account_url, table_name=table_name, credential=credential,
                       connection_timeout=timeout_seconds, read_timeout=timeout_seconds)


def add_storage_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--connection-string", default=None,
                       help="storage connection string (default: from the service settings)")
    where.add_argument("--account-url", default=None,
                       help="table endpoint, e.g. https://<account>.table.core.windows.net: sign in "
                            "with DefaultAzureCredential (managed identity, az login) instead of a key")
    parser.add_argument("--table", default=None, help="feedback table (default: FEEDBACK_TABLE_NAME or 'feedback')")


def open_feedback_store(args: argparse.Namespace) -> FeedbackStore | None:
    """The store the options name, or None (after saying why on stderr) when none is configured."""
    from service.settings import get_settings

    settings = get_settings()
    table = args.table or settings.feedback_table
    if args.account_url:
        client = identity_table_client(args.account_url, table, settings.storage_timeout_seconds)
        return _StoreWithClient(client, table, settings.storage_timeout_seconds)
    connection_string = args.connection_string or settings.storage_connection_string
    if not connection_string:
        print("no storage: set FEEDBACK_STORAGE_CONNECTION_STRING (or AzureWebJobsStorage), "
              "or pass --connection-string or --account-url", file=sys.stderr)
        return None
    return FeedbackStore(connection_string, table, settings.storage_timeout_seconds)
