"""Paths shared by the training tests: the read-only data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / ".." / "shared" / "data" / "sentiment140"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA_DIR.is_dir():
        pytest.fail(f"{DATA_DIR} is missing: the training tests read the shared Sentiment140 files")
    return DATA_DIR


@pytest.fixture(scope="session", autouse=True)
def nltk_stopwords_available():
    """The bag-of-words pipeline needs NLTK's stop words; they ship beside the repository."""
    import nltk

    folder = str((ROOT / ".." / "shared" / "data" / "nltk_data").resolve())
    if folder not in nltk.data.path:
        nltk.data.path.insert(0, folder)
