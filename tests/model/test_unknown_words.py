"""A word the model has never seen must not push a tweet either way.

Over the held-out test split (9,000 tweets of 2009), a fifth of the words of every tweet are
replaced by made-up pseudo-words that no vocabulary holds ("brovatek"). Removing information may
move a prediction, but unknown words must not carry a sentiment of their own: the mean shift in
P(positive) must be near zero and the shifts must not share one sign. fasttext_lstm@4 failed this
(its `<oov>` token had learned to mean "positive": mean shift +0.133, 79% of shifts upward).
"""

from __future__ import annotations

import pytest

from model_build.data import DEFAULT_DATA_DIR, build_splits
from model_build.robustness import unknown_word_shift, with_pseudo_words
from predict.model import load_model_artifact
from predict.normalize import normalize_tweet
from service.settings import get_settings

REPLACED_SHARE = 0.2
MAX_MEAN_SHIFT = 0.01
MAX_ONE_SIGN_SHARE = 0.6  # of the shifts larger than 0.001


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(get_settings().model_dir)


@pytest.fixture(scope="module")
def test_tweets() -> list[str]:
    return [normalize_tweet(t) for t in build_splits(DEFAULT_DATA_DIR).test["text"]]


def test_pseudo_words_are_unknown_to_the_model(model, test_tweets):
    altered = with_pseudo_words(test_tweets[:200], model.tokenizer, REPLACED_SHARE)
    new_words = {w for a, t in zip(altered, test_tweets[:200], strict=True)
                 for w in set(a.split()) - set(t.split())}
    assert new_words and not any(model.tokenizer.is_known(w) for w in new_words)


def test_unknown_words_shift_predictions_neither_way(model, test_tweets):
    result = unknown_word_shift(model, test_tweets, REPLACED_SHARE)
    print(f"mean shift {result['mean_shift']:+.4f}; of {result['moved']} moved, "
          f"{result['up_share']:.1%} upward")
    assert abs(result["mean_shift"]) <= MAX_MEAN_SHIFT
    assert 1 - MAX_ONE_SIGN_SHARE <= result["up_share"] <= MAX_ONE_SIGN_SHARE
