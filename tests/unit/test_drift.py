"""Drift signals computed from the encoded ids (predict/drift.py), for both tokenizer formats."""

from __future__ import annotations

import numpy as np
import pytest

from predict.drift import (
    DRIFT_FIELDS,
    NORMALIZATION_VERSION_FIELD,
    TOKEN_COUNT,
    TRUNCATED,
    UNKNOWN_WORD_SHARE,
    drift_from_encoded,
    drift_signals,
    token_counts,
)
from predict.normalize import NORMALIZATION_VERSION
from predict.subwords import SubwordSettings
from predict.tokenizer import OOV_TOKEN, PAD_TOKEN, TOKEN_IDS, TweetTokenizer

WORDS = ("the", "flight", "was", "late", "good", "crew")
TEXTS = [
    "the flight was late",
    "the yeet flight was bussin",
    "",
    "rizz gyatt",
    " ".join(["good"] * 49 + ["skibidi"] * 11),
]  # 60 tokens: 49 known, then 1 of 11 unseen read


def tokenizer(subwords: SubwordSettings | None) -> TweetTokenizer:
    return TweetTokenizer(vocabulary=(PAD_TOKEN, OOV_TOKEN, *WORDS), max_length=50, subwords=subwords)


@pytest.mark.parametrize("subwords", [None, SubwordSettings(buckets=100)], ids=["format1", "format2"])
def test_unknown_word_share_counts_the_unseen_tokens_the_model_read(subwords):
    tok = tokenizer(subwords)
    token_ids = tok.feeds_normalized(TEXTS)[TOKEN_IDS]
    signals = drift_signals(token_ids, token_counts(TEXTS), tok)
    expected = [0.0, 2 / 5, 0.0, 1.0, 1 / 50]
    assert signals.unknown_word_share.tolist() == pytest.approx(expected)
    # The same share as the tokenizer's own word-by-word judgement.
    for text, share in zip(TEXTS[:4], expected[:4], strict=True):
        words = text.split()
        assert share == pytest.approx(sum(not tok.is_known(w) for w in words) / max(len(words), 1))


def test_token_count_is_before_truncation_and_truncated_means_over_max_length():
    tok = tokenizer(None)
    texts = [*TEXTS, " ".join(["good"] * 50)]
    signals = drift_signals(tok.encode_normalized(texts), token_counts(texts), tok)
    assert signals.token_count.tolist() == [4, 5, 0, 2, 60, 50]
    assert signals.truncated.tolist() == [False, False, False, False, True, False]


def test_dimensions_are_flat_json_values_under_the_contract_names():
    tok = tokenizer(None)
    (dims, empty) = drift_signals(tok.encode_normalized(TEXTS[1:3]), token_counts(TEXTS[1:3]), tok).dimensions()
    assert tuple(dims) == DRIFT_FIELDS
    assert dims == {
        UNKNOWN_WORD_SHARE: 0.4,
        TOKEN_COUNT: 5,
        TRUNCATED: False,
        NORMALIZATION_VERSION_FIELD: NORMALIZATION_VERSION,
    }
    assert all(type(v) in (float, int, bool, str) for v in dims.values())  # no numpy scalars
    assert empty[UNKNOWN_WORD_SHARE] == 0.0 and empty[TOKEN_COUNT] == 0


def test_a_full_batch_gets_one_share_per_tweet_between_0_and_1():
    """100 tweets x 50 ids, any id including unseen ones past the vocabulary (cost: bench/drift_cost.py)."""
    tok = tokenizer(None)
    ids = np.random.default_rng(0).integers(0, len(tok.vocabulary) + 3, size=(100, 50))
    signals = drift_signals(ids, np.full(100, 50), tok)
    assert signals.unknown_word_share.shape == (100,)
    assert ((signals.unknown_word_share >= 0) & (signals.unknown_word_share <= 1)).all()


@pytest.mark.parametrize("subwords", [None, SubwordSettings(buckets=100)], ids=["format1", "format2"])
def test_the_encoders_counts_give_the_same_signals_as_the_ids(subwords):
    """The served path reads the counts the encoder made (predict.model.score); they must agree
    with the signals recomputed from the ids."""
    tok = tokenizer(subwords)
    from_ids = drift_signals(tok.feeds_normalized(TEXTS)[TOKEN_IDS], token_counts(TEXTS), tok)
    from_encoder = drift_from_encoded(tok.encode_batch_normalized(TEXTS))
    assert from_encoder.dimensions() == from_ids.dimensions()
