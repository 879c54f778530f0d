"""`probe-teacher` without torch: a stub teacher that reads one word."""

import json

import numpy as np
import pandas as pd

from model_build import assess, teacher_probe


class WordTeacher:
    """P(positive) 0.9 when the tweet says "love", else 0.2."""

    def score(self, texts: list[str]) -> np.ndarray:
        return np.array([0.9 if "love" in t.lower() else 0.2 for t in texts])


def frame(texts: list[str], labels: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"text": texts, "label": labels})


def test_probe_scores_held_out_sets_and_suites_at_both_thresholds():
    validation = frame(["love it", "hate it", "love you", "meh"], [1, 0, 1, 0])
    held_out = {"test": frame(["love this", "awful", "fine"], [1, 0, 1])}
    result = teacher_probe.probe(WordTeacher(), validation, held_out)

    assert set(result) == {"validation_threshold", "threshold_0.5"}
    at_half = result["threshold_0.5"]
    assert at_half["threshold"] == 0.5
    # "fine" is positive and scored 0.2: two of three right
    assert at_half["test"]["right"] == 2 and at_half["test"]["tweets"] == 3
    chosen = result["validation_threshold"]["threshold"]
    assert 0.2 < chosen <= 0.9  # any threshold between the two scores separates validation
    cases = json.loads((assess.CASES_DIR / "sarcasm.json").read_text(encoding="utf-8"))
    without_love = sum("love" not in t.lower() for t in cases["sarcastic_complaints"])
    assert at_half["sarcasm"]["complaints_negative"] == without_love
    assert at_half["sarcasm"]["complaints"] == len(cases["sarcastic_complaints"])
    emoji = json.loads((assess.CASES_DIR / "emoji_modern.json").read_text(encoding="utf-8"))
    assert at_half["emoji_modern"]["negative_right"] == sum("love" not in t.lower() for t in emoji["negative"])
    assert at_half["emoji_modern"]["positive_right"] == sum("love" in t.lower() for t in emoji["positive"])
    # the hand-labelled sets of assess are read when present
    assert "modern_tweets" in at_half["hand_labelled_sets"]
