"""Sarcastic airline complaints: thanks and praise words, a complaint in substance.

Written by hand for this suite (November 2026) before any model scored them, and never used for
training, threshold choice or model selection: they are reported, not tuned on. Sentiment140's
emoticon labels teach that "thanks" and "great" mean positive, so this is where a tweet model
trained on them is weakest; the pass rate each test keeps is the one the shipped model reached,
stated in the test, so a regression fails. docs/model.md reports the rate of every model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from predict.model import load_model_artifact
from service.settings import get_settings

CASES = json.loads((Path(__file__).parent / "cases" / "sarcasm.json").read_text(encoding="utf-8"))
SARCASTIC_COMPLAINTS: list[str] = CASES["sarcastic_complaints"]
SINCERE_THANKS: list[str] = CASES["sincere_thanks"]


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(get_settings().model_dir)


def negative_rate(model, texts) -> float:
    probabilities = model.predict_proba(texts)
    return float((probabilities < model.threshold).mean())


def test_the_suite_is_about_forty_complaints_and_ten_controls():
    assert len(SARCASTIC_COMPLAINTS) == 40 and len(set(SARCASTIC_COMPLAINTS)) == 40
    assert len(SINCERE_THANKS) == 10


def test_sarcastic_complaints_keep_the_shipped_models_rate(model):
    # fasttext_lstm@8 (served): 22 of 40; @7 11, @6 and @5 17, @4 16. The floor is the shipped
    # model's rate: barely half, and stated as it is. The rules report this suite and never decide
    # on it (docs/model.md, candidates 11 to 15).
    assert negative_rate(model, SARCASTIC_COMPLAINTS) >= 22 / 40


def test_sincere_thanks_stay_positive(model):
    # Guards against a model that calls every airline tweet negative. Expected: 9 of 10.
    assert 1.0 - negative_rate(model, SINCERE_THANKS) >= 0.9
