"""The committed artefact (onnx_models/fasttext_lstm/) agrees with its model card and with serving.

Serving-side test: onnxruntime and NumPy only, no TensorFlow.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

from predict.model import load_model_artifact
from predict.normalize import NORMALIZATION_VERSION
from predict.tokenizer import TweetTokenizer

ARTIFACT = Path(__file__).resolve().parents[2] / "onnx_models" / "fasttext_lstm"
ONNX_TYPES = {onnx.TensorProto.INT32: "int32", onnx.TensorProto.INT64: "int64", onnx.TensorProto.FLOAT: "float32"}


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads((ARTIFACT / "model_card.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(ARTIFACT)


def _io(graph_io) -> tuple[str, str, list]:
    tensor = graph_io.type.tensor_type
    shape = [d.dim_value if d.dim_value else "batch" for d in tensor.shape.dim]
    return graph_io.name, ONNX_TYPES[tensor.elem_type], shape


@pytest.mark.parametrize("file_name", ["model.onnx", "serving"])
def test_onnx_inputs_and_outputs_match_the_card(card, file_name):
    path = ARTIFACT / (card["serving_model"] if file_name == "serving" else file_name)
    graph = onnx.load(str(path)).graph
    (graph_input, *subword_input), (graph_output,) = graph.input, graph.output
    assert _io(graph_input) == (card["input"]["name"], card["input"]["dtype"], card["input"]["shape"])
    if "subword_input" in card:  # tokenizer format 2: unseen words' FastText n-gram buckets
        (subwords,) = subword_input
        name, dtype, shape = _io(subwords)
        assert (name, dtype, len(shape)) == (card["subword_input"]["name"], card["subword_input"]["dtype"], 2)
    else:
        assert subword_input == []
    assert _io(graph_output) == (card["output"]["name"], card["output"]["dtype"], card["output"]["shape"])
    assert any(op.version == card["onnx_opset"] for op in onnx.load(str(path)).opset_import)


def test_tokenizer_matches_the_card_and_this_code(card):
    tokenizer = TweetTokenizer.load(ARTIFACT / "tokenizer.json")
    assert tokenizer.normalization_version == NORMALIZATION_VERSION == card["normalization_version"]
    assert tokenizer.max_length == card["input"]["shape"][1] == card["tokenizer"]["max_length"]
    assert len(tokenizer.vocabulary) == card["tokenizer"]["vocabulary_size"]
    assert tokenizer.padding == card["input"]["padding"] == "pre"


def test_card_is_complete(card):
    assert card["name"] == "fasttext_lstm" and isinstance(card["version"], str)
    assert 0.3 <= card["threshold"] <= 0.7 and card["threshold_rule"]
    assert card["parity"]["tweets"] >= 1000 and card["parity"]["max_abs_diff"] <= 1e-4
    assert card["quantisation"]["shipped"] == (card["serving_model"] == "model.int8.onnx")
    assert card["mlflow"]["run_id"] and card["mlflow"]["alias"] == "champion"
    for split in ("validation", "test", "manual"):
        assert set(card["metrics"][split]) == {"accuracy", "f1", "roc_auc", "log_loss"}
    assert {s["file"] for s in card["training_data"]["sources"]} >= {
        "subset_100k_negative.txt.gz",
        "subset_100k_positive.txt.gz",
        "random_union_102k.csv.gz",
    }
    assert all(len(s["sha256"]) == 64 for s in card["training_data"]["sources"])


def test_the_artefact_folder_stays_small_enough_to_deploy():
    # 60 MB: the limit set when FastText n-grams moved into the served graph
    assert sum(p.stat().st_size for p in ARTIFACT.iterdir()) <= 60e6


def test_serving_loads_the_artefact_and_reports_its_version(model, card):
    assert model.version == f"{card['name']}@{card['version']}"
    assert model.threshold == card["threshold"]
    probabilities = model.predict_proba(["I love this airline :)", "worst flight ever, so angry"])
    assert probabilities.shape == (2,) and probabilities.dtype == np.float32
    assert probabilities[0] > 0.5 > probabilities[1]


def test_fp32_and_served_graphs_agree(model, card):
    import onnxruntime as ort

    fp32 = ort.InferenceSession(str(ARTIFACT / "model.onnx"), providers=["CPUExecutionProvider"])
    feeds = model.tokenizer.feeds(["so happy today", "my bag is lost", "meh", ""], dtype=model.input_dtype)
    (reference,) = fp32.run(None, feeds)
    tolerance = 0.02 if card["serving_model"] != "model.onnx" else 1e-6
    assert (
        np.max(np.abs(reference.ravel() - model.predict_proba(["so happy today", "my bag is lost", "meh", ""])))
        <= tolerance
    )


def test_loading_and_scoring_never_import_tensorflow():
    # A fresh interpreter: other test layers in the same session may have imported TensorFlow.
    script = (
        "import sys; from predict.model import load_model_artifact; "
        f"load_model_artifact({str(ARTIFACT)!r}).predict_proba(['hello']); "
        "sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ARTIFACT.parents[1], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
