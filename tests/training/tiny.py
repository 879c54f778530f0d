"""The command-line arguments that keep a training test tiny: a few hundred tweets, one epoch."""

from __future__ import annotations

from pathlib import Path


def tiny_data(data_dir: Path) -> list[str]:
    """A small, seeded slice of the shared data and a single epoch."""
    return [
        "--data-dir", str(data_dir), "--train-limit", "400", "--test-rows", "1000",
        "--validation-rows", "300", "--epochs", "1",
    ]  # fmt: skip


# A tiny LSTM over tiny FastText vectors.
TINY_LSTM = ["--units", "8", "--fasttext-dim", "16", "--fasttext-epochs", "1"]
