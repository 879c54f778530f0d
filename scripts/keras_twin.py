"""Rebuild the served model's Keras twin from its fp32 ONNX weights, for the benchmark's
TensorFlow row when the training run's model.keras is not on this machine.

    .venv-train/bin/python scripts/keras_twin.py [--model-dir onnx_models/fasttext_lstm] [--out artifacts/keras_twin]
    .venv-train/bin/python -m bench cold-start --keras-file artifacts/keras_twin/model.keras

The Keras graph is built by training's own `build_lstm` from the card's hyper-parameters; every
weight comes from model.onnx (tf2onnx keeps them as initialisers; the LSTM's gates are reordered
from ONNX's i, o, f, c to Keras's i, f, c, o). The twin must agree with model.onnx within export's
parity limit on the test split, or nothing is written. `run.json` beside it names the card's run,
which is what the benchmark checks before measuring a .keras file as the deployed model's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def onnx_weights(model_path: Path, vocabulary_size: int, dim: int, buckets: int, units: int) -> dict[str, Any]:
    """The served graph's weights, found by shape and by the LSTM node's inputs, not by the
    names tf2onnx happened to give them. A bidirectional LSTM is one ONNX node whose weights
    hold the forward direction first, then the backward one."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(model_path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    (lstm,) = [node for node in graph.node if node.op_type == "LSTM"]
    w, r, b = (arrays[name] for name in lstm.input[1:4])

    def only(shape: tuple[int, ...]) -> np.ndarray:
        found = [a for a in arrays.values() if a.shape == shape and a.dtype == np.float32]
        if len(found) != 1:
            raise SystemExit(f"expected one float initialiser of shape {shape} in {model_path}, found {len(found)}")
        return found[0]

    def keras_gates(onnx_rows: np.ndarray) -> np.ndarray:
        i, o, f, c = np.split(onnx_rows, 4, axis=0)
        return np.concatenate([i, f, c, o], axis=0)

    def direction(d: int) -> list[np.ndarray]:  # Keras: kernel, recurrent kernel, bias
        return [keras_gates(w[d]).T, keras_gates(r[d]).T, keras_gates(b[d, : 4 * units] + b[d, 4 * units :])]

    dense_kernel, dense_bias = _output_layer(graph, arrays)
    return {
        "words": only((vocabulary_size, dim)),
        "ngrams": only((buckets + 1, dim)),
        "projection": only((dim, dim)),
        "recurrent": [array for d in range(len(w)) for array in direction(d)],
        "dense_kernel": dense_kernel,
        "dense_bias": dense_bias,
    }


def _output_layer(graph, arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Dense(1, sigmoid) read back from Sigmoid(MatMul(x, kernel) [+ bias]); tf2onnx drops the
    Add when the bias is zero."""
    producer = {output: node for node in graph.node for output in node.output}
    (sigmoid,) = [node for node in graph.node if node.op_type == "Sigmoid"]
    node = producer[sigmoid.input[0]]
    bias = np.zeros((1,), np.float32)
    if node.op_type == "Add":
        (bias_name,) = [name for name in node.input if name in arrays]
        bias = arrays[bias_name].reshape(1)
        (node,) = [producer[name] for name in node.input if name not in arrays]
    (kernel_name,) = [name for name in node.input if name in arrays]
    return arrays[kernel_name], bias


def build_twin(model_dir: Path):
    from model_build.lstm import LstmSettings, SubwordTables, build_lstm

    card = json.loads((model_dir / "model_card.json").read_text(encoding="utf-8"))
    params = card["hyperparameters"]
    fields = {k: v for k, v in params.items() if k in LstmSettings.__dataclass_fields__}
    settings = LstmSettings(**{**fields, "unseen_rate": tuple(fields["unseen_rate"])})
    vocabulary_size, dim = card["tokenizer"]["vocabulary_size"], params["embedding_dim"]
    weights = onnx_weights(model_dir / "model.onnx", vocabulary_size, dim, settings.subword_buckets, settings.units)
    # unseen_means is read only while training (the served form computes them from n-gram ids)
    tables = SubwordTables(ngram_table=weights["ngrams"][1:], unseen_means=np.zeros((1, dim), np.float32))
    model = build_lstm(weights["words"], settings, tables)
    model.get_layer("embedding").projection.assign(weights["projection"])
    head = model.get_layer("head")
    # the LSTM, or Bidirectional(LSTM): the layer after SpatialDropout1D (model_build/lstm.py `_head`)
    head.layers[1].set_weights(weights["recurrent"])
    head.get_layer("probability").set_weights([weights["dense_kernel"], weights["dense_bias"]])
    return model, card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=ROOT / "onnx_models" / "fasttext_lstm")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "keras_twin")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "sentiment140")
    args = parser.parse_args(argv)

    from model_build.data import build_splits
    from model_build.export import MAX_PARITY_DIFF, onnx_session, parity
    from predict.normalize import normalize_tweet
    from predict.tokenizer import TweetTokenizer

    model, card = build_twin(args.model_dir)
    tokenizer = TweetTokenizer.load(args.model_dir / "tokenizer.json")
    test = [normalize_tweet(t) for t in build_splits(args.data_dir).test.text]
    max_diff = parity(model, tokenizer, onnx_session(args.model_dir / "model.onnx"), test)
    print(f"parity: max |keras twin - model.onnx| = {max_diff:.2e} on {len(test)} test tweets")
    if max_diff > MAX_PARITY_DIFF:
        print(f"above {MAX_PARITY_DIFF}: not written", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / "model.keras")
    note = {
        "run_id": card["mlflow"]["run_id"],
        "model": f"{card['name']}@{card['version']}",
        "rebuilt_by": "scripts/keras_twin.py from model.onnx (fp32)",
        "parity_max_abs_diff": max_diff,
        "parity_tweets": len(test),
    }
    (args.out / "run.json").write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out / 'model.keras'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
