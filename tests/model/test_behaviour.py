"""Behaviour of the committed model (onnx_models/), in the spirit of CheckList (Ribeiro et al. 2020).

Minimum functionality, invariance and directional expectations on hand-written airline tweets that
are not in any training or test file. The model is imperfect, so each family states the pass rate
it must keep; a regression below it fails. Invariance to @mentions and URLs is exact (normalisation
drops them), so those tests demand 100%.
"""

from __future__ import annotations

import pytest

from predict.model import load_model_artifact
from service.settings import get_settings

CLEAR_POSITIVES = [
    "I love this airline, the crew was amazing",
    "Thank you so much for the upgrade, best flight ever!",
    "Great service and a smooth landing, very happy",
    "The staff at the gate were so friendly and helpful",
    "Finally home, what a wonderful trip",
    "Awesome, my bag arrived first. Thanks guys",
    "Such a nice surprise, free snacks and a comfy seat",
    "Really enjoyed the flight today, great job",
    "Loving the new app, booking was easy",
    "Excellent customer service, they fixed everything in minutes",
]
CLEAR_NEGATIVES = [
    "I hate this airline, worst service ever",
    "My flight is delayed again and nobody tells us anything",
    "They lost my luggage and the staff was rude",
    "Stuck on the tarmac for three hours, this is terrible",
    "Cancelled flight, no refund, so angry right now",
    "Horrible experience, never flying with them again",
    "The seat was broken and the food was disgusting",
    "Missed my connection because of your delay, thanks for nothing",
    "I'm so sad, the trip is ruined",
    "Waited on hold for two hours and then they hung up on me",
]
NEGATION_PAIRS = [  # (positive, its negation): the negation must lower P(positive)
    ("the flight was good", "the flight was not good"),
    ("I am happy with the service", "I am not happy with the service"),
    ("I like this airline", "I don't like this airline"),
    ("the crew was helpful", "the crew was not helpful at all"),
    ("this is great", "this is not great"),
    ("I would recommend them", "I would never recommend them"),
    ("the food was nice", "the food was not nice"),
    ("the seats are comfortable", "the seats are not comfortable"),
]
DECORATIONS = [
    lambda t: "@united " + t,
    lambda t: t + " @AmericanAir @JetBlue",
    lambda t: t + " http://t.co/abc123",
    lambda t: t + " https://www.example.com/flights?id=42",
]
PUNCTUATION = [lambda t: t + ".", lambda t: t + "!", lambda t: t + "!!!"]


@pytest.fixture(scope="module")
def model():
    # The folder serving would load (MODEL_DIR), so a candidate can be checked before it ships.
    return load_model_artifact(get_settings().model_dir)


def labels(model, texts):
    return [int(p >= model.threshold) for p in model.predict_proba(texts)]


def pass_rate(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags)


def test_clear_positives_are_positive(model):
    # Expected: at least 9 of 10.
    assert pass_rate(label == 1 for label in labels(model, CLEAR_POSITIVES)) >= 0.9


def test_clear_negatives_are_negative(model):
    # Expected: at least 9 of 10.
    assert pass_rate(label == 0 for label in labels(model, CLEAR_NEGATIVES)) >= 0.9


def test_negation_lowers_the_positive_probability(model):
    positives = model.predict_proba([p for p, _ in NEGATION_PAIRS])
    negated = model.predict_proba([n for _, n in NEGATION_PAIRS])
    # Expected: at least 7 of 8 pairs move the right way (an LSTM reads word order).
    assert pass_rate(n < p for p, n in zip(positives, negated, strict=True)) >= 7 / 8


def test_mentions_and_urls_change_nothing(model):
    base = CLEAR_POSITIVES + CLEAR_NEGATIVES
    reference = model.predict_proba(base)
    for decorate in DECORATIONS:
        decorated = model.predict_proba([decorate(t) for t in base])
        assert max(abs(decorated - reference)) < 1e-6


def test_trailing_punctuation_keeps_the_label(model):
    base = CLEAR_POSITIVES + CLEAR_NEGATIVES
    reference = labels(model, base)
    for punctuate in PUNCTUATION:
        # Expected: at least 95% of labels unchanged.
        assert (
            pass_rate(a == b for a, b in zip(reference, labels(model, [punctuate(t) for t in base]), strict=True))
            >= 0.95
        )


def test_emoticons_and_emoji_carry_sentiment(model):
    positives = ["just landed :)", "on my way home \U0001f60a", "see you soon \u2764\ufe0f", "we made it :D"]
    negatives = ["just landed :(", "on my way home \U0001f622", "see you soon \U0001f621", "we missed it :'("]
    p_pos, p_neg = model.predict_proba(positives), model.predict_proba(negatives)
    # Expected: each happy version scores above its sad twin (4 of 4).
    assert all(p > n for p, n in zip(p_pos, p_neg, strict=True))


def test_emoji_only_and_empty_after_normalisation_still_answer(model):
    probabilities = model.predict_proba(["\U0001f602\U0001f602\U0001f602", "@united", "http://t.co/x", "!!!"])
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
