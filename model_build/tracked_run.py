"""One tracked MLflow run, the path `train` and `distill` share: fit, evaluate, log, keep a copy.

In this order: open the run (tags family, display_name and the command's own); log the data
description; fit (timed); log the params (the fit's, then the command's) and the command's JSON
documents; score validation, test and manual with the same code; log metrics and plots; log the
model; register it as champion only when asked (the release step); write the held-out
probabilities and run.json into `<output dir>/<family with _>/`, and log run.json.
`export`, `compare` and docs/model.md read those files, params and metrics by name.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model_build import data, evaluation, tracking

TIMING_TWEETS = 2000  # test tweets scored one by one for inference_ms_per_tweet


@dataclass(frozen=True)
class TrackingSettings:
    """Where runs are tracked (`--tracking-uri`) and their local copies kept (`--output-dir`)."""

    tracking_uri: str | None
    output_dir: Path

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> TrackingSettings:
        return cls(tracking_uri=args.tracking_uri, output_dir=Path(args.output_dir))


@dataclass(frozen=True)
class FittedModel:
    """What a tracked run needs from any family: how to score texts, what to log, the model."""

    score: Callable[[Sequence[str]], np.ndarray]  # raw tweets -> P(positive)
    params: dict[str, Any]
    log_model: Callable[[], str]  # logs the model to the active MLflow run, returns its path
    extra: dict[str, Any]  # extra metrics (vector coverage, epochs run, ...)
    model: Any


@dataclass(frozen=True)
class TrackedRun:
    """One command's run: its name, how it fits, and what it records beyond the shared steps."""

    family: str  # run name, `family` tag, run.json family; the run folder is this with "_"
    display_name: str
    fit: Callable[[Path], FittedModel]  # run folder -> fitted model (which saves its files there)
    tags: dict[str, str] = field(default_factory=dict)  # after family and display_name
    params: dict[str, Any] = field(default_factory=dict)  # after the fit's params
    documents: dict[str, dict] = field(default_factory=dict)  # artefact name -> JSON, logged after params
    metrics: dict[str, float] = field(default_factory=dict)  # measured outside the fit, after training_seconds
    summary: dict[str, Any] = field(default_factory=dict)  # run.json fields after "data"
    register_champion: bool = False


def run_dir(output_dir: Path, family: str) -> Path:
    return Path(output_dir) / family.replace("-", "_")


def run_tracked(run: TrackedRun, splits: data.DataSplits, settings: TrackingSettings) -> dict:
    """Fit and evaluate as one MLflow run; return the summary also written to run.json."""
    import mlflow

    folder = run_dir(settings.output_dir, run.family)
    folder.mkdir(parents=True, exist_ok=True)
    tags = {"family": run.family, "display_name": run.display_name, **run.tags}
    with tracking.start_run(settings.tracking_uri, run_name=run.family, tags=tags) as active:
        tracking.log_data_description(splits.description)
        started = time.perf_counter()
        fitted = run.fit(folder)
        training_seconds = time.perf_counter() - started
        params = {**fitted.params, **run.params}
        mlflow.log_params({k: str(v) for k, v in params.items()})
        for name, document in run.documents.items():
            mlflow.log_dict(document, name)

        metrics, probabilities, images = evaluation.evaluate_splits(
            fitted.score, splits.named(), folder / "evaluation", run.display_name
        )
        metrics["training_seconds"] = training_seconds
        metrics.update(run.metrics)
        metrics["inference_ms_per_tweet"] = evaluation.inference_ms_per_tweet(
            fitted.score, splits.test["text"].tolist()[:TIMING_TWEETS]
        )
        metrics.update({k: float(v) for k, v in fitted.extra.items()})
        tracking.log_evaluation(metrics, images)
        artifact_path = fitted.log_model()
        registered_version = None
        if run.register_champion:
            registered_version = tracking.register_champion(active.info.run_id, artifact_path)

        write_held_out(splits, probabilities, folder)
        summary = {
            "family": run.family,
            "display_name": run.display_name,
            "run_id": active.info.run_id,
            "tracking_uri": tracking.tracking_uri(settings.tracking_uri),
            "registered_model": tracking.REGISTERED_MODEL if registered_version else None,
            "registered_version": registered_version,
            "alias": tracking.CHAMPION_ALIAS if registered_version else None,
            "params": params,
            "metrics": metrics,
            "data": splits.description,
            **run.summary,
        }
        tracking.dump_json(summary, folder / "run.json")
        mlflow.log_artifact(str(folder / "run.json"))
    print_metrics(run.display_name, metrics)
    return summary


class SplitMismatch(ValueError):
    """The data options given do not rebuild the splits a run was trained and evaluated on."""


def data_fingerprint(description: dict) -> str:
    """A data description as run.json stores it (keys sorted, paths as strings), so a rebuilt
    description and a recorded one compare equal exactly when they describe the same splits."""
    return json.dumps(json.loads(json.dumps(description, default=str)), sort_keys=True)


def check_rebuilt_splits(recorded: dict, description: dict) -> None:
    """Commands that score an existing run again (`ensemble`, `rethreshold`) rebuild its splits
    from data options; the description must be the one its run.json recorded."""
    if data_fingerprint(description) != data_fingerprint(recorded):
        raise SplitMismatch("these data options do not rebuild the run's splits; pass the run's own")


def write_held_out(splits: data.DataSplits, probabilities: dict[str, Any], folder: Path) -> None:
    """The test and manual tweets with the model's probabilities: what `export` checks parity on."""
    for split, frame in (("test", splits.test), ("manual", splits.manual)):
        frame[["text", "label"]].assign(probability=probabilities[split]).to_parquet(
            folder / f"held_out_{split}.parquet"
        )


def print_metrics(display_name: str, metrics: dict[str, Any]) -> None:
    print(f"\n{display_name}")
    for split in ("validation", "test", "manual"):
        print(
            f"  {split:<10} "
            + "  ".join(f"{name} {metrics[f'{split}_{name}']:.4f}" for name in evaluation.METRIC_NAMES)
        )
