"""Saved teacher scores: `distill --save-teacher-scores` writes the cache and the teacher's record
into a folder, and `distill --teacher-scores` trains a student from that folder alone, with no
teacher run in the MLflow store it logs to. A stub teacher run and stub scores stand in for the
transformer, as in test_distill.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from model_build import cli, distill, teacher_scores, tracking
from model_build.train import SplitSettings
from tests.training.tiny import TINY_LSTM, tiny_data

pytestmark = pytest.mark.slow  # trains a tiny student with TensorFlow: tens of seconds

ROOT = Path(__file__).resolve().parents[2]
TEACHER_METRICS = {"validation_accuracy": 0.8, "test_accuracy": 0.81, "manual_accuracy": 0.85}


def saved_texts(folder) -> pd.DataFrame:
    return pd.read_parquet(folder / teacher_scores.SCORES_FILE)


def parse(argv: list[str]):
    return cli.build_parser().parse_args(["distill", *argv])


@pytest.fixture(scope="module")
def saved(tmp_path_factory, data_dir):
    """A stub teacher run, its scores for the tiny splits, saved by the command into a folder."""
    tmp_path = tmp_path_factory.mktemp("teacher-scores")
    uri = f"sqlite:///{tmp_path}/teacher.db"
    with tracking.start_run(uri, run_name="transformer", tags={"family": "transformer"}) as run:
        mlflow.log_metrics(TEACHER_METRICS)
        mlflow.log_params({"rows_train": "10", "pretrained": "all-MiniLM-L6-v2"})
    teacher_id = run.info.run_id
    args = parse(["--teacher-run", teacher_id, *tiny_data(data_dir), "--tracking-uri", uri])
    splits = SplitSettings.from_args(args).build()
    frame = pd.concat([splits.train, splits.validation])
    scores = np.where(frame["label"] == 1, 0.8, 0.3).astype(np.float32)
    cache = distill.cache_path(tmp_path / "out", teacher_id)
    cache.parent.mkdir()
    pd.DataFrame({"text": frame["text"], "teacher_probability": scores}).to_parquet(cache, index=False)

    folder = tmp_path / "saved"
    argv = ["--teacher-run", teacher_id, *tiny_data(data_dir), "--tracking-uri", uri]
    argv += ["--output-dir", str(tmp_path / "out"), "--score-only", "--save-teacher-scores", str(folder)]
    args = parse(argv)
    assert args.handler(args) == 0
    return tmp_path, teacher_id, folder, cache


def test_the_saved_folder_holds_the_scores_and_the_teachers_record(saved):
    _, teacher_id, folder, cache = saved
    record = teacher_scores.load(folder)
    assert record["run_id"] == teacher_id
    assert record["metrics"] == TEACHER_METRICS
    assert record["pretrained"] == "all-MiniLM-L6-v2" and record["train_rows"] == "10"
    assert "--save-teacher-scores" in record["made_by"]
    assert record["split_seed"] == 42 and record["rows"]["train"] == 400
    assert set(record["data_sources"]) >= {"testdata.manual.2009.06.14.csv"}
    original = pd.read_parquet(cache)
    copied = pd.read_parquet(folder / teacher_scores.SCORES_FILE)
    assert record["texts"] == len(copied) == len(original)
    by_key = dict(zip(copied["key"], copied["teacher_probability"], strict=True))
    keys = teacher_scores.text_keys(original["text"].tolist())
    assert [by_key[k] for k in keys] == original["teacher_probability"].tolist()


def test_a_student_trains_from_the_saved_folder_without_the_teacher_run(saved, data_dir):
    tmp_path, teacher_id, folder, _ = saved
    uri = f"sqlite:///{tmp_path}/fresh.db"  # a store that has never seen the teacher
    argv = ["--teacher-scores", str(folder), *tiny_data(data_dir), *TINY_LSTM, "--tracking-uri", uri]
    args = parse([*argv, "--output-dir", str(tmp_path / "student")])

    def no_teacher(*_, **__):
        raise AssertionError("the saved scores cover every text: the teacher must not be loaded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(distill, "load_teacher", no_teacher)
        summary = args.handler(args)
    distillation = summary["distillation"]
    assert distillation["teacher_run_id"] == teacher_id
    assert distillation["teacher_metrics"] == TEACHER_METRICS
    assert distillation["teacher_validation_recomputed"]["validation_accuracy"] == 1.0  # the stub separates
    written = pd.read_parquet(distillation["teacher_scores_cache"])  # the usual cache, from the folder
    assert len(written) == len(saved_texts(folder))
    assert distillation["transfer_set_rows"] == 400


def test_saved_scores_that_lack_texts_are_refused_before_training(saved, data_dir, tmp_path):
    _, _, folder, _ = saved
    partial = tmp_path / "partial"
    shutil.copytree(folder, partial)
    scores = pd.read_parquet(partial / teacher_scores.SCORES_FILE)
    scores.iloc[10:].to_parquet(partial / teacher_scores.SCORES_FILE, index=False)
    args = parse(["--teacher-scores", str(partial), *tiny_data(data_dir), "--output-dir", str(tmp_path / "o")])
    with pytest.raises(SystemExit, match="lack 10 of the texts"):
        args.handler(args)


def test_saved_scores_of_other_data_files_are_refused(saved, data_dir, tmp_path):
    _, _, folder, _ = saved
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    record = json.loads((other / teacher_scores.TEACHER_FILE).read_text())
    record["data_sources"]["testdata.manual.2009.06.14.csv"] = "0" * 64
    (other / teacher_scores.TEACHER_FILE).write_text(json.dumps(record))
    args = parse(["--teacher-scores", str(other), *tiny_data(data_dir), "--output-dir", str(tmp_path / "o")])
    with pytest.raises(SystemExit, match="other data files: testdata.manual"):
        args.handler(args)


def test_one_teacher_source_is_required(data_dir, tmp_path):
    args = parse([*tiny_data(data_dir), "--output-dir", str(tmp_path)])
    with pytest.raises(SystemExit, match="one of --teacher-run and --teacher-scores"):
        args.handler(args)


def test_the_committed_scores_cover_the_default_splits(data_dir):
    """training_data/teacher_scores/minilm_80k scores every training and validation tweet of the
    splits `distill` builds by default, from the same data files."""
    from model_build import data

    folder = ROOT / "training_data" / "teacher_scores" / "minilm_80k"
    record = teacher_scores.load(folder)
    splits = data.build_splits(data_dir)
    teacher_scores.check_sources(record, splits.description["sources"])
    assert record["rows"] == splits.description["rows"]
    texts = splits.train["text"].tolist() + splits.validation["text"].tolist()
    keys = set(pd.read_parquet(folder / teacher_scores.SCORES_FILE)["key"])
    assert len(keys) == record["texts"]
    assert all(k in keys for k in teacher_scores.text_keys(texts))
