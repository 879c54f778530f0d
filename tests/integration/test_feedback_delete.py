"""`feedback-delete` against a real Azurite table: by prediction id, by text, by age, dry runs."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import UTC, datetime

import pytest
from azure.data.tables import TableClient

from feedback.store import FeedbackStore
from feedback.validation import Feedback
from model_build import feedback_delete

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# (received_at, text)
ROWS = [
    (datetime(2026, 4, 1, tzinfo=UTC), "Old complaint: lost bag in April"),
    (datetime(2026, 5, 30, 11, 0, tzinfo=UTC), "Also old: delayed in May"),
    (datetime(2026, 11, 20, tzinfo=UTC), "@Jane_Doe here: seat 14C was broken"),
    (datetime(2026, 11, 21, tzinfo=UTC), "jane_doe again, booking XK42Q refund please"),
    (datetime(2026, 11, 22, tzinfo=UTC), "A stranger's happy flight"),
]


@pytest.fixture()
def table(azurite):
    """A fresh table holding ROWS, and the prediction id of each row."""
    name = "feedbackdelete" + uuid.uuid4().hex[:8]
    store = FeedbackStore(azurite.connection_string, name, 2)
    ids = []
    for received_at, text in ROWS:
        feedback = Feedback(str(uuid.uuid4()), text, "negative", 0.2, "fasttext_lstm@4", False)
        assert store.add(feedback, received_at)[1]
        ids.append(feedback.prediction_id)
    return name, ids


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m model_build")
    feedback_delete.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["feedback-delete", *argv])


def delete(azurite, table_name: str, capsys, *argv: str) -> tuple[int, dict]:
    args = parse([*argv, "--connection-string", azurite.connection_string, "--table", table_name])
    code = feedback_delete.run(args, now=NOW)
    out = capsys.readouterr().out
    return code, json.loads(out) if code == 0 else {}


def remaining(azurite, table_name: str) -> set[str]:
    with TableClient.from_connection_string(azurite.connection_string, table_name=table_name) as client:
        return {e["RowKey"] for e in client.list_entities()}


def test_delete_by_prediction_id_removes_only_that_feedback(azurite, table, capsys):
    name, ids = table
    code, summary = delete(
        azurite, name, capsys, "--prediction-id", ids[2].upper(), "--prediction-id", str(uuid.uuid4())
    )
    assert code == 0 and summary["deleted"] == 1
    assert [m["prediction_id"] for m in summary["matched"]] == [ids[2]]
    assert remaining(azurite, name) == set(ids) - {ids[2]}


def test_text_match_is_a_case_insensitive_substring(azurite, table, capsys):
    name, ids = table
    code, summary = delete(azurite, name, capsys, "--text-contains", "JANE_doe")
    assert code == 0 and summary["deleted"] == 2
    assert {m["prediction_id"] for m in summary["matched"]} == {ids[2], ids[3]}
    assert remaining(azurite, name) == {ids[0], ids[1], ids[4]}


def test_older_than_enforces_retention(azurite, table, capsys):
    name, ids = table
    # 180 days before NOW is 2026-05-31T12:00Z: both spring rows are older, the rest are kept
    code, summary = delete(azurite, name, capsys, "--older-than", "180")
    assert code == 0 and summary["deleted"] == 2
    assert remaining(azurite, name) == set(ids[2:])


def test_dry_run_lists_and_deletes_nothing(azurite, table, capsys):
    name, ids = table
    code, summary = delete(azurite, name, capsys, "--text-contains", "old", "--dry-run")
    assert code == 0 and summary["dry_run"] and summary["deleted"] == 0
    assert [m["text"] for m in sorted(summary["matched"], key=lambda m: m["received_at"])] == [ROWS[0][1], ROWS[1][1]]
    assert remaining(azurite, name) == set(ids)


def test_blank_text_and_two_criteria_are_refused(azurite, table, capsys):
    name, ids = table
    assert delete(azurite, name, capsys, "--text-contains", "  ")[0] == 2
    with pytest.raises(SystemExit):
        parse(["--prediction-id", ids[0], "--older-than", "30"])
    with pytest.raises(SystemExit):
        parse(["--older-than", "0"])
    assert remaining(azurite, name) == set(ids)


def test_unreachable_storage_is_a_clear_error(azurite, capsys):
    dead = azurite.connection_string.replace(f":{azurite.port}/", ":9/")
    args = parse(["--older-than", "1", "--connection-string", dead])
    assert feedback_delete.run(args) == 1
    assert "unreachable" in capsys.readouterr().err


def test_the_command_runs_without_tensorflow(azurite, table):
    import subprocess
    import sys
    from pathlib import Path

    name, ids = table
    code = (
        "import sys\nfrom model_build import cli\n"
        "status = cli.main(sys.argv[1:])\n"
        "print('HEAVY', sorted(m for m in ('tensorflow', 'keras', 'torch') if m in sys.modules), file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "feedback-delete",
            "--prediction-id",
            ids[4],
            "--dry-run",
            "--connection-string",
            azurite.connection_string,
            "--table",
            name,
        ],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stderr and json.loads(result.stdout)["matched_count"] == 1
