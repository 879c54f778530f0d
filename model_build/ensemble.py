"""`ensemble`: students of one recipe averaged into one model, tracked like any trained run.

    python -m model_build ensemble --member <run folder> --member <run folder> [data options] \\
        --output-dir artifacts/ensemble

Each member is a `distill` (or `train fasttext-lstm`) output folder. The members must share their
tokenizer file byte for byte and their splits (each run.json `data` must equal the description of
the splits this command builds from the same data options), so one encoding feeds every member.
The result is one Keras model, `student_ensemble`, whose output is the mean of its members'
P(positive). It is written with the shared tokenizer into `<output dir>/fasttext_lstm_ensemble/`
and scored on validation, test and manual by the tracked-run code of `train` and `distill`. The
threshold is chosen on validation for the mean. `export` then reads the folder like any run, and
the served graph holds every member.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model_build.lstm import ENSEMBLE_NAME, INPUT_NAME, MEMBER_PREFIX, OUTPUT_NAME
from model_build.tracked_run import (
    FittedModel,
    SplitMismatch,
    TrackedRun,
    TrackingSettings,
    check_rebuilt_splits,
    data_fingerprint,
    run_tracked,
)

FAMILY = "fasttext-lstm-ensemble"
MEMBER_FILES = ("run.json", "model.keras", "tokenizer.json")


class EnsembleError(ValueError):
    """The members cannot be averaged into one served graph."""


@dataclass(frozen=True)
class Member:
    folder: Path
    run: dict[str, Any]

    @property
    def summary(self) -> dict[str, Any]:
        """What the ensemble's run.json and model card say of this member."""
        metrics = self.run["metrics"]
        return {
            "run_id": self.run["run_id"],
            "model_seed": self.run["params"].get("seed"),
            **{
                k: round(float(metrics[k]), 5)
                for k in ("threshold", "validation_log_loss", "test_accuracy", "manual_accuracy")
                if k in metrics
            },
        }


def register(subparsers) -> None:
    from model_build.train import DEFAULT_OUTPUT_DIR, add_data_options

    parser = subparsers.add_parser(
        "ensemble", help="average trained students of one recipe into one model (one tracked run)"
    )
    parser.add_argument(
        "--member",
        type=Path,
        action="append",
        required=True,
        help="a run folder (run.json, model.keras, tokenizer.json); at least two",
    )
    add_data_options(parser)
    parser.add_argument(
        "--tracking-uri", default=None, help="MLflow URI (default: $MLFLOW_TRACKING_URI or sqlite:///mlflow.db)"
    )
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.set_defaults(handler=run_from_args)


def read_members(folders: Sequence[Path]) -> list[Member]:
    """The members' run records, once every member is shown to read tweets the same way."""
    if len(folders) < 2:
        raise EnsembleError("an ensemble needs at least two members")
    for folder in folders:
        missing = [name for name in MEMBER_FILES if not (Path(folder) / name).is_file()]
        if missing:
            raise EnsembleError(f"{folder} lacks {', '.join(missing)}")
    members = [Member(Path(f), json.loads((Path(f) / "run.json").read_text(encoding="utf-8"))) for f in folders]
    if len({(m.folder / "tokenizer.json").read_bytes() for m in members}) != 1:
        raise EnsembleError("the members' tokenizer files differ: one encoding cannot feed them all")
    if len({data_fingerprint(m.run["data"]) for m in members}) != 1:
        raise EnsembleError("the members were trained on different data or splits")
    if len({m.run["run_id"] for m in members}) != len(members):
        raise EnsembleError("a member is given twice")
    return members


def check_same_splits(members: Sequence[Member], description: dict) -> None:
    """The splits built here are the members' own (the threshold is chosen on their validation)."""
    try:
        check_rebuilt_splits(members[0].run["data"], description)
    except SplitMismatch as error:
        raise EnsembleError(str(error)) from None


def build_ensemble(models: Sequence[Any]):
    """One Keras model: every member reads the same token ids; the output is their mean."""
    import keras

    for index, model in enumerate(models, 1):
        model.name = f"{MEMBER_PREFIX}{index}"
    token_ids = keras.Input(shape=tuple(models[0].input_shape[1:]), dtype="int32", name=INPUT_NAME)
    probability = keras.layers.Average(name=OUTPUT_NAME)([model(token_ids) for model in models])
    return keras.Model(token_ids, probability, name=ENSEMBLE_NAME)


@dataclass
class EnsembleModel:
    """The fitted ensemble in the shape train's Keras logger reads (model, tokenizer)."""

    model: Any
    tokenizer: Any

    def score(self, texts: Sequence[str]) -> np.ndarray:
        from model_build.lstm import score_tweets

        return score_tweets(self.model, self.tokenizer, texts)


def ensemble_params(members: Sequence[Member]) -> dict[str, Any]:
    """The members' shared hyper-parameters; the seeds and runs that differ, listed."""
    params = dict(members[0].run["params"])
    params.update(
        seed=",".join(str(m.run["params"].get("seed")) for m in members),
        ensemble_members=len(members),
        ensemble_combination="mean of P(positive)",
        ensemble_member_runs=",".join(m.run["run_id"] for m in members),
    )
    return params


def fit_ensemble(members: Sequence[Member], folder: Path) -> FittedModel:
    from model_build.lstm import load_run_model
    from model_build.train import keras_logger
    from predict.tokenizer import TweetTokenizer

    model = build_ensemble([load_run_model(m.folder) for m in members])
    model.save(folder / "model.keras")
    shutil.copyfile(members[0].folder / "tokenizer.json", folder / "tokenizer.json")
    fitted = EnsembleModel(model, TweetTokenizer.load(folder / "tokenizer.json"))
    extra = {
        # what the ensemble cost to train: its members' training
        "training_seconds": sum(float(m.run["metrics"]["training_seconds"]) for m in members),
        "vocabulary_size": len(fitted.tokenizer.vocabulary),
    }
    if "vector_coverage" in members[0].run["metrics"]:
        extra["vector_coverage"] = members[0].run["metrics"]["vector_coverage"]
    return FittedModel(fitted.score, ensemble_params(members), keras_logger(fitted), extra, fitted)


def ensemble_record(members: Sequence[Member]) -> dict[str, Any]:
    return {"combination": "mean of the members' P(positive)", "members": [m.summary for m in members]}


def run_from_args(args: argparse.Namespace) -> dict:
    from model_build.train import SplitSettings

    members = read_members(args.member)
    splits = SplitSettings.from_args(args).build()
    check_same_splits(members, splits.description)
    first = members[0].run
    summary: dict[str, Any] = {"ensemble": ensemble_record(members)}
    if "distillation" in first:
        from model_build.distill import DECISION_RULE

        # the members' record; the rule is the one this ensemble is judged under
        summary["distillation"] = {**first["distillation"], "decision_rule": DECISION_RULE}
    run = TrackedRun(
        family=FAMILY,
        display_name=f"{first['display_name']}, mean of {len(members)} seeds",
        fit=lambda folder: fit_ensemble(members, folder),
        tags={"ensemble_member_runs": ",".join(m.run["run_id"] for m in members)},
        summary=summary,
    )
    return run_tracked(run, splits, TrackingSettings.from_args(args))
