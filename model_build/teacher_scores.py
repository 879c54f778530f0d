"""Teacher scores kept with the repository, so that a student can be distilled on a machine that
never fine-tuned its teacher (the MLflow store and the score cache stay where they were made).

A folder holds two files:
- the score cache as `distill` writes it, `teacher_scores_<run id>.parquet` (text → the teacher's
  P(positive), every training and validation tweet);
- `teacher.json`: the teacher's MLflow record (name, run id, fine-tuning rows, logged metrics),
  the command that made the scores, and the sha256 of the data files the splits came from.

    python -m model_build distill --teacher-run <id> --score-only --save-teacher-scores <folder>
    python -m model_build distill --teacher-scores <folder> <student options>
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

TEACHER_FILE = "teacher.json"


def save(folder: Path, cache: Path, teacher: dict, splits_description: dict) -> Path:
    """Copy the cache into `folder` and write teacher.json beside it (`splits_description`: the
    description `data.build_splits` gives, whose files and rows the scores were made for)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scores = pd.read_parquet(cache).drop_duplicates("text")
    scores.to_parquet(folder / cache.name, index=False, compression="zstd")
    record = {
        **teacher,
        "scores_file": cache.name,
        "texts": len(scores),
        "made_by": f"python -m model_build distill --teacher-run {teacher['run_id']} --score-only "
        f"--save-teacher-scores {folder}",
        "saved": datetime.now(UTC).strftime("%Y-%m-%d"),
        "split_seed": splits_description["split_seed"],
        "rows": splits_description["rows"],
        "data_sources": {name: source["sha256"] for name, source in splits_description["sources"].items()},
    }
    path = folder / TEACHER_FILE
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def load(folder: Path) -> dict:
    """teacher.json of a saved folder; its scores file must be beside it."""
    path = Path(folder) / TEACHER_FILE
    if not path.is_file():
        raise SystemExit(f"--teacher-scores {folder}: no {TEACHER_FILE} there")
    record = json.loads(path.read_text(encoding="utf-8"))
    if not (Path(folder) / record["scores_file"]).is_file():
        raise SystemExit(f"--teacher-scores {folder}: {record['scores_file']} is missing")
    return record


def check_sources(record: dict, data_sources: dict[str, dict]) -> None:
    """The saved scores belong to these data files: a file with another checksum makes other splits."""
    differing = [
        name
        for name, digest in record.get("data_sources", {}).items()
        if name in data_sources and data_sources[name]["sha256"] != digest
    ]
    if differing:
        raise SystemExit(f"the teacher scores were made from other data files: {', '.join(differing)}")
