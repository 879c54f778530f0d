"""The unknown-word stresses of `robustness`: words made unseen at the asked rate, made-up words
replacing them, ranks deciding the shrunken vocabulary, and the committed artefact through all."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model_build import robustness
from predict.model import load_model_artifact
from predict.tokenizer import UNSEEN_PREFIX, TweetTokenizer

ARTEFACT = Path(__file__).resolve().parents[2] / "onnx_models" / "fasttext_lstm"


def test_making_words_unseen_follows_the_rate_and_keeps_the_words():
    rng = np.random.default_rng(0)
    text = " ".join(f"w{i}" for i in range(40))
    stressed = [robustness.make_unseen(text, 0.3, rng).split() for _ in range(200)]
    marked = [t.startswith(UNSEEN_PREFIX) for tokens in stressed for t in tokens]
    assert 0.27 < np.mean(marked) < 0.33
    assert all(t.removeprefix(UNSEEN_PREFIX) == f"w{i}" for tokens in stressed for i, t in enumerate(tokens))
    assert robustness.make_unseen(text, 0.0, rng) == text


def test_made_up_words_replace_the_chosen_words():
    rng = np.random.default_rng(1)
    stressed = robustness.make_unseen("good flight crew", 1.0, rng, madeup=True).split()
    assert all(t.startswith(UNSEEN_PREFIX) for t in stressed)
    assert not {t.removeprefix(UNSEEN_PREFIX) for t in stressed} & {"good", "flight", "crew"}


def test_shrinking_the_vocabulary_keeps_only_the_most_frequent_words():
    tokenizer = TweetTokenizer(vocabulary=("<pad>", "<oov>", "a", "b", "c", "d"))
    assert robustness.shrink_vocabulary("a b c d zz", tokenizer, keep=2).split() == [
        "a",
        "b",
        *(UNSEEN_PREFIX + w for w in ("c", "d", "zz")),
    ]


def test_the_committed_model_runs_through_every_stress():
    model = load_model_artifact(ARTEFACT)
    texts = [
        "worst flight ever, lost my bag and nobody helped",
        "thank you so much, lovely crew",
        "i hate delays",
        "what a great day, love it",
    ] * 5
    labels = np.array([0, 1, 0, 1] * 5)
    result = robustness.stressed_accuracies(model, texts, labels)
    assert result["mask_0.0"] == 1.0
    assert result["vocabulary_2000"] <= 1.0 and 0.0 <= result["oov_token_share"] < 0.1
    assert set(result) >= {"mask_0.3", "madeup_0.3", "vocabulary_5000"}
