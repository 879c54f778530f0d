"""Sentiment140 loaders and the seeded, leak-free train / validation / test split.

Every loader returns a DataFrame with at least `text` (HTML-unescaped) and `label` (0 negative,
1 positive). Where the splits come from, and why (see ../shared/data/README.md):

- training: the 100k head/tail subset plus the random union (~200k tweets);
- validation (early stopping) and TEST: random-union rows whose text is exact (`text_fidelity`
  `original` or `original_whitespace_trimmed`) and that do not occur in the 100k subset. They span
  the whole collection period, unlike the subset, whose negatives and positives come from different
  weeks (period leaks into the label there, so a split of the subset would flatter every model).
- manual: the 359 hand-labelled non-neutral tweets of the paper. Reported, never tuned on.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_DATA_DIR = Path("../shared/data/sentiment140")
SUBSET_FILES = ("subset_100k_negative.txt.gz", "subset_100k_positive.txt.gz")
UNION_FILE = "random_union_102k.csv.gz"
MANUAL_FILE = "testdata.manual.2009.06.14.csv"
ORIGINAL_COLUMNS = ["target", "id", "date", "flag", "user", "text"]
EXACT_FIDELITY = ("original", "original_whitespace_trimmed")
TARGET_TO_LABEL = {0: 0, 4: 1}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _with_labels(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame[frame["target"].isin(TARGET_TO_LABEL)].copy()
    frame["label"] = frame["target"].map(TARGET_TO_LABEL).astype(np.int64)
    frame["text"] = frame["text"].astype(str).map(html.unescape)
    frame["source"] = source
    return frame.reset_index(drop=True)


def load_original_format(path: Path) -> pd.DataFrame:
    """The six-column, header-less, latin-1 Sentiment140 CSV (the full 1.6M file or a sample).

    Neutral rows (target 2, only in the manual test file) are dropped: the models are binary.
    """
    frame = pd.read_csv(
        path,
        header=None,
        names=ORIGINAL_COLUMNS,
        encoding="latin-1",
        dtype={"target": np.int64, "id": str, "text": str},
        keep_default_na=False,
    )
    return _with_labels(frame, Path(path).name)


def load_text_subset(negative_path: Path, positive_path: Path) -> pd.DataFrame:
    """The text-only 100k subset: one UTF-8 tweet per line, the label given by the file."""
    frames = []
    for path, target in ((negative_path, 0), (positive_path, 4)):
        texts = pd.read_csv(
            path, header=None, names=["text"], sep="\x01", quoting=3, dtype=str, keep_default_na=False, encoding="utf-8"
        )["text"]
        frames.append(pd.DataFrame({"target": target, "text": texts}))
    return _with_labels(pd.concat(frames, ignore_index=True), "subset_100k")


def load_random_union(path: Path) -> pd.DataFrame:
    """The random union CSV (header, UTF-8) with its `text_fidelity` column."""
    frame = pd.read_csv(
        path, dtype={"target": np.int64, "id": str, "text": str}, keep_default_na=False, encoding="utf-8"
    )
    return _with_labels(frame.drop(columns=["source"]), "random_union")


def load_manual_test(path: Path) -> pd.DataFrame:
    """The paper's hand-labelled test set without its neutral rows (359 tweets)."""
    return load_original_format(path).assign(source="manual_test")


def load_extra_labelled(path: Path) -> pd.DataFrame:
    """Extra training rows: a CSV with `text` and `target` 0/1, such as `feedback-export` writes.

    Its rows join the training split only (never validation or test), after the held-out texts
    are removed, so feedback on a held-out tweet cannot leak into training.
    """
    frame = pd.read_csv(path, dtype={"text": str}, keep_default_na=False, encoding="utf-8")
    if not {"text", "target"} <= set(frame.columns) or not frame["target"].isin([0, 1]).all():
        raise ValueError(f"{path}: expected columns `text` and `target` with values 0 or 1")
    frame = frame.assign(target=frame["target"].map({0: 0, 1: 4}))
    return _with_labels(frame[["target", "text"]], f"{EXTRA_SOURCE_PREFIX}{Path(path).name}")


EXTRA_SOURCE_PREFIX = "extra:"


def human_labelled(train: pd.DataFrame) -> pd.Series:
    """Rows that came from `extra_files` (hand labels or feedback), not from Sentiment140."""
    return train["source"].astype(str).str.startswith(EXTRA_SOURCE_PREFIX)


def repeat_human_labelled(train: pd.DataFrame, repeats: int) -> pd.DataFrame:
    """The training rows with every human-labelled row present `repeats` times: a few hundred
    such rows are otherwise drowned by ~186k emoticon-labelled ones."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    extra = train[human_labelled(train)]
    if repeats == 1 or extra.empty:
        return train
    return pd.concat([train, *[extra] * (repeats - 1)], ignore_index=True)


def drop_duplicate_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the first of exact duplicate texts; drop texts seen with both labels."""
    conflicting = frame.groupby("text")["label"].transform("nunique") > 1
    return frame[~conflicting].drop_duplicates("text").reset_index(drop=True)


def stratified_sample(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    share = rows / len(frame)
    parts = [group.sample(n=round(len(group) * share), random_state=seed) for _, group in frame.groupby("label")]
    return pd.concat(parts).sample(frac=1.0, random_state=seed)


@dataclass
class DataSplits:
    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    manual: pd.DataFrame
    description: dict = field(default_factory=dict)

    def named(self) -> dict[str, pd.DataFrame]:
        return {"validation": self.validation, "test": self.test, "manual": self.manual}


def build_splits(
    data_dir: Path = DEFAULT_DATA_DIR,
    seed: int = 42,
    test_rows: int = 9000,
    validation_rows: int = 6000,
    train_limit: int | None = None,
    original_format_file: Path | None = None,
    extra_files: tuple[Path, ...] = (),
) -> DataSplits:
    """Load every source and return the splits plus a description for the tracking store.

    `original_format_file` (e.g. the full 1.6M CSV) replaces the 100k subset as the bulk of the
    training data. `train_limit` keeps a stratified sample of the training rows (tests, smoke runs).
    `extra_files` (labelled CSVs, e.g. exported feedback) are added to the training rows only,
    after that sample, so they are kept whole.
    """
    data_dir = Path(data_dir)
    union_path, manual_path = data_dir / UNION_FILE, data_dir / MANUAL_FILE
    if original_format_file is not None:
        bulk_paths = [Path(original_format_file)]
        bulk = load_original_format(bulk_paths[0])
    else:
        bulk_paths = [data_dir / name for name in SUBSET_FILES]
        bulk = load_text_subset(*bulk_paths)
    union = load_random_union(union_path)
    manual = load_manual_test(manual_path)

    bulk_texts = set(bulk["text"])
    exact = union["text_fidelity"].isin(EXACT_FIDELITY) & ~union["text"].isin(bulk_texts)
    held_out_pool = drop_duplicate_texts(union[exact])
    held_out_pool = held_out_pool[~held_out_pool["text"].isin(set(manual["text"]))]
    test = stratified_sample(held_out_pool, test_rows, seed)
    rest = held_out_pool.drop(test.index)
    validation = stratified_sample(rest, validation_rows, seed + 1)

    held_out_texts = set(test["text"]) | set(validation["text"]) | set(manual["text"])
    train = drop_duplicate_texts(pd.concat([bulk, union], ignore_index=True))
    train = train[~train["text"].isin(held_out_texts)]
    if train_limit is not None and train_limit < len(train):
        train = stratified_sample(train, train_limit, seed)
    if extra_files:
        # Added after the sample: a small slice must not sample the feedback away.
        extra = [load_extra_labelled(Path(p)) for p in extra_files]
        train = drop_duplicate_texts(pd.concat([train, *extra], ignore_index=True))
        train = train[~train["text"].isin(held_out_texts)]
    train = train.sample(frac=1.0, random_state=seed).reset_index(drop=True)

    files = [*bulk_paths, union_path, manual_path, *map(Path, extra_files)]
    description = {
        "sources": {p.name: {"sha256": sha256_of(p), "path": str(p)} for p in files},
        "split_seed": seed,
        "rows": {"train": len(train), "validation": len(validation), "test": len(test), "manual": len(manual)},
        "train_rows_by_source": train["source"].value_counts().to_dict(),
        "train_positive_share": round(float(train["label"].mean()), 4),
        "held_out_rule": "random-union rows with text_fidelity in "
        f"{list(EXACT_FIDELITY)}, not in the bulk training file, de-duplicated; "
        "seeded stratified samples for test and validation",
    }
    return DataSplits(
        train=train,
        validation=validation.reset_index(drop=True),
        test=test.reset_index(drop=True),
        manual=manual,
        description=description,
    )
