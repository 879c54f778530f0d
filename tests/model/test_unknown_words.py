"""A word the model has never seen must not push a tweet either way.

Two measures over the held-out test split (9,000 tweets of 2009), with made-up pseudo-words that
no vocabulary holds ("brovatek"):
- replaced: a fifth of each tweet's words become pseudo-words, compared with the same words
  deleted. The mean shift in P(positive) must be near zero and the shifts must not share one
  sign. Against the intact tweet the shift also measures lost information (deleting the words,
  with no unknown word at all, moves @4 by +0.032 and the @5 candidate by +0.026), so the
  comparison is with deletion; the absolute shift is printed beside it.
- inserted: a pseudo-word after a fifth of the words, nothing removed.
Both were revised after the first unknown-word candidate (docs/model.md) and before the second
was trained (model_build/distill.py DECISION_RULE).

fasttext_lstm@4 fails both: its `<oov>` token learned to mean "positive" (replaced against
deleted: +0.101, 94% of shifts upward; inserted: +0.063, 91% upward). The tests are strict
expected failures for @4 (`MODEL_DIR` pointing at it), so a wrongly kept mark is noticed.
fasttext_lstm@5 passes both (+0.003 against deletion, 51% upward; inserted -0.000), and so does
@6, its weights under normalisation v4 (the test tweets hold no emoji), @7 (-0.004 against
deletion; inserted -0.002) and the shipped @8 (-0.001 against deletion; inserted +0.001).
"""

from __future__ import annotations

import json

import pytest

from model_build.data import DEFAULT_DATA_DIR, build_splits
from model_build.robustness import (
    unknown_word_shift,
    with_pseudo_words,
)
from predict.model import MODEL_CARD_FILE, load_model_artifact
from predict.normalize import normalize_tweet
from service.settings import get_settings

REPLACED_SHARE = 0.2
MAX_MEAN_SHIFT = 0.01
MAX_ONE_SIGN_SHARE = 0.6  # of the shifts larger than 0.001
# Shipped before the unknown-word work (issue: tweets after 2009); they fail by design.
KNOWN_TO_FAIL = {"fasttext_lstm@4"}


def served_version() -> str:
    card = json.loads((get_settings().model_dir / MODEL_CARD_FILE).read_text(encoding="utf-8"))
    return f"{card['name']}@{card['version']}"


known_failure = pytest.mark.xfail(
    served_version() in KNOWN_TO_FAIL, strict=True, reason="fasttext_lstm@4's <oov> token leans positive"
)


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(get_settings().model_dir)


@pytest.fixture(scope="module")
def test_tweets() -> list[str]:
    return [normalize_tweet(t) for t in build_splits(DEFAULT_DATA_DIR).test["text"]]


@pytest.fixture(scope="module")
def shifts(model, test_tweets) -> dict:
    """Replaced (against intact and against deleted) and inserted pseudo-words, measured once."""
    return unknown_word_shift(model, test_tweets, REPLACED_SHARE)


def test_pseudo_words_are_unknown_to_the_model(model, test_tweets):
    altered = with_pseudo_words(test_tweets[:200], model.tokenizer, REPLACED_SHARE)
    new_words = {w for a, t in zip(altered, test_tweets[:200], strict=True) for w in set(a.split()) - set(t.split())}
    assert new_words and not any(model.tokenizer.is_known(w) for w in new_words)


@known_failure
def test_replacing_words_by_unknown_ones_shifts_predictions_neither_way(shifts):
    own = shifts["vs_deleted"]
    print(
        f"against deleted: mean shift {own['mean_shift']:+.4f}, {own['up_share']:.1%} of "
        f"{own['moved']} upward; against intact: {shifts['mean_shift']:+.4f}"
    )
    assert abs(own["mean_shift"]) <= MAX_MEAN_SHIFT
    assert 1 - MAX_ONE_SIGN_SHARE <= own["up_share"] <= MAX_ONE_SIGN_SHARE


@known_failure
def test_inserting_unknown_words_shifts_predictions_neither_way(shifts):
    inserted = shifts["inserted"]
    print(f"mean shift {inserted['mean_shift']:+.4f}; of {inserted['moved']} moved, {inserted['up_share']:.1%} upward")
    assert abs(inserted["mean_shift"]) <= MAX_MEAN_SHIFT
    assert 1 - MAX_ONE_SIGN_SHARE <= inserted["up_share"] <= MAX_ONE_SIGN_SHARE
