"""The benchmark compares the served graph with the Keras file of the SAME training run only."""

from __future__ import annotations

import json

from bench.__main__ import keras_file_of_artefact


def _artefact(tmp_path, run_id):
    folder = tmp_path / "artefact"
    folder.mkdir()
    (folder / "model_card.json").write_text(json.dumps({"mlflow": {"run_id": run_id}}))
    return folder


def _keras(tmp_path, run_id):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "model.keras").write_bytes(b"not read here")
    (folder / "run.json").write_text(json.dumps({"run_id": run_id}))
    return folder / "model.keras"


def test_keras_file_of_the_same_run_is_used(tmp_path):
    keras_file = _keras(tmp_path, "abc")
    assert keras_file_of_artefact(_artefact(tmp_path, "abc"), keras_file) == keras_file


def test_keras_file_of_another_run_is_skipped_with_a_message(tmp_path, capsys):
    keras_file = _keras(tmp_path, "older")
    assert keras_file_of_artefact(_artefact(tmp_path, "newer"), keras_file) is None
    assert "run older" in capsys.readouterr().err


def test_missing_keras_file_is_skipped(tmp_path):
    assert keras_file_of_artefact(_artefact(tmp_path, "abc"), tmp_path / "none.keras") is None
