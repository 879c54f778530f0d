"""Exported feedback closes the loop: `feedback-export`'s CSV joins the training rows only."""

from __future__ import annotations

import pytest

from model_build import data
from model_build.feedback_export import training_rows, write_csv


def feedback_record(text: str, sentiment: str, is_correct: bool) -> dict:
    return {
        "prediction_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "text": text,
        "sentiment": sentiment,
        "probability": 0.9 if sentiment == "positive" else 0.1,
        "is_correct": is_correct,
        "model_version": "fasttext_lstm@1",
        "received_at": "2026-11-25T10:00:00.000Z",
    }


def test_exported_feedback_is_added_to_training_with_corrected_labels(data_dir, tmp_path):
    export = tmp_path / "feedback.csv"
    write_csv(
        training_rows(
            [
                feedback_record("zzq rejected: the delay was sooo fun", "positive", is_correct=False),
                feedback_record("zzq confirmed: lovely crew today", "positive", is_correct=True),
            ]
        ),
        export,
    )

    splits = data.build_splits(data_dir, test_rows=1000, validation_rows=500, extra_files=(export,))

    extra = splits.train[splits.train["source"] == "extra:feedback.csv"].set_index("text")["label"]
    assert extra.to_dict() == {"zzq rejected: the delay was sooo fun": 0, "zzq confirmed: lovely crew today": 1}
    assert "feedback.csv" in splits.description["sources"]
    held_out = set(splits.validation["text"]) | set(splits.test["text"])
    assert not held_out & set(extra.index)


def test_extra_file_with_other_labels_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,target\nhello,4\n", encoding="utf-8")
    with pytest.raises(ValueError, match="target"):
        data.load_extra_labelled(bad)


def _mixed_training_rows():
    import pandas as pd

    return pd.DataFrame(
        {
            "text": ["a", "b", "c", "d"],
            "label": [1, 0, 0, 1],
            "source": ["subset_100k", "random_union", "extra:handwritten.csv", "extra:feedback.csv"],
        }
    )


def test_human_labelled_rows_are_repeated_and_the_rest_kept_once():
    train = _mixed_training_rows()
    repeated = data.repeat_human_labelled(train, 3)
    assert repeated["text"].value_counts().to_dict() == {"a": 1, "b": 1, "c": 3, "d": 3}
    assert data.repeat_human_labelled(train, 1) is train
    with pytest.raises(ValueError):
        data.repeat_human_labelled(train, 0)


def test_the_teacher_never_scores_human_labelled_rows():
    from model_build.distill import transfer_set

    train = _mixed_training_rows()
    assert transfer_set(train, None, seed=1)["text"].tolist() == ["a", "b"]
