"""Which feedback table the offline commands (feedback-export, feedback-delete, retrain) open.

Either a connection string (Azurite locally, or a key the operator holds) or, in Azure, the
table endpoint plus the signed-in identity: `--account-url https://<account>.table.core.windows.net`
with azure-identity's DefaultAzureCredential (imported only then) (in a workflow: the managed identity that
azure/login signed in with OIDC; on a laptop: `az login`). No account key is needed then.
Needs azure-data-tables (and azure-identity for --account-url) only, no TensorFlow.
"""

from __future__ import annotations

import argparse
import sys

from feedback.store import FeedbackStore
from service.connections import StorageConnection, TokenIdentity


def add_storage_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--connection-string", default=None, help="storage connection string (default: from the service settings)"
    )
    where.add_argument(
        "--account-url",
        default=None,
        help="table endpoint, e.g. https://<account>.table.core.windows.net: sign in "
        "with DefaultAzureCredential (managed identity, az login) instead of a key",
    )
    parser.add_argument("--table", default=None, help="feedback table (default: FEEDBACK_TABLE_NAME or 'feedback')")


def open_feedback_store(args: argparse.Namespace) -> FeedbackStore | None:
    """The store the options name, or None (after saying why on stderr) when none is configured.

    The client is built by the service's own path (feedback/table_client.py): --account-url is an
    identity connection signed in with DefaultAzureCredential (in a workflow: the identity
    azure/login signed in with OIDC; on a laptop: `az login`), which needs a data-plane role on
    the account (Storage Table Data Reader to export, Contributor to delete)."""
    from service.settings import get_settings

    settings = get_settings()
    table = args.table or settings.feedback_table
    connection: StorageConnection | str
    if args.account_url:
        connection = StorageConnection(
            table_service_uri=args.account_url, identity=TokenIdentity(managed=False), source="--account-url"
        )
    elif args.connection_string:
        connection = args.connection_string
    elif settings.feedback_storage.configured:
        connection = settings.feedback_storage
    else:
        print(
            "no storage: set FEEDBACK_STORAGE_CONNECTION_STRING or FEEDBACK_STORAGE__accountName "
            "(or AzureWebJobsStorage), or pass --connection-string or --account-url",
            file=sys.stderr,
        )
        return None
    return FeedbackStore(connection, table, settings.storage_timeout_seconds)
