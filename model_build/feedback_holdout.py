"""Split a feedback export into training rows and a held-out slice, by prediction id.

A row is held out when the first 8 hex digits of sha256(prediction id), as a number, fall in the
lowest HOLDOUT_SHARE of their range. Deterministic and stable: a given feedback is held out in
every run, whatever else the export holds, so it is never trained on by any retraining; a
training row with the text of a held-out one is dropped.
Needs the standard library only.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from model_build.feedback_export import COLUMNS, write_csv

HOLDOUT_SHARE = 0.2
_HASH_RANGE = 16**8


def is_held_out(prediction_id: str, share: float = HOLDOUT_SHARE) -> bool:
    digest = hashlib.sha256(prediction_id.strip().lower().encode("ascii")).hexdigest()
    return int(digest[:8], 16) < share * _HASH_RANGE


@dataclass(frozen=True)
class FeedbackSplit:
    training: Path
    holdout: Path
    training_rows: int
    holdout_rows: int


def split_export(export: Path, folder: Path, share: float = HOLDOUT_SHARE) -> FeedbackSplit:
    """Write `feedback_training.csv` and `feedback_holdout.csv` (export columns) into `folder`."""
    with open(export, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = set(COLUMNS) - set(rows[0]) if rows else set()
    if missing:
        raise ValueError(f"{export}: not a feedback export (missing {sorted(missing)})")
    holdout = [row for row in rows if is_held_out(row["prediction_id"], share)]
    # The same tweet judged twice has two prediction ids: its text must not leak into training.
    held_out_texts = {row["text"] for row in holdout}
    training = [
        row for row in rows if not is_held_out(row["prediction_id"], share) and row["text"] not in held_out_texts
    ]
    split = FeedbackSplit(
        Path(folder) / "feedback_training.csv", Path(folder) / "feedback_holdout.csv", len(training), len(holdout)
    )
    write_csv(training, split.training)
    write_csv(holdout, split.holdout)
    return split
