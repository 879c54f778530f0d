"""`feedback-export`: stored feedback for a time range -> a labelled CSV that training takes as extra data.

    python -m model_build feedback-export --since 2026-11-01 --until 2026-12-01 --output artifacts/feedback.csv
    python -m model_build.feedback_export --since 2026-11-24T08:00Z      # the same, standalone

Closing the loop: every row is a tweet whose prediction a user judged. A confirmed prediction
keeps its label; a rejected one gets the corrected label, the opposite class (the model is binary).

Columns (UTF-8, header, RFC 4180 quoting: tweets may hold commas, quotes and newlines):
    target               0 negative, 1 positive: the label to train on (`label` in model_build.data)
    text                 the tweet as the front-end sent it
    source               "feedback"
    prediction_id, predicted_sentiment, probability, model_version, is_correct, received_at  (provenance)

The feedback table comes from the service settings (FEEDBACK_STORAGE_CONNECTION_STRING, or
FEEDBACK_STORAGE__accountName with your `az login`, else the AzureWebJobsStorage ones; FEEDBACK_TABLE_NAME), or from --connection-string / --table, or from
--account-url with the signed-in identity (model_build/feedback_table.py). Times are UTC;
--since is inclusive and --until exclusive. The summary printed holds the file's sha256, which
retraining records on its MLflow runs. Needs azure-data-tables only (no TensorFlow).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from model_build.feedback_table import add_storage_options, open_feedback_store

COLUMNS = [
    "target",
    "text",
    "source",
    "prediction_id",
    "predicted_sentiment",
    "probability",
    "model_version",
    "is_correct",
    "received_at",
]
LABELS = {"negative": 0, "positive": 1}
SELECTIONS = ("all", "rejected", "confirmed")


def parse_time(value: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def training_label(record: dict) -> int:
    """The label to learn: the predicted one if the user confirmed it, the other one if rejected."""
    predicted = LABELS[record["sentiment"]]
    return predicted if record["is_correct"] else 1 - predicted


def training_rows(records: Iterable[dict], selection: str = "all") -> list[dict]:
    rows = []
    for record in records:
        if (selection == "rejected" and record["is_correct"]) or (
            selection == "confirmed" and not record["is_correct"]
        ):
            continue
        rows.append(
            {
                "target": training_label(record),
                "text": record["text"],
                "source": "feedback",
                "prediction_id": record["prediction_id"],
                "predicted_sentiment": record["sentiment"],
                "probability": record["probability"],
                "model_version": record["model_version"],
                "is_correct": str(record["is_correct"]).lower(),
                "received_at": record["received_at"],
            }
        )
    return sorted(rows, key=lambda row: (row["received_at"], row["prediction_id"]))


def write_csv(rows: list[dict], output: Path) -> None:
    """Write atomically: a half-written file never looks like an export."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(partial, output)


def export_feedback(store, since: datetime, until: datetime, output: Path, selection: str = "all") -> dict:
    """Export the feedback received in [since, until) to `output`; return a summary."""
    rows = training_rows(store.received_between(since, until), selection)
    write_csv(rows, output)
    rejected = sum(row["is_correct"] == "false" for row in rows)
    return {
        "output": str(output),
        "rows": len(rows),
        "sha256": file_sha256(output),
        "rejected": rejected,
        "confirmed": len(rows) - rejected,
        "positive": sum(row["target"] for row in rows),
        "since": since.isoformat(),
        "until": until.isoformat(),
        "table": store.table_name,
    }


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_feedback_csv(path: Path):
    """An export as training frames hold data (text, label, source, ...): pandas, imported here only."""
    import pandas as pd

    frame = pd.read_csv(path, dtype={"text": str, "prediction_id": str}, keep_default_na=False, encoding="utf-8")
    return frame.rename(columns={"target": "label"})


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        type=parse_time,
        required=True,
        help="first reception time to export, inclusive (ISO 8601, UTC unless an offset is given)",
    )
    parser.add_argument("--until", type=parse_time, default=None, help="end of the range, exclusive (default: now)")
    parser.add_argument(
        "--output", type=Path, default=Path("artifacts/feedback.csv"), help="CSV to write (default: %(default)s)"
    )
    parser.add_argument(
        "--only",
        choices=SELECTIONS,
        default="all",
        help="export every judged prediction (default), or only rejected / confirmed ones",
    )
    add_storage_options(parser)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register `feedback-export` on `python -m model_build`'s subcommands."""
    parser = subparsers.add_parser(
        "feedback-export", help="export stored feedback as labelled training rows", description=__doc__.splitlines()[0]
    )
    add_options(parser)
    parser.set_defaults(handler=run)
    return parser


register = add_parser  # the name model_build.cli expects of a command module


def run(args: argparse.Namespace) -> int:
    from feedback.store import StorageUnavailable

    until = args.until or datetime.now(UTC)
    if args.since >= until:
        print(f"--since ({args.since.isoformat()}) must be before --until ({until.isoformat()})", file=sys.stderr)
        return 2
    store = open_feedback_store(args)
    if store is None:
        return 2
    try:
        summary = export_feedback(store, args.since, until, args.output, args.only)
    except StorageUnavailable as error:
        print(f"feedback storage unreachable: {error}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m model_build.feedback_export",
        description=__doc__.splitlines()[0],
        epilog="See the module docstring for the columns.",
    )
    add_options(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
