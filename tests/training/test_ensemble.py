"""`ensemble`: two tiny students of one recipe (model seeds 1 and 2) averaged into one model,
tracked, exported to one ONNX graph and loaded by serving; and the checks that refuse members
that do not read tweets the same way."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from model_build import cli, ensemble, export
from model_build.train import SplitSettings
from tests.training.tiny import TINY_LSTM, tiny_data

pytestmark = pytest.mark.slow  # trains two tiny students with TensorFlow


def _tiny_splits(data_dir) -> list[str]:
    """The tiny data options without the epoch count: `ensemble` trains nothing."""
    options = tiny_data(data_dir)
    at = options.index("--epochs")
    return options[:at] + options[at + 2 :]


def _train(tmp_path, data_dir, seed: int):
    out = tmp_path / f"seed{seed}"
    args = cli.build_parser().parse_args(
        ["train", "fasttext-lstm", *tiny_data(data_dir), *TINY_LSTM, "--subword-buckets", "500"]
        + ["--model-seed", str(seed), "--tracking-uri", f"sqlite:///{tmp_path}/mlflow.db", "--output-dir", str(out)]
    )
    args.handler(args)
    return out / "fasttext_lstm"


@pytest.fixture(scope="module")
def members(tmp_path_factory, data_dir):
    tmp_path = tmp_path_factory.mktemp("members")
    return tmp_path, [_train(tmp_path, data_dir, seed) for seed in (1, 2)]


@pytest.fixture(scope="module")
def ensembled(members, data_dir):
    tmp_path, folders = members
    argv = ["ensemble", *[a for f in folders for a in ("--member", str(f))], *_tiny_splits(data_dir)]
    argv += ["--tracking-uri", f"sqlite:///{tmp_path}/mlflow.db", "--output-dir", str(tmp_path / "ensemble")]
    args = cli.build_parser().parse_args(argv)
    summary = args.handler(args)
    return tmp_path / "ensemble" / "fasttext_lstm_ensemble", summary, folders


def test_the_ensemble_serves_the_mean_of_its_members(ensembled):
    folder, summary, folders = ensembled
    member_tests = [pd.read_parquet(f / "held_out_test.parquet") for f in folders]
    ensemble_test = pd.read_parquet(folder / "held_out_test.parquet")
    assert (ensemble_test["text"] == member_tests[0]["text"]).all()
    expected = np.mean([t["probability"].to_numpy() for t in member_tests], axis=0)
    np.testing.assert_allclose(ensemble_test["probability"].to_numpy(), expected, atol=1e-5)
    # the members differ, so the mean is a third model, not a copy of one
    assert np.abs(member_tests[0]["probability"] - member_tests[1]["probability"]).max() > 1e-3

    runs = [json.loads((f / "run.json").read_text()) for f in folders]
    assert summary["family"] == ensemble.FAMILY
    assert [m["run_id"] for m in summary["ensemble"]["members"]] == [r["run_id"] for r in runs]
    assert summary["params"]["ensemble_members"] == 2
    assert summary["params"]["seed"] == "1,2"
    assert "threshold" in summary["metrics"]  # chosen on validation for the mean
    assert summary["metrics"]["training_seconds"] == pytest.approx(sum(r["metrics"]["training_seconds"] for r in runs))


def test_export_writes_one_graph_holding_both_members(ensembled, tmp_path):
    folder, summary, _ = ensembled
    card = export.export_artifact(folder, tmp_path / "artefact", name="tiny", version="3", log_to_mlflow=False)
    assert card["architecture"].startswith("mean of 2 students (model seeds 1,2), each: ")
    assert card["description"].startswith("Binary sentiment (P(positive)) of an English tweet: the mean of 2 LSTMs")
    assert card["ensemble"] == summary["ensemble"]
    assert card["parity"]["max_abs_diff"] <= export.MAX_PARITY_DIFF

    from predict.model import load_model_artifact

    served = load_model_artifact(tmp_path / "artefact")
    test = pd.read_parquet(folder / "held_out_test.parquet").head(50)
    np.testing.assert_allclose(served.predict_proba(test["text"].tolist()), test["probability"], atol=0.05)


def test_members_must_share_tokenizer_splits_and_be_distinct(members, tmp_path, data_dir):
    _, folders = members
    with pytest.raises(ensemble.EnsembleError, match="at least two"):
        ensemble.read_members(folders[:1])
    with pytest.raises(ensemble.EnsembleError, match="twice"):
        ensemble.read_members([folders[0], folders[0]])

    other = tmp_path / "other"
    shutil.copytree(folders[1], other)
    tokenizer = json.loads((other / "tokenizer.json").read_text())
    tokenizer["max_length"] = tokenizer["max_length"] + 1
    (other / "tokenizer.json").write_text(json.dumps(tokenizer))
    with pytest.raises(ensemble.EnsembleError, match="tokenizer"):
        ensemble.read_members([folders[0], other])

    shutil.copyfile(folders[1] / "tokenizer.json", other / "tokenizer.json")
    run = json.loads((other / "run.json").read_text())
    run["data"]["split_seed"] = 7
    (other / "run.json").write_text(json.dumps(run))
    with pytest.raises(ensemble.EnsembleError, match="different data"):
        ensemble.read_members([folders[0], other])

    (other / "model.keras").unlink()
    with pytest.raises(ensemble.EnsembleError, match="lacks model.keras"):
        ensemble.read_members([folders[0], other])

    read = ensemble.read_members(folders)
    args = cli.build_parser().parse_args(["ensemble", "--member", "x", *_tiny_splits(data_dir), "--seed", "7"])
    with pytest.raises(ensemble.EnsembleError, match="do not rebuild the run's splits"):
        ensemble.check_same_splits(read, SplitSettings.from_args(args).build().description)
