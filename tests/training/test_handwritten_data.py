"""The hand-labelled training rows (training_data/) stay apart from every evaluation set.

They were written for training only; a tweet that also appears, after normalisation, in a
behaviour suite, the manual test set, the held-out splits or a hand-labelled evaluation set
(evaluation_data/, and the airline set for models that do not train on it) would turn that
evaluation into a memory test.
"""

from __future__ import annotations

import ast
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from model_build import data
from model_build.assess import MODERN_SETS
from predict.normalize import normalize_tweet

ROOT = Path(__file__).resolve().parents[2]
HANDWRITTEN = ROOT / "training_data" / "handwritten_airline.csv"
# Tweets in 2015-2025 language written for training (training_data/README.md) -> (domains, rows
# asked per domain and label, rows dropped as close to an evaluation tweet). modern_written.csv
# trained fasttext_lstm@7; @8 (the fourteenth rule's recipe) adds the later and air files; the
# sixteenth rule's candidate adds modern_written_tone.csv.
WRITTEN_FILES = {
    "modern_written.csv": (5, 180, 0),
    "modern_written_later.csv": (2, 180, 0),
    "modern_written_air.csv": (4, 90, 1),
    "modern_written_tone.csv": (4, 90, 4),
}
# Rows whose word set overlaps an evaluation tweet's by Jaccard >= 0.6 (training_data/README.md
# names them); the fourteenth and sixteenth rules dropped such rows from the air and tone files
# before training.
NEAR_DUPLICATE_JACCARD = 0.6
NEAR_DUPLICATES_KNOWN = {
    "modern_written.csv": 4,
    "modern_written_later.csv": 0,
    "modern_written_air.csv": 0,
    "modern_written_tone.csv": 0,
}
EVALUATION_DATA = ROOT / "evaluation_data"
MODEL_TESTS = ROOT / "tests" / "model"
# Tweets in 2015-2025 language written to choose a threshold on (the eighteenth rule), never
# trained on -> (domains, rows asked per domain and label, rows dropped as close to an evaluation
# tweet or a written training row).
LATER_VALIDATION = ROOT / "training_data" / "later_validation.csv"
LATER_VALIDATION_SHAPE = (3, 80, 8)


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings_in(v)]
    return []


def evaluation_texts(data_dir: Path) -> set[str]:
    """Every string of the behaviour suites (case files and test modules) and the manual set."""
    texts = [s for path in MODEL_TESTS.glob("cases/*.json") for s in _strings_in(json.loads(path.read_text()))]
    for module in MODEL_TESTS.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        texts += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    texts += data.load_manual_test(data_dir / data.MANUAL_FILE)["text"].tolist()
    return {normalize_tweet(t) for t in texts if len(t.split()) >= 3}


@pytest.fixture(scope="module")
def handwritten() -> pd.DataFrame:
    return data.load_extra_labelled(HANDWRITTEN)


def test_the_handwritten_set_is_balanced_and_unique(handwritten):
    assert len(handwritten) == 320 and handwritten["text"].is_unique
    assert handwritten["label"].value_counts().to_dict() == {0: 160, 1: 160}


def test_no_handwritten_tweet_is_an_evaluation_tweet(handwritten, data_dir):
    overlap = {normalize_tweet(t) for t in handwritten["text"]} & evaluation_texts(data_dir)
    assert not overlap


@pytest.fixture(scope="module")
def modern_sets() -> dict[str, pd.DataFrame]:
    return {name: data.load_extra_labelled(EVALUATION_DATA / f"{name}.csv") for name in MODERN_SETS}


@pytest.mark.parametrize("name", MODERN_SETS)
def test_each_modern_evaluation_set_is_balanced_unique_and_not_training_data(handwritten, modern_sets, name):
    modern = modern_sets[name]
    half = len(modern) // 2
    assert half >= 100 and modern["text"].is_unique
    assert modern["label"].value_counts().to_dict() == {0: half, 1: half}
    training = {normalize_tweet(t) for t in handwritten["text"]}
    assert not {normalize_tweet(t) for t in modern["text"]} & training


def test_the_modern_evaluation_sets_do_not_share_a_tweet(modern_sets):
    seen: set[str] = set()
    for name, modern in modern_sets.items():
        texts = {normalize_tweet(t) for t in modern["text"]}
        assert not texts & seen, name
        seen |= texts


@pytest.fixture(scope="module", params=sorted(WRITTEN_FILES))
def modern_written(request) -> pd.DataFrame:
    path = ROOT / "training_data" / request.param
    frame = pd.read_csv(path, dtype={"text": str}, keep_default_na=False, encoding="utf-8")
    written = data.load_extra_labelled(path).assign(domain=frame["domain"])
    written.attrs["file"] = request.param
    return written


def test_the_written_modern_rows_are_balanced_in_every_domain_and_unique(modern_written):
    counts = modern_written.groupby(["domain", "label"]).size()
    domains, per_domain_and_label, dropped = WRITTEN_FILES[modern_written.attrs["file"]]
    assert len(counts) == 2 * domains
    assert (counts <= per_domain_and_label).all() and counts.sum() == len(counts) * per_domain_and_label - dropped
    assert len({normalize_tweet(t) for t in modern_written["text"]}) == len(modern_written)


@pytest.fixture(scope="module")
def hand_labelled_evaluation_texts(modern_sets, handwritten, data_dir) -> list[str]:
    """The evaluation tweets the fourteenth rule names: behaviour suites, manual set, evaluation_data/, airline set."""
    frames = [*modern_sets.values(), handwritten]
    return sorted(evaluation_texts(data_dir) | {normalize_tweet(t) for f in frames for t in f["text"]})


@pytest.fixture(scope="module")
def held_out_and_evaluation_texts(hand_labelled_evaluation_texts, data_dir) -> set[str]:
    """Every text a written row must not be: the hand-labelled evaluation tweets (the airline set is
    evaluation data for every model that trains on the written rows), validation and test."""
    splits = data.build_splits(data_dir)
    held_out = {normalize_tweet(t) for f in (splits.validation, splits.test) for t in f["text"]}
    return set(hand_labelled_evaluation_texts) | held_out


def test_no_written_modern_row_is_an_evaluation_or_held_out_tweet(modern_written, held_out_and_evaluation_texts):
    assert not {normalize_tweet(t) for t in modern_written["text"]} & held_out_and_evaluation_texts


def test_the_written_files_do_not_share_a_tweet():
    texts = {
        name: {normalize_tweet(t) for t in data.load_extra_labelled(ROOT / "training_data" / name)["text"]}
        for name in WRITTEN_FILES
    }
    for first, second in itertools.combinations(texts, 2):
        assert not texts[first] & texts[second], (first, second)


def near_duplicates(texts, others, threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[str, str]]:
    """Pairs (text, other) whose word sets after normalisation have Jaccard >= threshold."""
    words = [set(normalize_tweet(o).split()) for o in others]
    by_word: dict[str, set[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            by_word.setdefault(w, set()).add(i)
    pairs = []
    for text in texts:
        ws = set(normalize_tweet(text).split())
        for i in set().union(*(by_word.get(w, set()) for w in ws)):
            if len(ws & words[i]) / len(ws | words[i]) >= threshold:
                pairs.append((text, others[i]))
    return pairs


def test_near_duplicates_are_found_by_word_overlap():
    assert near_duplicates(["@united thanks for the delay"], ["thanks for the delay @delta", "an other tweet"]) == [
        ("@united thanks for the delay", "thanks for the delay @delta")
    ]
    assert not near_duplicates(["thanks for the delay"], ["thanks for nothing at all today"])


def test_written_rows_close_to_an_evaluation_tweet_are_the_ones_readme_counts(
    modern_written, hand_labelled_evaluation_texts
):
    close = near_duplicates(modern_written["text"].tolist(), hand_labelled_evaluation_texts)
    assert len(close) == NEAR_DUPLICATES_KNOWN[modern_written.attrs["file"]], close


@pytest.fixture(scope="module")
def later_validation() -> pd.DataFrame:
    frame = pd.read_csv(LATER_VALIDATION, dtype={"text": str}, keep_default_na=False, encoding="utf-8")
    return data.load_extra_labelled(LATER_VALIDATION).assign(domain=frame["domain"])


def test_the_later_validation_set_is_balanced_in_every_domain_and_unique(later_validation):
    counts = later_validation.groupby(["domain", "label"]).size()
    domains, per_domain_and_label, dropped = LATER_VALIDATION_SHAPE
    assert len(counts) == 2 * domains
    assert (counts <= per_domain_and_label).all() and counts.sum() == len(counts) * per_domain_and_label - dropped
    assert len({normalize_tweet(t) for t in later_validation["text"]}) == len(later_validation)


def test_the_later_validation_set_is_neither_training_nor_evaluation_data(
    later_validation, held_out_and_evaluation_texts, hand_labelled_evaluation_texts
):
    texts = later_validation["text"].tolist()
    assert not {normalize_tweet(t) for t in texts} & held_out_and_evaluation_texts
    written = sorted(
        {normalize_tweet(t) for name in WRITTEN_FILES for t in pd.read_csv(ROOT / "training_data" / name)["text"]}
    )
    # the rule dropped every row close to either before any model scored the set
    assert not near_duplicates(texts, hand_labelled_evaluation_texts)
    assert not near_duplicates(texts, written)
