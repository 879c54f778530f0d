"""Load a committed model artefact (onnx_models/<name>/) and score tweets with onnxruntime.

Only onnxruntime and NumPy: no training library is ever imported on the serving path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from predict.drift import DriftSignals, drift_from_encoded
from predict.normalize import NORMALIZATION_VERSION
from predict.tokenizer import SUBWORD_IDS, TOKEN_IDS, EncodedBatch, TweetTokenizer

TOKENIZER_FILE = "tokenizer.json"
MODEL_CARD_FILE = "model_card.json"
DEFAULT_MODEL_FILE = "model.onnx"

_ONNX_INT_TYPES = {"tensor(int32)": np.int32, "tensor(int64)": np.int64}


class ModelArtifactError(RuntimeError):
    """The artefact folder is missing a file or disagrees with itself or with this code."""


@dataclass
class SentimentModel:
    session: ort.InferenceSession
    tokenizer: TweetTokenizer
    card: dict[str, Any]
    input_names: tuple[str, ...]  # token_ids, and subword_ids for a format-2 tokenizer
    input_dtype: type

    @property
    def version(self) -> str:
        """`<name>@<version>` as the HTTP contract reports it."""
        return f"{self.card['name']}@{self.card['version']}"

    @property
    def threshold(self) -> float:
        return float(self.card.get("threshold", 0.5))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(positive) for each raw tweet, shape [len(texts)]."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return self.run(self.tokenizer.feeds(texts, dtype=self.input_dtype))

    def predict_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, EncodedBatch]:
        """`predict_proba`, plus what the encoder counted per tweet (tokens, unknown, truncated)."""
        encoded = self.tokenizer.encode_batch(texts, dtype=self.input_dtype)
        return self.run(encoded.feeds), encoded

    def score(self, texts: Sequence[str]) -> tuple[np.ndarray, DriftSignals]:
        """P(positive) of each raw tweet and its drift signals (predict/drift.py), from one encoding."""
        probabilities, encoded = self.predict_batch(texts)
        return probabilities, drift_from_encoded(encoded)

    def run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """P(positive) for already encoded inputs (`tokenizer.feeds`), shape [batch]."""
        (probabilities,) = self.session.run(None, feeds)
        return np.asarray(np.clip(np.asarray(probabilities).reshape(-1).astype(np.float32), 0.0, 1.0))


def _session_options(intra_op_threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    # Measured here: one thread beat two at batch 1 and 64; a Flex Consumption instance is small.
    options.intra_op_num_threads = intra_op_threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


def load_model_artifact(folder: Path | str, intra_op_threads: int = 1) -> SentimentModel:
    """Read model card, tokenizer and ONNX graph from one artefact folder."""
    folder = Path(folder)
    card_path, tokenizer_path = folder / MODEL_CARD_FILE, folder / TOKENIZER_FILE
    for required in (card_path, tokenizer_path):
        if not required.is_file():
            raise ModelArtifactError(f"{required} is missing")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    model_path = folder / card.get("serving_model", DEFAULT_MODEL_FILE)
    if not model_path.is_file():
        raise ModelArtifactError(f"{model_path} is missing")

    tokenizer = TweetTokenizer.load(tokenizer_path)
    if tokenizer.normalization_version != NORMALIZATION_VERSION:
        raise ModelArtifactError(
            f"{folder.name} was trained with text normalisation v{tokenizer.normalization_version}"
            f" but this code implements v{NORMALIZATION_VERSION}; retrain or export it again"
        )

    session = ort.InferenceSession(
        str(model_path),
        sess_options=_session_options(intra_op_threads),
        providers=["CPUExecutionProvider"],
    )
    inputs = session.get_inputs()
    expected = (TOKEN_IDS,) if tokenizer.subwords is None else (TOKEN_IDS, SUBWORD_IDS)
    if tuple(i.name for i in inputs) != expected:
        raise ModelArtifactError(
            f"{model_path}: inputs {[i.name for i in inputs]}, but its tokenizer produces {list(expected)}"
        )
    types = {i.type for i in inputs}
    if len(types) != 1 or not types <= _ONNX_INT_TYPES.keys():
        raise ModelArtifactError(f"{model_path}: inputs must be integer ids, not {types}")
    return SentimentModel(
        session=session,
        tokenizer=tokenizer,
        card=card,
        input_names=expected,
        input_dtype=_ONNX_INT_TYPES[types.pop()],
    )
