"""The tracked-run path `train` and `distill` share, with a stub model: what it logs and writes."""

from __future__ import annotations

import json

import mlflow
import numpy as np
from mlflow import MlflowClient

from model_build import data
from model_build.tracked_run import FittedModel, TrackedRun, TrackingSettings, run_tracked


def stub_fit(run_dir):
    (run_dir / "model.txt").write_text("stub", encoding="utf-8")

    def log_model() -> str:
        mlflow.log_dict({"stub": True}, "model/stub.json")
        return "model"

    def score(texts):
        return np.where([":)" in t for t in texts], 0.8, 0.4)

    return FittedModel(score, {"units": 8}, log_model, {"epochs_run": 1}, None)


def test_command_params_documents_metrics_and_summary_follow_the_shared_steps(data_dir, tmp_path):
    splits = data.build_splits(data_dir, seed=42, test_rows=1000, validation_rows=300, train_limit=200)
    settings = TrackingSettings(f"sqlite:///{tmp_path}/mlflow.db", tmp_path / "out")
    run = TrackedRun(
        family="stub-family",
        display_name="stub",
        fit=stub_fit,
        tags={"teacher_run_id": "t"},
        params={"alpha": 0.7},
        documents={"distillation.json": {"alpha": 0.7}},
        metrics={"teacher_scoring_seconds": 2.0},
        summary={"distillation": {"alpha": 0.7}},
    )
    summary = run_tracked(run, splits, settings)

    run_dir = tmp_path / "out" / "stub_family"
    assert json.loads((run_dir / "run.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(summary, default=str)
    )
    assert list(summary) == [
        "family", "display_name", "run_id", "tracking_uri", "registered_model", "registered_version",
        "alias", "params", "metrics", "data", "distillation",
    ]  # fmt: skip
    assert summary["params"] == {"units": 8, "alpha": 0.7}
    assert summary["registered_version"] is None  # registration is asked for, never implied
    metric_names = list(summary["metrics"])
    assert metric_names.index("training_seconds") + 1 == metric_names.index("teacher_scoring_seconds")
    assert metric_names[-1] == "epochs_run"
    assert {"model.txt", "held_out_test.parquet", "held_out_manual.parquet", "run.json"} <= {
        p.name for p in run_dir.iterdir()
    }

    client = MlflowClient(settings.tracking_uri)
    logged = client.get_run(summary["run_id"])
    assert logged.info.run_name == "stub-family"
    assert {k: logged.data.tags[k] for k in ("family", "display_name", "teacher_run_id")} == {
        "family": "stub-family",
        "display_name": "stub",
        "teacher_run_id": "t",
    }
    assert logged.data.params["alpha"] == "0.7" and logged.data.params["rows_train"] == "200"
    assert logged.data.metrics["teacher_scoring_seconds"] == 2.0
    artefacts = {a.path for a in client.list_artifacts(summary["run_id"])}
    assert {"distillation.json", "run.json", "evaluation", "data", "model"} <= artefacts


def test_model_seed_changes_the_training_seed_and_not_the_splits():
    from model_build.cli import build_parser
    from model_build.train import LstmRecipe

    args = build_parser().parse_args(["distill", "--teacher-run", "r", "--model-seed", "3"])
    recipe = LstmRecipe.from_args(args)
    assert (recipe.seed, recipe.training_seed) == (42, 3)
    default = LstmRecipe.from_args(build_parser().parse_args(["distill", "--teacher-run", "r", "--seed", "7"]))
    assert (default.seed, default.training_seed) == (7, 7)
