"""A model card holds what `export` measured; the decision records live in the file it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model_build import cli, decisions, report
from model_build.retrain import next_version

RECORDS = {
    "decision": {"outcome": "shipped"},
    "assessment": {"what": "assess", "models": {}},
    "candidates_not_shipped": [{"version_as_exported": "fasttext_lstm@5"}],
    "normalization_history": "v1 → v2",
}


def _folder(tmp_path: Path, card: dict) -> Path:
    (tmp_path / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    return tmp_path


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_split_card_moves_the_records_and_names_the_decision_file(tmp_path):
    card = {"name": "fasttext_lstm", "version": "4", "decision_rule": "ship if ...", **RECORDS}
    folder = _folder(tmp_path, card)
    assert cli.main(["split-card", str(folder)]) == 0
    split = _read(folder / "model_card.json")
    assert split == {
        "name": "fasttext_lstm",
        "version": "4",
        "decision_rule": "ship if ...",
        "decisions": "decisions.json",
    }
    assert _read(folder / "decisions.json") == RECORDS
    assert decisions.read_decisions(folder / "model_card.json") == RECORDS


def test_split_card_twice_changes_nothing(tmp_path):
    folder = _folder(tmp_path, {"name": "fasttext_lstm", "version": "4", **RECORDS})
    decisions.split_card(folder)
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert decisions.split_card(folder) == []
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files


def test_records_edited_in_the_card_replace_those_of_an_older_decision_file(tmp_path):
    folder = _folder(tmp_path, {"name": "fasttext_lstm", "version": "5", "assessment": {"what": "new"}})
    (folder / "decisions.json").write_text(json.dumps(RECORDS), encoding="utf-8")
    assert decisions.split_card(folder) == ["assessment"]
    assert _read(folder / "decisions.json") == {**RECORDS, "assessment": {"what": "new"}}


def test_a_card_still_holding_records_is_refused_with_the_command_that_splits_it(tmp_path):
    folder = _folder(tmp_path, {"name": "fasttext_lstm", "version": "4", **RECORDS})
    with pytest.raises(decisions.CardNotSplitError, match="split-card"):
        decisions.read_decisions(folder / "model_card.json")


def test_a_folder_without_a_decision_file_has_no_records(tmp_path):
    folder = _folder(tmp_path, {"name": "fasttext_lstm", "version": "4", "decisions": "decisions.json"})
    assert decisions.read_decisions(folder / "model_card.json") == {}
    decisions.write_decisions(folder, {"decision": {"outcome": "kept"}})
    decisions.write_decisions(folder, {"assessment": {"what": "assess"}})
    assert decisions.read_decisions(folder / "model_card.json") == {
        "decision": {"outcome": "kept"},
        "assessment": {"what": "assess"},
    }


def test_the_deployed_card_holds_no_decision_records():
    card = _read(report.CARD_FILE)
    assert card["decisions"] == decisions.DECISIONS_FILE
    assert not set(decisions.DECISION_KEYS) & set(card)
    assert (report.CARD_FILE.parent / decisions.DECISIONS_FILE).is_file()


def test_retrain_numbers_its_candidate_past_the_recorded_candidates():
    assert next_version({"version": "4"}, {"candidates_not_shipped": RECORDS["candidates_not_shipped"]}) == "6"
    assert next_version({"version": "4"}, {}) == "5"
