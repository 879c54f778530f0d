"""What the drift signals (predict/drift.py) cost at a full batch of 100 tweets, side by side.

    .venv-train/bin/python -m bench.drift_cost [--model-dir onnx_models/fasttext_lstm] [--repeats 300]

Three figures from one run, one thread: `predict_proba` (the path without drift signals),
`score` (the same encoding plus the signals) and the signals alone (token counts, the vectorised
id arithmetic and the per-tweet dimension dictionaries). Printed and written to
bench/drift_cost.json (its own file, so it never collides with bench/results.json).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bench.environment import snapshot
from bench.tweets import SAMPLE_TWEETS
from predict.drift import drift_signals, token_counts
from predict.model import load_model_artifact
from predict.normalize import normalize_tweet
from predict.tokenizer import TOKEN_IDS

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = Path(__file__).resolve().parent / "drift_cost.json"
BATCH = 100


def _median_ms(call, repeats: int) -> float:
    call()  # warm-up
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return round(float(np.median(samples)) * 1000, 4)


def measure(model_dir: Path, repeats: int) -> dict:
    model = load_model_artifact(model_dir)
    texts = [SAMPLE_TWEETS[i % len(SAMPLE_TWEETS)] for i in range(BATCH)]
    normalized = [normalize_tweet(t) for t in texts]
    token_ids = model.tokenizer.feeds_normalized(normalized, dtype=model.input_dtype)[TOKEN_IDS]

    def signals_only():
        drift_signals(token_ids, token_counts(normalized), model.tokenizer).dimensions()

    figures = {
        "predict_proba_ms": _median_ms(lambda: model.predict_proba(texts), repeats),
        "score_with_drift_ms": _median_ms(lambda: model.score(texts), repeats),
        "drift_signals_and_dimensions_ms": _median_ms(signals_only, repeats),
    }
    return {"batch": BATCH, "repeats": repeats, "model": model.version, "median": figures, "environment": snapshot()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.drift_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", type=Path, default=ROOT / "onnx_models" / "fasttext_lstm")
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    result = measure(args.model_dir, args.repeats)
    for name, value in result["median"].items():
        print(f"{name:34s} {value:9.4f} ms (median of {args.repeats}, batch {BATCH})")
    RESULTS_FILE.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
