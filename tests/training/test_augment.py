"""Transfer-set augmentation: seeded, mask-aware, and never a copy of a real training tweet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model_build import augment
from predict.tokenizer import TweetTokenizer

TWEETS = [
    "my flight got cancelled again and nobody at the desk cared",
    "thank you for the upgrade best crew ever smile",
    "not happy with the lost bag",
    "ok",
]


def test_copies_are_seeded_and_differ_from_every_original():
    settings = augment.AugmentSettings(copies=3, seed=7)
    first = augment.augmented_copies(TWEETS, settings)
    assert first == augment.augmented_copies(TWEETS, settings)
    assert first != augment.augmented_copies(TWEETS, augment.AugmentSettings(copies=3, seed=8))
    assert first and not set(first) & set(TWEETS)
    assert len(first) == len(set(first))
    assert all(any(t != augment.MASK for t in c.split()) for c in first)


def test_masking_rate_and_ngram_lengths_follow_the_settings():
    rng = np.random.default_rng(0)
    tokens = [f"w{i}" for i in range(40)]
    masked = [augment.augment_tokens(tokens, rng, augment.AugmentSettings(p_ngram=0.0)) for _ in range(500)]
    share = np.mean([t == augment.MASK for copy in masked for t in copy])
    assert 0.08 < share < 0.12
    grams = [augment.augment_tokens(tokens, rng, augment.AugmentSettings(p_mask=0.0, p_ngram=1.0)) for _ in range(500)]
    lengths = {len(g) for g in grams}
    assert lengths == {1, 2, 3, 4, 5}
    # an n-gram is a contiguous run of the tweet
    assert all(" ".join(g) in " ".join(tokens) for g in grams)


def test_student_sees_the_oov_id_and_teacher_its_mask_token():
    copy = f"not happy with the {augment.MASK} bag"
    tokenizer = TweetTokenizer.fit(TWEETS, max_words=100, min_count=1, max_length=8)
    ids = tokenizer.ids(copy)
    assert ids[4] == TweetTokenizer.oov_id
    assert ids[5] == tokenizer.ids("bag")[0] != TweetTokenizer.oov_id
    assert augment.for_teacher(copy, "[MASK]") == "not happy with the [MASK] bag"


def test_augmented_rows_keep_only_scored_copies_in_order():
    scores = pd.DataFrame({"text": ["b", "a"], "teacher_probability": [0.2, 0.9]})
    texts, probability = augment.augmented_rows(["a", "c", "b"], scores)
    assert texts == ["a", "b"]
    np.testing.assert_allclose(probability, [0.9, 0.2])
    assert probability.dtype == np.float32
