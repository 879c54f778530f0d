"""`feedback-export` on feedback written to a real Azurite table: time range, flipped labels, provenance."""

import argparse
import csv
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedback.store import FeedbackStore
from feedback.validation import Feedback
from model_build import feedback_export

ROOT = Path(__file__).resolve().parents[2]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 14, hour, minute, tzinfo=UTC)


# (received_at, text, predicted sentiment, is_correct, expected target or None when outside the range)
ROWS = [
    (at(9, 59), "before the range", "negative", True, None),
    (at(10, 0), 'Bag lost, "great" job, thanks\nnot', "positive", False, 0),  # rejected positive -> negative
    (at(10, 30), "Delayed again. Awful.", "negative", True, 0),  # confirmed negative
    (at(11, 0), "Upgraded to business, wow!", "negative", False, 1),  # rejected negative -> positive
    (at(11, 30), "Smooth flight, kind crew", "positive", True, 1),  # confirmed positive
    (at(12, 0), "at the end of the range: excluded", "positive", False, None),
]


@pytest.fixture(scope="module")
def table(azurite):
    """A fresh table holding ROWS, and the prediction id of each row."""
    name = "feedbackexport" + uuid.uuid4().hex[:8]
    store = FeedbackStore(azurite.connection_string, name, 2)
    ids = []
    for received_at, text, sentiment, is_correct, _ in ROWS:
        feedback = Feedback(
            str(uuid.uuid4()), text, sentiment, 0.25 if sentiment == "negative" else 0.75, "fasttext_lstm@1", is_correct
        )
        assert store.add(feedback, received_at)[1]
        ids.append(feedback.prediction_id)
    return name, ids


def parse(argv: list[str]) -> argparse.Namespace:
    """The arguments as `python -m model_build feedback-export ...` parses them."""
    parser = argparse.ArgumentParser(prog="python -m model_build")
    feedback_export.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["feedback-export", *argv])


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export(azurite, table_name, tmp_path, *extra: str) -> tuple[int, Path]:
    output = tmp_path / "out" / "feedback.csv"
    args = parse(
        [
            "--since",
            "2026-03-14T10:00:00Z",
            "--until",
            "2026-03-14T12:00",
            "--output",
            str(output),
            "--connection-string",
            azurite.connection_string,
            "--table",
            table_name,
            *extra,
        ]
    )
    assert args.handler is feedback_export.run
    return args.handler(args), output


def test_export_labels_rejections_with_the_corrected_label(azurite, table, tmp_path, capsys):
    name, ids = table
    code, output = export(azurite, name, tmp_path)
    assert code == 0
    rows = read_rows(output)
    assert list(rows[0]) == feedback_export.COLUMNS
    expected = [(ids[i], row[1], row[4]) for i, row in enumerate(ROWS) if row[4] is not None]
    assert [(r["prediction_id"], r["text"], int(r["target"])) for r in rows] == expected
    assert [r["is_correct"] for r in rows] == ["false", "true", "false", "true"]
    assert [r["predicted_sentiment"] for r in rows] == ["positive", "negative", "negative", "positive"]
    assert {r["source"] for r in rows} == {"feedback"} and {r["model_version"] for r in rows} == {"fasttext_lstm@1"}
    assert rows[0]["received_at"] == "2026-03-14T10:00:00.000Z"
    assert float(rows[0]["probability"]) == 0.75
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows"], summary["rejected"], summary["confirmed"], summary["positive"]) == (4, 2, 2, 2)


def test_export_can_keep_only_rejections(azurite, table, tmp_path):
    name, ids = table
    code, output = export(azurite, name, tmp_path, "--only", "rejected")
    assert code == 0
    assert [(r["prediction_id"], r["target"]) for r in read_rows(output)] == [(ids[1], "0"), (ids[3], "1")]


def test_export_is_readable_as_training_data(azurite, table, tmp_path):
    pytest.importorskip("pandas", reason="pandas comes with the training environment (.venv-train)")
    name, _ = table
    _, output = export(azurite, name, tmp_path)
    frame = feedback_export.read_feedback_csv(output)
    assert {"text", "label", "source"} <= set(frame.columns)
    assert frame["label"].tolist() == [0, 0, 1, 1]
    assert frame["text"].iloc[0] == ROWS[1][1]  # quotes and the newline survive


def test_unreachable_storage_is_a_clear_error(azurite, tmp_path, capsys):
    dead = azurite.connection_string.replace(f":{azurite.port}/", ":9/")
    args = parse(["--since", "2026-03-14", "--output", str(tmp_path / "x.csv"), "--connection-string", dead])
    assert feedback_export.run(args) == 1
    assert "unreachable" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_empty_range_is_refused(tmp_path, capsys):
    args = parse(["--since", "2026-03-14T12:00Z", "--until", "2026-03-14T12:00Z", "--connection-string", "x"])
    assert feedback_export.run(args) == 2


def test_standalone_command_runs_without_tensorflow(azurite, table, tmp_path):
    name, _ = table
    output = tmp_path / "standalone.csv"
    code = (
        "import sys, runpy\n"
        "sys.argv = ['feedback_export'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('model_build.feedback_export', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    heavy = sorted(m for m in ('tensorflow', 'keras', 'torch') if m in sys.modules)\n"
        "    print('HEAVY', heavy, file=sys.stderr)\n"
        "    raise\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "--since",
            "2026-03-14T10:00Z",
            "--until",
            "2026-03-14T12:00Z",
            "--table",
            name,
            "--output",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "FEEDBACK_STORAGE_CONNECTION_STRING": azurite.connection_string,
        },
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stderr
    assert len(read_rows(output)) == 4
    help_text = subprocess.run(
        [sys.executable, "-m", "model_build.feedback_export", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert help_text.returncode == 0 and "--since" in help_text.stdout
