"""`robustness`: accuracy of exported artefacts when words become unknown, side by side.

Tweets from another year or source reach a fixed vocabulary with some of their words unknown. Two
seeded stresses of the held-out TEST split (never the manual set) stand in for that:
- random masking: each token becomes the out-of-vocabulary id with probability p;
- a smaller vocabulary: only the K most frequent training words stay known, as if the rest had
  never been seen (rare words are the ones a new period brings).

    python -m model_build robustness onnx_models/fasttext_lstm /tmp/candidate --output F.json
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

MASK_RATES = (0.0, 0.1, 0.2, 0.3)
VOCABULARY_SIZES = (20_000, 5_000, 2_000)


def register(subparsers) -> None:
    from model_build.train import add_data_options

    parser = subparsers.add_parser(
        "robustness", help="accuracy of ONNX artefacts on the test split with words made unknown")
    parser.add_argument("artefacts", type=Path, nargs="+", help="onnx_models/<name> folders")
    add_data_options(parser)
    parser.add_argument("--output", type=Path, default=None, help="write the table as JSON")
    parser.set_defaults(handler=run_from_args)


def mask_ids(ids: np.ndarray, rate: float, oov_id: int, rng: np.random.Generator) -> np.ndarray:
    """Each real token (not padding) becomes oov_id with probability `rate`."""
    hit = (rng.random(ids.shape) < rate) & (ids != 0)
    return np.where(hit, oov_id, ids).astype(ids.dtype)


def shrink_vocabulary(ids: np.ndarray, keep: int, oov_id: int) -> np.ndarray:
    """Ids beyond the `keep` most frequent words (ids are frequency ranks after pad and oov)
    become oov_id."""
    return np.where(ids >= keep + 2, oov_id, ids).astype(ids.dtype)


def stressed_accuracies(model, texts: list[str], labels: np.ndarray, seed: int = 42) -> dict:
    ids = model.tokenizer.encode(texts, dtype=model.input_dtype)
    oov = model.tokenizer.oov_id

    def accuracy(batch: np.ndarray) -> float:
        (probability,) = model.session.run(None, {model.input_name: batch})
        return float(np.mean((probability.ravel() >= model.threshold) == labels))

    result = {f"mask_{rate:.1f}": accuracy(mask_ids(ids, rate, oov, np.random.default_rng(seed)))
              for rate in MASK_RATES}
    for size in VOCABULARY_SIZES:
        result[f"vocabulary_{size}"] = accuracy(shrink_vocabulary(ids, size, oov))
    result["oov_token_share"] = float(np.mean(ids[ids != 0] == oov))
    return result


def run_from_args(args) -> int:
    from model_build.train import splits_from_args
    from predict.model import load_model_artifact

    test = splits_from_args(args).test
    labels = test["label"].to_numpy()
    table = {}
    for folder in args.artefacts:
        model = load_model_artifact(folder)
        table[f"{model.version} ({folder})"] = stressed_accuracies(
            model, test["text"].tolist(), labels, seed=args.seed)
    columns = list(next(iter(table.values())))
    print(f"test split, {len(test)} tweets: accuracy with words made unknown")
    print(f"{'model':<48}" + "".join(f"{c:>17}" for c in columns))
    for name, row in table.items():
        print(f"{name:<48}" + "".join(f"{row[c]:>17.4f}" for c in columns))
    if args.output:
        args.output.write_text(json.dumps({"split": "test", "rows": len(test), "seed": args.seed,
                                           "models": table}, indent=2) + "\n", encoding="utf-8")
    return 0
