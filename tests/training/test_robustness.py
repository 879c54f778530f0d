"""The unknown-word stresses of `robustness`: only real tokens are masked, ranks decide the
shrunken vocabulary, and the committed artefact runs through both."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model_build import robustness
from predict.model import load_model_artifact

ARTEFACT = Path(__file__).resolve().parents[2] / "onnx_models" / "fasttext_lstm"


def test_masking_spares_padding_and_follows_the_rate():
    ids = np.tile(np.r_[np.zeros(10, np.int32), np.arange(2, 42, dtype=np.int32)], (200, 1))
    masked = robustness.mask_ids(ids, 0.3, 1, np.random.default_rng(0))
    assert masked.dtype == ids.dtype
    assert (masked[:, :10] == 0).all()
    assert 0.27 < np.mean(masked[:, 10:] == 1) < 0.33
    assert (robustness.mask_ids(ids, 0.0, 1, np.random.default_rng(0)) == ids).all()


def test_shrinking_the_vocabulary_keeps_only_the_most_frequent_ids():
    ids = np.array([[0, 1, 2, 3, 4, 5]], dtype=np.int64)
    assert robustness.shrink_vocabulary(ids, keep=2, oov_id=1).tolist() == [[0, 1, 2, 3, 1, 1]]


def test_the_committed_model_runs_through_every_stress():
    model = load_model_artifact(ARTEFACT)
    texts = ["worst flight ever, lost my bag and nobody helped", "thank you so much, lovely crew",
             "i hate delays", "what a great day, love it"] * 5
    labels = np.array([0, 1, 0, 1] * 5)
    result = robustness.stressed_accuracies(model, texts, labels)
    assert result["mask_0.0"] == 1.0
    assert result["vocabulary_2000"] <= 1.0 and 0.0 <= result["oov_token_share"] < 0.1
    assert set(result) >= {"mask_0.3", "vocabulary_5000"}
