"""Tweets in words and emoji that came after 2009 (apps, Uber, AirPods, "lowkey", 🥰, 🙄).

Hand-written (tests/model/cases/modern.json) before any model scored them and never tuned on.
The 2009 training tweets never saw most of these words: what is checked is that the words the
model does know still decide, and that the unknown ones do not push every tweet one way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from predict.model import load_model_artifact
from service.settings import get_settings

CASES = json.loads((Path(__file__).parent / "cases" / "modern.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(get_settings().model_dir)


def test_modern_positive_tweets_are_positive(model):
    probabilities = model.predict_proba(CASES["positive"])
    # Expected: at least 8 of 10.
    assert (probabilities >= model.threshold).mean() >= 0.8


def test_modern_negative_tweets_are_negative(model):
    probabilities = model.predict_proba(CASES["negative"])
    # Expected: at least 8 of 10.
    assert (probabilities < model.threshold).mean() >= 0.8
