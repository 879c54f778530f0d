"""Teacher scores kept with the repository, so that a student can be distilled on a machine that
never fine-tuned its teacher (the MLflow store and the score cache stay where they were made).

A folder holds two files:
- `scores.parquet`: the teacher's P(positive) for every training and validation tweet, keyed by
  the first 8 bytes of the sha256 of the tweet's text (the texts are in `../shared/data`
  already; keys keep the file at about 2 MB instead of 9);
- `teacher.json`: the teacher's MLflow record (name, run id, fine-tuning rows, logged metrics),
  how long scoring took, the command that saved it, the splits' seed and rows, and the sha256 of
  the data files the splits came from.

`distill --teacher-scores <folder>` writes the scores of the splits' texts back into the usual
cache (`distill.cache_path`), and refuses to go on if any text lacks a score.

    python -m model_build distill --teacher-run <id> --score-only --save-teacher-scores <folder>
    python -m model_build distill --teacher-scores <folder> <student options>
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

TEACHER_FILE = "teacher.json"
SCORES_FILE = "scores.parquet"


def text_keys(texts: list[str]) -> np.ndarray:
    """The first 8 bytes of each text's sha256, as unsigned 64-bit integers."""
    return np.array(
        [int.from_bytes(hashlib.sha256(t.encode("utf-8")).digest()[:8], "little") for t in texts], dtype=np.uint64
    )


def save(folder: Path, cache: Path, teacher: dict, splits_description: dict) -> Path:
    """Write the cache's scores and teacher.json into `folder` (`splits_description`: the
    description `data.build_splits` gives, whose files and rows the scores were made for)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scores = pd.read_parquet(cache).drop_duplicates("text")
    keys = text_keys(scores["text"].tolist())
    if len(np.unique(keys)) != len(keys):
        raise SystemExit("two texts share a key: the saved scores would be ambiguous")
    table = pd.DataFrame({"key": keys, "teacher_probability": scores["teacher_probability"].to_numpy(np.float32)})
    table.to_parquet(folder / SCORES_FILE, index=False, compression="zstd")
    record = {
        **teacher,
        "texts": len(table),
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
    """teacher.json of a saved folder; the scores must be beside it."""
    path = Path(folder) / TEACHER_FILE
    if not path.is_file() or not (Path(folder) / SCORES_FILE).is_file():
        raise SystemExit(f"--teacher-scores {folder}: {TEACHER_FILE} and {SCORES_FILE} are needed there")
    return json.loads(path.read_text(encoding="utf-8"))


def check_sources(record: dict, data_sources: dict[str, dict]) -> None:
    """The saved scores belong to these data files: a file with another checksum makes other splits."""
    differing = [
        name
        for name, digest in record.get("data_sources", {}).items()
        if name in data_sources and data_sources[name]["sha256"] != digest
    ]
    if differing:
        raise SystemExit(f"the teacher scores were made from other data files: {', '.join(differing)}")


def materialise(folder: Path, texts: list[str], cache: Path) -> int:
    """Write the saved scores of `texts` into the cache file `distill` reads (text → probability);
    texts without a saved score are left out. Returns how many were written."""
    table = pd.read_parquet(Path(folder) / SCORES_FILE)
    by_key = pd.Series(table["teacher_probability"].to_numpy(np.float32), index=table["key"].to_numpy(np.uint64))
    unique = list(dict.fromkeys(texts))
    found = pd.Series(text_keys(unique)).map(by_key)
    known = found.notna().to_numpy()
    frame = pd.DataFrame(
        {
            "text": [t for t, k in zip(unique, known, strict=True) if k],
            "teacher_probability": found[known].to_numpy(np.float32),
        }
    )
    cache.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(cache, index=False)
    return len(frame)
