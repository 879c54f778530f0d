"""The offline feedback commands reach the table with an identity as well as with a key."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.table_client import build_table_client
from model_build import feedback_table

ROOT = Path(__file__).resolve().parents[2]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    feedback_table.add_storage_options(parser)
    return parser.parse_args(list(argv))


def test_account_url_builds_a_table_client_signed_in_with_default_azure_credential():
    from azure.identity import DefaultAzureCredential

    args = parse("--account-url", "https://stfeedback.table.core.windows.net", "--table", "feedback")
    store = feedback_table.open_feedback_store(args)
    # The service's own client factory; no network: the token is fetched on first use.
    client = build_table_client(store.connection, store.table_name)
    assert not store.connection.connection_string
    assert isinstance(client.credential, DefaultAzureCredential)
    assert client.url.startswith("https://stfeedback.table.core.windows.net")
    assert (client.table_name, store.table_name) == ("feedback", "feedback")


def test_a_key_and_an_identity_are_never_combined():
    with pytest.raises(SystemExit):
        parse("--connection-string", "UseDevelopmentStorage=true", "--account-url", "https://x.table.core.windows.net")


def test_azure_identity_is_imported_only_when_an_account_url_is_given():
    code = (
        "import sys, model_build.feedback_export, model_build.feedback_delete\nprint('azure.identity' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
