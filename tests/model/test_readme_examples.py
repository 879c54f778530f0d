"""The README's API examples are what the served model answers: the fields it shows, and the
probabilities it prints. A new model that is not written back into the README fails here.

The int8 graph is deterministic on one machine, not across processors: onnxruntime picks its
integer kernels by instruction set, and on a processor with AVX-512 VNNI the README's 0.053128
(written on one without) comes out 0.052097. So probabilities are compared within PRINTED_TOLERANCE,
far below what separates two trained models, and the label must be the printed one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from predict.model import load_model_artifact

README = Path(__file__).resolve().parents[2] / "README.md"
ARTIFACT = Path(__file__).resolve().parents[2] / "onnx_models" / "fasttext_lstm"
PRINTED_TOLERANCE = 0.005


@pytest.fixture(scope="module")
def api_block() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## The API", 1)[1].split("```bash", 1)[1].split("```", 1)[0]


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(ARTIFACT)


def printed(pattern: str, block: str) -> list[str]:
    return re.findall(pattern, block)


def test_single_prediction_example_is_what_the_model_answers(api_block, model):
    body = json.loads(re.search(r"-d '(\{\"text\": .*?\})'", api_block).group(1))
    shown = float(printed(r'"probability": ([0-9.]+)', api_block)[0])
    probability = float(model.predict_proba([body["text"]])[0])
    assert shown == pytest.approx(probability, abs=PRINTED_TOLERANCE)
    assert f'"threshold": {model.threshold}' in api_block
    expected = "negative" if probability < model.threshold else "positive"
    assert f'"sentiment": "{expected}"' in api_block.split('-d \'{"texts"')[0]


def test_batch_example_is_what_the_model_answers(api_block, model):
    body = json.loads(re.search(r"-d '(\{\"texts\": .*?\})'", api_block).group(1))
    batch_part = api_block.split('-d \'{"texts"', 1)[1].split("feedback", 1)[0]
    shown = [float(p) for p in printed(r'"probability": ([0-9.]+)', batch_part)]
    assert shown == pytest.approx([float(p) for p in model.predict_proba(body["texts"])], abs=PRINTED_TOLERANCE)


def test_every_example_names_the_served_version_and_threshold(api_block, model):
    versions = set(printed(r'"model_version": "([^"]+)"', api_block))
    assert versions == {model.version}
    thresholds = {float(t) for t in printed(r'"threshold": ([0-9.]+)', api_block)}
    assert thresholds == {model.threshold}
    normalizations = set(printed(r'"normalization_version": "([^"]+)"', api_block))
    assert normalizations == {model.tokenizer.normalization_version}
