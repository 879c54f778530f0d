"""`rethreshold`: a trained run's threshold chosen again, on the 2009 validation split and a
validation set of later tweets; the model itself is unchanged.

    python -m model_build rethreshold --run-dir <run folder> \\
        --threshold-validation training_data/later_validation.csv [the run's data options]

The command reads a run folder (run.json, model.keras, tokenizer.json, the held-out files) and
rebuilds the run's splits from the same data options. It refuses if the splits differ, or if a
tweet of the extra set is a training row. It scores the validation split and the extra set with
the Keras model, through serving's encoding, as every threshold was chosen so far. The new
threshold has the best MEAN balanced accuracy over the two sets
(`evaluation.choose_threshold_over`). The output is a copy of the folder in `--output-dir`. Its
run.json has the new threshold, every balanced accuracy at it, and a `threshold_choice` block,
which `export` writes into the model card. The same numbers are logged to the run's own MLflow
run, since the model, its registration and its alias do not change.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model_build import data, evaluation, tracking
from model_build.tracked_run import check_rebuilt_splits

RULE = (
    "the best mean of the balanced accuracy on the 2009 validation split and on {file} (grid "
    "0.30-0.70, step 0.005, each set weighing the same whatever its size, ties to the value "
    "nearest 0.5); test, manual and evaluation sets never used"
)
HELD_OUT = ("test", "manual")


class ThresholdSetError(ValueError):
    """The extra validation set cannot be used to choose this run's threshold."""


def register(subparsers) -> None:
    from model_build.train import DEFAULT_OUTPUT_DIR, add_data_options

    parser = subparsers.add_parser(
        "rethreshold", help="choose a run's threshold again on its validation split and a set of later tweets"
    )
    parser.add_argument("--run-dir", type=Path, required=True, help="a run folder (run.json, model.keras, ...)")
    parser.add_argument(
        "--threshold-validation",
        type=Path,
        required=True,
        help="labelled CSV (text, target 0/1) of later tweets that no model trains on",
    )
    add_data_options(parser)
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR / "rethreshold")
    parser.add_argument("--no-mlflow", action="store_true", help="do not log the choice to the run's MLflow run")
    parser.set_defaults(handler=run_from_args)


def run_from_args(args: argparse.Namespace) -> dict:
    from model_build.train import SplitSettings

    run = rethreshold(args.run_dir, args.threshold_validation, SplitSettings.from_args(args).build(), args.output_dir)
    if not args.no_mlflow:
        log_choice(run)
    choice = run["threshold_choice"]
    print(f"threshold {choice['previous_threshold']} → {choice['threshold']}")
    print(json.dumps(choice["sets"], indent=2))
    return run


def rethreshold(run_dir: Path, extra_file: Path, splits: data.DataSplits, output_dir: Path) -> dict:
    """The run folder copied to `output_dir/<its name>` with its threshold chosen again; returns
    the new run.json."""
    from model_build.lstm import load_run_model, score_tweets
    from predict.normalize import normalize_tweet
    from predict.tokenizer import TweetTokenizer

    run_dir = Path(run_dir)
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    check_rebuilt_splits(run["data"], splits.description)
    extra = data.load_extra_labelled(extra_file)
    trained_on = {normalize_tweet(t) for t in splits.train["text"]}
    overlap = [t for t in extra["text"] if normalize_tweet(t) in trained_on]
    if overlap:
        raise ThresholdSetError(f"{len(overlap)} tweets of {extra_file} are training rows, e.g. {overlap[0]!r}")

    model = load_run_model(run_dir)
    tokenizer = TweetTokenizer.load(run_dir / "tokenizer.json")

    def score(texts: list[str]) -> np.ndarray:
        return score_tweets(model, tokenizer, texts)

    sets = {
        "validation": (splits.validation["label"].to_numpy(), score(splits.validation["text"].tolist())),
        Path(extra_file).stem: (extra["label"].to_numpy(), score(extra["text"].tolist())),
    }
    threshold = evaluation.choose_threshold_over(list(sets.values()))
    previous = float(run["metrics"].get("threshold", 0.5))
    run["metrics"] = _metrics_at(run["metrics"], threshold, sets, run_dir)
    run["threshold_choice"] = {
        "rule": RULE.format(file=Path(extra_file).name),
        "previous_threshold": previous,
        "threshold": threshold,
        "sets": {
            name: {
                "tweets": len(labels),
                "positive_share": round(float(np.mean(labels)), 4),
                "balanced_accuracy_at_previous": round(evaluation.balanced_accuracy(labels, p, previous), 5),
                "balanced_accuracy": round(evaluation.balanced_accuracy(labels, p, threshold), 5),
            }
            for name, (labels, p) in sets.items()
        },
        "extra_set_sha256": data.sha256_of(Path(extra_file)),
    }
    target = Path(output_dir) / run_dir.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(run_dir, target)
    tracking.dump_json(run, target / "run.json")
    return run


def _metrics_at(metrics: dict[str, Any], threshold: float, sets: dict, run_dir: Path) -> dict[str, Any]:
    """The run's metrics with the threshold and every balanced accuracy at it; accuracy, F1 and
    the rest are computed at 0.5 and do not move."""
    updated = {**metrics, "threshold": threshold}
    for name, (labels, probabilities) in sets.items():
        key = "validation" if name == "validation" else "later_validation"
        updated[f"{key}_balanced_accuracy"] = evaluation.balanced_accuracy(labels, probabilities, threshold)
    for split in HELD_OUT:
        held = pd.read_parquet(run_dir / f"held_out_{split}.parquet")
        updated[f"{split}_balanced_accuracy"] = evaluation.balanced_accuracy(
            held["label"].to_numpy(), held["probability"].to_numpy(), threshold
        )
    return updated


def log_choice(run: dict) -> None:
    """Into the run's own MLflow run: the threshold and balanced accuracies (a new value in each
    metric's history) and the choice as `threshold_choice.json`."""
    import mlflow

    mlflow.set_tracking_uri(run["tracking_uri"])
    keys = [k for k in run["metrics"] if k == "threshold" or k.endswith("_balanced_accuracy")]
    with mlflow.start_run(run_id=run["run_id"]):
        mlflow.log_metrics({k: float(run["metrics"][k]) for k in keys}, step=1)
        mlflow.log_dict(run["threshold_choice"], "threshold_choice.json")
