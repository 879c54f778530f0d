"""Choosing the threshold on several validation sets (model_build/evaluation.py), and
`rethreshold`: a tiny trained run's threshold chosen again on its validation split and a set of
later tweets, logged to its MLflow run and carried into the exported card."""

from __future__ import annotations

import json

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from model_build import cli, evaluation, export, rethreshold
from model_build.tracked_run import SplitMismatch
from model_build.train import SplitSettings
from tests.training.tiny import TINY_LSTM, tiny_data


def test_one_set_gives_the_single_set_choice_and_sets_weigh_the_same_whatever_their_size():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, 500)
    probabilities = np.clip(labels * 0.3 + rng.random(500) * 0.7, 0, 1)
    assert evaluation.choose_threshold_over([(labels, probabilities)]) == evaluation.choose_threshold(
        labels, probabilities
    )
    # two sets whose best thresholds differ; the choice maximises the mean over the grid
    first = (labels, probabilities)
    second = (labels[:60], np.clip(probabilities[:60] + 0.15, 0, 1))
    both = evaluation.choose_threshold_over([first, second])
    best = max(
        np.mean([evaluation.balanced_accuracy(y, p, t) for y, p in (first, second)]) for t in evaluation.THRESHOLD_GRID
    )
    assert np.mean([evaluation.balanced_accuracy(y, p, both) for y, p in (first, second)]) == best
    # a set repeated ten times weighs what it weighed once: sets count, not tweets
    repeated = (np.tile(first[0], 10), np.tile(first[1], 10))
    assert evaluation.choose_threshold_over([repeated, second]) == both
    assert evaluation.choose_threshold_over([second, first]) == both


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, data_dir):
    tmp_path = tmp_path_factory.mktemp("rethreshold")
    args = cli.build_parser().parse_args(
        ["train", "fasttext-lstm", *tiny_data(data_dir), *TINY_LSTM, "--subword-buckets", "500"]
        + ["--tracking-uri", f"sqlite:///{tmp_path}/mlflow.db", "--output-dir", str(tmp_path / "out")]
    )
    summary = args.handler(args)
    # "later tweets": held-out test tweets, which no training row equals
    test = pd.read_parquet(tmp_path / "out" / "fasttext_lstm" / "held_out_test.parquet").head(120)
    later = tmp_path / "later.csv"
    test.rename(columns={"label": "target"})[["text", "target"]].to_csv(later, index=False)
    return tmp_path, summary, later


def _split_options(data_dir) -> list[str]:
    options = tiny_data(data_dir)
    at = options.index("--epochs")
    return options[:at] + options[at + 2 :]


@pytest.mark.slow
def test_rethreshold_chooses_on_both_sets_logs_the_choice_and_export_carries_it(tiny_run, data_dir, tmp_path):
    run_tmp, summary, later = tiny_run
    run_dir = run_tmp / "out" / "fasttext_lstm"
    args = cli.build_parser().parse_args(
        ["rethreshold", "--run-dir", str(run_dir), "--threshold-validation", str(later), *_split_options(data_dir)]
        + ["--output-dir", str(tmp_path / "re")]
    )
    run = args.handler(args)
    choice = run["threshold_choice"]
    assert choice["previous_threshold"] == pytest.approx(summary["metrics"]["threshold"])
    assert set(choice["sets"]) == {"validation", "later"}
    assert choice["sets"]["later"]["tweets"] == 120
    assert "later.csv" in choice["rule"]
    # the chosen value is the best mean on the grid, recomputed here from the recorded accuracies
    mean_at_choice = np.mean([s["balanced_accuracy"] for s in choice["sets"].values()])
    mean_at_previous = np.mean([s["balanced_accuracy_at_previous"] for s in choice["sets"].values()])
    assert mean_at_choice >= mean_at_previous - 1e-5
    assert run["metrics"]["threshold"] == choice["threshold"]
    assert run["metrics"]["later_validation_balanced_accuracy"] == pytest.approx(
        choice["sets"]["later"]["balanced_accuracy"], abs=1e-5
    )
    held = pd.read_parquet(run_dir / "held_out_manual.parquet")
    assert run["metrics"]["manual_balanced_accuracy"] == pytest.approx(
        evaluation.balanced_accuracy(held["label"].to_numpy(), held["probability"].to_numpy(), choice["threshold"])
    )
    copied = tmp_path / "re" / "fasttext_lstm"
    assert json.loads((copied / "run.json").read_text()) == json.loads(json.dumps(run))
    assert json.loads((run_dir / "run.json").read_text())["metrics"]["threshold"] == summary["metrics"]["threshold"]

    mlflow.set_tracking_uri(summary["tracking_uri"])
    client = MlflowClient()
    history = client.get_metric_history(summary["run_id"], "threshold")
    assert [m.value for m in sorted(history, key=lambda m: m.step)] == pytest.approx(
        [summary["metrics"]["threshold"], choice["threshold"]]
    )
    assert "threshold_choice.json" in {a.path for a in client.list_artifacts(summary["run_id"])}

    card = export.export_artifact(copied, tmp_path / "artefact", name="tiny", version="4", log_to_mlflow=False)
    assert card["threshold"] == round(choice["threshold"], 3)
    assert card["threshold_rule"] == choice["rule"]
    assert card["threshold_choice"] == choice
    from predict.model import load_model_artifact

    assert load_model_artifact(tmp_path / "artefact").threshold == pytest.approx(choice["threshold"], abs=5e-4)


@pytest.mark.slow
def test_rethreshold_refuses_training_rows_and_other_splits(tiny_run, data_dir, tmp_path):
    run_tmp, _, _ = tiny_run
    run_dir = run_tmp / "out" / "fasttext_lstm"
    parser = cli.build_parser()
    args = parser.parse_args(["rethreshold", "--run-dir", str(run_dir), "--threshold-validation", "x"])
    splits = SplitSettings.from_args(parser.parse_args(["train", "simple", *tiny_data(data_dir)])).build()
    trained = tmp_path / "trained.csv"
    rows = splits.train.head(5)
    pd.DataFrame({"text": rows["text"], "target": rows["label"]}).to_csv(trained, index=False)
    with pytest.raises(rethreshold.ThresholdSetError, match="5 tweets .* are training rows"):
        rethreshold.rethreshold(run_dir, trained, splits, tmp_path / "re")
    other = SplitSettings.from_args(parser.parse_args(["train", "simple", *tiny_data(data_dir), "--seed", "7"]))
    with pytest.raises(SplitMismatch):
        rethreshold.rethreshold(run_dir, trained, other.build(), tmp_path / "re")
    assert args.output_dir.name == "rethreshold"
