"""Distillation's soft-target path without torch: stub teacher-score tables (tweets and their
augmented copies) stand in for the transformer, and a tiny student (a few hundred tweets, one
epoch) is trained and tracked."""

from __future__ import annotations

import json

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from model_build import augment, cli, distill, export, tracking
from model_build.train import SplitSettings
from tests.training.tiny import TINY_LSTM, tiny_data

pytestmark = pytest.mark.slow  # trains tiny students with TensorFlow: tens of seconds


def test_soft_targets_mix_teacher_and_label_only_on_scored_transfer_rows():
    train = pd.DataFrame({"text": ["a", "b", "c", "d"], "label": [1, 0, 1, 0]})
    scores = pd.DataFrame({"text": ["a", "b", "c"], "teacher_probability": [0.9, 0.4, 0.2]})
    targets, soft = distill.soft_targets(train, {"a", "b", "d"}, scores, alpha=0.7)
    # a, b: scored and in the transfer set; c: scored but not in it; d: in it but not scored
    assert soft.tolist() == [True, True, False, False]
    np.testing.assert_allclose(targets, [0.7 * 0.9 + 0.3, 0.7 * 0.4, 1.0, 0.0], rtol=1e-6)
    assert targets.dtype == np.float32
    with pytest.raises(ValueError):
        distill.soft_targets(train, {"a"}, scores, alpha=1.5)


@pytest.fixture(scope="module")
def distilled_run(tmp_path_factory, data_dir):
    tmp_path = tmp_path_factory.mktemp("distill")
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    with tracking.start_run(
        uri, run_name="transformer", tags={"family": "transformer", "display_name": "stub teacher"}
    ) as run:
        mlflow.log_metrics({"validation_accuracy": 0.8, "test_accuracy": 0.8, "manual_accuracy": 0.85})
        mlflow.log_param("rows_train", "10")
    teacher_id = run.info.run_id
    argv = [
        "distill",
        "--teacher-run",
        teacher_id,
        *tiny_data(data_dir),
        *TINY_LSTM,
        "--alpha",
        "0.7",
        "--augment-copies",
        "1",
        "--tracking-uri",
        uri,
        "--output-dir",
        str(tmp_path / "out"),
    ]
    args = cli.build_parser().parse_args(argv)
    splits = SplitSettings.from_args(args).build()
    frame = pd.concat([splits.train, splits.validation])
    stub = pd.DataFrame(
        {"text": frame["text"], "teacher_probability": np.where(frame["label"] == 1, 0.8, 0.3).astype(np.float32)}
    )
    path = distill.cache_path(tmp_path / "out", teacher_id)
    path.parent.mkdir(parents=True)
    stub.to_parquet(path, index=False)
    copies = distill.augmented_transfer_copies(splits.train, augment.AugmentSettings(copies=1, seed=args.seed))
    pd.DataFrame({"text": copies, "teacher_probability": np.full(len(copies), 0.5, np.float32)}).to_parquet(
        distill.augmented_cache_path(tmp_path / "out", teacher_id)
    )

    def no_teacher(*_, **__):
        raise AssertionError("every text is cached: the teacher must not be loaded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(distill, "load_teacher", no_teacher)
        summary = args.handler(args)
    return tmp_path, teacher_id, summary


def test_student_trains_on_cached_soft_targets_without_the_teacher(distilled_run):
    tmp_path, teacher_id, summary = distilled_run

    assert summary["distillation"]["transfer_set_rows"] == 400
    assert summary["distillation"]["alpha"] == 0.7
    assert summary["distillation"]["teacher_run_id"] == teacher_id
    # recomputed from the stub: 0.8 for positives, 0.3 for negatives → perfectly separated
    assert summary["distillation"]["teacher_validation_recomputed"]["validation_accuracy"] == 1.0
    # every scored augmented copy became a training row with the teacher's target alone
    augmentation = summary["distillation"]["augmentation"]
    assert augmentation["augment_copies"] == 1
    assert 200 < augmentation["rows"] < 400  # copies equal to their tweet are dropped
    assert summary["params"]["augmented_rows"] == augmentation["rows"]
    run_dir = tmp_path / "out" / distill.RUN_DIR_NAME
    assert {"model.keras", "tokenizer.json", "run.json", "held_out_test.parquet"} <= {p.name for p in run_dir.iterdir()}

    mlflow.set_tracking_uri(summary["tracking_uri"])
    client = MlflowClient()
    run = client.get_run(summary["run_id"])
    assert run.data.params["teacher_run_id"] == teacher_id
    assert run.data.params["alpha"] == "0.7"
    assert run.data.tags["family"] == distill.FAMILY
    for split in ("validation", "test", "manual"):
        assert f"{split}_accuracy" in run.data.metrics
    assert "teacher_scoring_seconds" not in run.data.metrics  # nothing was scored
    assert {"evaluation/roc.png"} <= {a.path for a in client.list_artifacts(summary["run_id"], "evaluation")}
    # the student is not registered by the training command: promotion is a separate step
    assert summary["registered_version"] is None


def test_promote_registers_the_student_and_export_writes_its_distillation_block(distilled_run):
    tmp_path, teacher_id, summary = distilled_run
    out = tmp_path / "out"
    parser = cli.build_parser()
    args = parser.parse_args(["distill", "--promote", "--output-dir", str(out)])
    assert args.handler(args) == 0
    client = MlflowClient(summary["tracking_uri"])
    champion = client.get_model_version_by_alias(tracking.REGISTERED_MODEL, tracking.CHAMPION_ALIAS)
    assert champion.run_id == summary["run_id"]

    # the card is written once, by export, from the run's run.json: no later step edits it
    target = tmp_path / "artefact"
    card = export.export_artifact(out / distill.RUN_DIR_NAME, target, name="tiny", version="2", log_to_mlflow=False)
    assert json.loads((target / "model_card.json").read_text()) == card
    assert card["distillation"]["teacher_run_id"] == teacher_id
    assert card["distillation"]["alpha"] == 0.7
    assert card["distillation"]["transfer_set_rows"] == 400
    assert "decision_rule" not in card["distillation"]
    assert card["decision_rule"] == distill.DECISION_RULE
    assert "distilled from a fine-tuned stub teacher (soft targets)" in card["description"]  # its tag
    assert str(card["mlflow"]["registered_version"]) == str(champion.version)
    assert card["decisions"] == "decisions.json" and not (target / "decisions.json").exists()
