"""Emoji as people use them on Twitter today: 😭 and 💀 for laughing, 🥹 for being touched, 🔥 for
praise, 🤡 and 🙃 for mockery, 🙏 for thanks and for pleading.

Written for this suite (tests/model/cases/emoji_modern.json, 30 tweets per label) by a session
that never saw a model's output or how normalisation maps emoji, and committed before any model
scored them; never used for training or threshold choice. Like every test here, its floors gate
a release; they are the shipped model's counts, stated as they are: the positive half is where it
is weak.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from predict.model import load_model_artifact
from service.settings import get_settings

CASES = json.loads((Path(__file__).parent / "cases" / "emoji_modern.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(get_settings().model_dir)


def test_the_suite_is_thirty_tweets_per_label():
    for label in ("positive", "negative"):
        assert len(CASES[label]) == 30 and len(set(CASES[label])) == 30


def test_modern_emoji_positive_tweets_keep_the_shipped_models_count(model):
    # fasttext_lstm@8: 17 of 30; @7: 16; @6 (normalisation v4): 13; @5 (v3, 😭 read as "cry", 💀 as "skull"): 6.
    assert int((model.predict_proba(CASES["positive"]) >= model.threshold).sum()) >= 17


def test_modern_emoji_negative_tweets_keep_the_shipped_models_count(model):
    # fasttext_lstm@8: 27 of 30; @7: 26; @6: 28; @5: 27. @7 shipped under the thirteenth rule, which
    # judged this suite as a whole (42 of 60 against @6's 41; docs/model.md, candidates 11 to 13).
    assert int((model.predict_proba(CASES["negative"]) < model.threshold).sum()) >= 27
