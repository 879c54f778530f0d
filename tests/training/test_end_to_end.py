"""A tiny run of the whole training side: train → MLflow → ONNX export → parity → serving load.

A few hundred tweets, one epoch, tiny FastText vectors: it checks the plumbing, not accuracy.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

from model_build import cli, decisions, export, tracking
from predict.model import load_model_artifact
from predict.normalize import NORMALIZATION_VERSION
from tests.training.tiny import TINY_LSTM, tiny_data

pytestmark = pytest.mark.slow  # trains, exports and assesses real models: minutes


def _train_args(tmp_path, data_dir, family, *extra):
    return cli.build_parser().parse_args(
        [
            "train",
            family,
            *tiny_data(data_dir),
            "--tracking-uri",
            f"sqlite:///{tmp_path}/mlflow.db",
            "--output-dir",
            str(tmp_path / "out"),
            *extra,
        ]
    )


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, data_dir):
    tmp_path = tmp_path_factory.mktemp("e2e")
    # the shipped recipe in miniature: n-gram vectors served in the graph, lexicon, unseen copies
    args = _train_args(
        tmp_path,
        data_dir,
        "fasttext-lstm",
        *TINY_LSTM,
        "--subword-buckets",
        "500",
        "--lexicon",
        "--unseen-copies",
        "1",
        "--register-champion",
    )
    summary = args.handler(args)
    return tmp_path, summary


def test_cli_lists_every_command():
    import argparse

    parser = cli.build_parser()
    (subcommands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {"data", "train", "compare", "export", "feedback-export", "retrain", "assess", "split-card"} <= set(
        subcommands.choices
    )


def test_training_logs_params_data_metrics_images_and_champion_model(trained_run):
    tmp_path, summary = trained_run
    mlflow.set_tracking_uri(summary["tracking_uri"])
    client = MlflowClient()
    run = client.get_run(summary["run_id"])
    for split in ("validation", "test", "manual"):
        for metric in ("accuracy", "f1", "roc_auc", "log_loss"):
            assert f"{split}_{metric}" in run.data.metrics
    assert run.data.metrics["inference_ms_per_tweet"] > 0
    assert run.data.params["split_seed"] == "42" and run.data.params["rows_manual"] == "359"
    artifacts = {a.path for a in client.list_artifacts(summary["run_id"], "evaluation")}
    assert {"evaluation/confusion_manual.png", "evaluation/roc.png"} <= artifacts
    model_files = {a.path for a in client.list_artifacts(summary["run_id"], "model")}
    assert {"model/MLmodel", "model/input_example.json"} <= model_files
    champion = client.get_model_version_by_alias(tracking.REGISTERED_MODEL, tracking.CHAMPION_ALIAS)
    assert champion.run_id == summary["run_id"]


def test_export_checks_parity_and_serving_loads_the_artefact(trained_run):
    tmp_path, summary = trained_run
    target = tmp_path / "onnx_models" / "tiny"
    card = export.export_artifact(tmp_path / "out" / "fasttext_lstm", target, name="tiny")
    assert card["parity"]["tweets"] >= 1000
    assert card["parity"]["max_abs_diff"] <= 1e-4
    assert (target / "model.onnx").is_file()
    assert (target / card["serving_model"]).is_file()
    assert card["quantisation"]["shipped"] == (card["serving_model"] == "model.int8.onnx")

    model = load_model_artifact(target)
    assert model.version == "tiny@1"
    assert model.card["normalization_version"] == NORMALIZATION_VERSION
    token_input, subword_input = model.session.get_inputs()
    assert (token_input.name, token_input.shape[1]) == ("token_ids", model.tokenizer.max_length)
    assert subword_input.name == "subword_ids" and len(subword_input.shape) == 2
    assert model.tokenizer.subwords is not None and model.tokenizer.subwords.buckets == 500
    assert 0.3 <= model.threshold <= 0.7 and model.card["calibration"]["test"]["ece"] >= 0
    # an unseen word reaches the graph as its own id past the vocabulary, with its n-grams
    feeds = model.tokenizer.feeds(["flightzz crewzz"])
    assert feeds["token_ids"][0, -2:].tolist() == [len(model.tokenizer.vocabulary), len(model.tokenizer.vocabulary) + 1]
    assert feeds["subword_ids"].shape[0] == 2 and (feeds["subword_ids"] > 0).any()
    assert model.session.get_outputs()[0].name == "probability"
    probabilities = model.predict_proba(["I love it :)", "worst day ever", ""])
    assert probabilities.shape == (3,) and np.all((probabilities >= 0) & (probabilities <= 1))

    client = MlflowClient(summary["tracking_uri"])
    onnx_files = {a.path for a in client.list_artifacts(summary["run_id"], "onnx")}
    assert "onnx/model.onnx" in onnx_files
    assert json.loads((target / "model_card.json").read_text())["mlflow"]["alias"] == "champion"
    assert {"mask_0.0", "mask_0.3", "madeup_0.3", "vocabulary_2000"} <= set(card["robustness"])
    assert card["robustness"]["mask_0.0"] == pytest.approx(
        card["quantisation"][f"test_accuracy_{'int8' if card['quantisation']['shipped'] else 'fp32'}"], abs=1e-4
    )
    assert "robustness_mask_0.3" in client.get_run(summary["run_id"]).data.metrics


def test_export_writes_the_card_and_leaves_the_decision_file_alone(trained_run):
    tmp_path, _ = trained_run
    target = tmp_path / "onnx_models" / "again"
    first = export.export_artifact(tmp_path / "out" / "fasttext_lstm", target, log_to_mlflow=False)
    assert first["decisions"] == decisions.DECISIONS_FILE and "distillation" not in first
    assert not set(decisions.DECISION_KEYS) & set(first)
    written = decisions.write_decisions(target, {"decision": {"outcome": "shipped"}})
    before = written.read_bytes()
    (target / "stale.onnx").write_bytes(b"left by an older export")
    export.export_artifact(tmp_path / "out" / "fasttext_lstm", target, log_to_mlflow=False)
    assert written.read_bytes() == before
    assert decisions.read_decisions(target / "model_card.json") == {"decision": {"outcome": "shipped"}}
    assert not (target / "stale.onnx").exists()


def test_export_fails_when_onnx_and_keras_disagree(trained_run):
    tmp_path, _ = trained_run
    with pytest.raises(export.ExportError, match="differs"):
        export.export_artifact(
            tmp_path / "out" / "fasttext_lstm", tmp_path / "never", max_diff=-1.0, log_to_mlflow=False
        )
    assert not (tmp_path / "never").exists()


def test_simple_baseline_trains_and_compare_tabulates_both_runs(trained_run, data_dir):
    tmp_path, summary = trained_run
    args = _train_args(tmp_path, data_dir, "simple")
    simple = args.handler(args)
    assert 0.0 <= simple["metrics"]["manual_accuracy"] <= 1.0
    from model_build import compare

    doc = tmp_path / "model.md"
    doc.write_text(f"# models\n{compare.BEGIN}\nstale\n{compare.END}\nprose\n", encoding="utf-8")
    plot = tmp_path / "comparison.png"
    args = cli.build_parser().parse_args(
        ["compare", "--tracking-uri", summary["tracking_uri"], "--plot", str(plot), "--doc", str(doc)]
    )
    assert args.handler(args) == 0
    table = doc.read_text(encoding="utf-8")
    assert "TF-IDF + logistic regression" in table and "FastText" in table
    assert "stale" not in table and table.endswith(f"{compare.END}\nprose\n")
    assert plot.stat().st_size > 0


def test_assess_and_robustness_compare_two_artefacts_in_one_run(trained_run, data_dir):
    tmp_path, _ = trained_run
    target = tmp_path / "onnx_models" / "tiny"
    if not target.is_dir():
        export.export_artifact(tmp_path / "out" / "fasttext_lstm", target, name="tiny", log_to_mlflow=False)
    committed = Path(__file__).resolve().parents[2] / "onnx_models" / "fasttext_lstm"
    output = tmp_path / "assess.json"
    args = cli.build_parser().parse_args(
        [
            "assess",
            str(committed),
            str(target),
            "--data-dir",
            str(data_dir),
            "--test-rows",
            "1000",
            "--validation-rows",
            "300",
            "--output",
            str(output),
        ]
    )
    assert args.handler(args) == 0
    table = json.loads(output.read_text())
    (first, shipped), (second, tiny) = table.items()
    assert second == "tiny@1" and first.startswith("fasttext_lstm@")
    for row in (shipped, tiny):
        assert row["manual"]["tweets"] == 359 and 0 <= row["test"]["balanced_accuracy"] <= 1
        assert {"mean_shift", "up_share"} <= set(row["unknown_words"])
        assert row["sarcasm"]["complaints"] == 40 and row["modern_words"]["each"] == 10
        sets = row["hand_labelled_sets"]
        assert sets["modern_tweets"]["tweets"] == 200 and sets["handwritten_airline"]["tweets"] == 320
        assert 0 <= sets["modern_tweets"]["balanced_accuracy"] <= 1
    assert {f"only_{first}_right", f"only_{second}_right"} <= set(tiny["manual_disagreement_with"])


def test_export_under_a_newer_normalisation_names_both_and_refuses_a_wrong_claim(trained_run):
    tmp_path, _ = trained_run
    run_dir = tmp_path / "out" / "fasttext_lstm"
    with pytest.raises(export.ExportError, match="trained with normalisation"):
        export.export_artifact(run_dir, tmp_path / "wrong", name="tiny", renormalized_from="0", log_to_mlflow=False)
    trained_with = json.loads((run_dir / "tokenizer.json").read_text())["normalization_version"]
    card = export.export_artifact(
        run_dir, tmp_path / "renormalized", name="tiny", renormalized_from=trained_with, log_to_mlflow=False
    )
    assert card["normalization_trained_with"] == trained_with
    assert card["normalization_version"] == NORMALIZATION_VERSION
