"""scripts/keras_twin.py rebuilds a Keras model from its ONNX export: a tiny FastText-n-gram LSTM
with random weights goes through real TensorFlow → tf2onnx and back, and both Keras models give
the same probabilities (so the LSTM gates are reordered right, not just shaped right)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model_build.export import convert_to_onnx
from model_build.lstm import LstmSettings, SubwordTables, build_lstm, serving_call
from scripts.keras_twin import build_twin

pytestmark = pytest.mark.slow  # TensorFlow and tf2onnx: seconds

VOCABULARY, DIM, BUCKETS, UNITS, LENGTH = 30, 8, 10, 4, 50


@pytest.mark.parametrize(
    ("dense_bias", "bidirectional"),
    [(0.0, False), (0.3, False), (0.3, True)],  # tf2onnx drops the output's Add when it is zero
)
def test_the_twin_rebuilt_from_onnx_answers_as_the_original(tmp_path, dense_bias, bidirectional):
    rng = np.random.default_rng(0)
    settings = LstmSettings(units=UNITS, subword_buckets=BUCKETS, max_length=LENGTH, bidirectional=bidirectional)
    tables = SubwordTables(
        ngram_table=rng.normal(size=(BUCKETS, DIM)).astype(np.float32),
        unseen_means=np.zeros((1, DIM), np.float32),
    )
    original = build_lstm(rng.normal(size=(VOCABULARY, DIM)).astype(np.float32), settings, tables)
    original.get_layer("embedding").projection.assign(rng.normal(size=(DIM, DIM)).astype(np.float32))
    lstm = original.get_layer("head").layers[1]  # the LSTM, or Bidirectional(LSTM)
    lstm.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in lstm.get_weights()])
    dense = original.get_layer("head").get_layer("probability")
    dense.set_weights([dense.get_weights()[0], np.full((1,), dense_bias, np.float32)])
    convert_to_onnx(original, LENGTH, tmp_path / "model.onnx")
    card = {
        "name": "tiny",
        "version": "1",
        "hyperparameters": {**settings.as_params(), "embedding_dim": DIM},
        "tokenizer": {"vocabulary_size": VOCABULARY},
        "mlflow": {"run_id": "tiny-run"},
    }
    (tmp_path / "model_card.json").write_text(json.dumps(card), encoding="utf-8")

    twin, _ = build_twin(tmp_path)

    unseen_words = 5  # ids VOCABULARY.. VOCABULARY + 4 read rows of subword_ids
    token_ids = rng.integers(0, VOCABULARY + unseen_words, size=(16, LENGTH)).astype(np.int32)
    subword_ids = rng.integers(0, BUCKETS + 1, size=(unseen_words, 6)).astype(np.int32)
    expected = np.asarray(serving_call(original, token_ids, subword_ids))
    rebuilt = np.asarray(serving_call(twin, token_ids, subword_ids))
    assert expected.std() > 0.01  # the random weights give probabilities that differ
    np.testing.assert_allclose(rebuilt, expected, atol=1e-5)
