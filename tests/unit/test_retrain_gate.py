"""The retraining gate decides from its inputs: a better candidate is proposed, a worse one is not,
and every reason for keeping the champion is stated in numbers."""

from __future__ import annotations

import dataclasses

import pytest

from model_build.feedback_holdout import is_held_out
from model_build.retrain_gate import (
    DECISION_RULE,
    KEEP,
    MAX_MANUAL_LOSS_TWEETS,
    MAX_TEST_LOSS,
    MIN_FEEDBACK_GAIN,
    MIN_FEEDBACK_HOLDOUT_ROWS,
    REPLACE,
    ModelScores,
    decide,
    markdown_summary,
)

SUITE = ("test_behaviour::test_clear_positives_are_positive", "test_sarcasm::test_sincere_thanks_stay_positive")
CHAMPION = ModelScores(
    version="fasttext_lstm@4",
    threshold=0.5,
    test_accuracy=0.8163,
    test_tweets=9000,
    manual_right=302,
    manual_tweets=359,
    feedback_right=30,
    feedback_tweets=50,
    behaviour_passed=SUITE,
    behaviour_failed=("test_unknown_words::test_x",),
)
BETTER = dataclasses.replace(
    CHAMPION, version="fasttext_lstm@6", test_accuracy=0.8140, manual_right=299, feedback_right=32
)
FEEDBACK = {"rows": 250, "sha256": "ab" * 32, "training_rows": 200, "holdout_rows": 50}


def test_a_candidate_meeting_every_condition_replaces_the_champion():
    result = decide(BETTER, CHAMPION)
    assert result.decision == REPLACE and result.candidate_wins and result.reasons == []
    assert [c.passed for c in result.checks] == [True] * 5


@pytest.mark.parametrize(
    "change, failed_check",
    [
        ({"feedback_right": 30}, "feedback accuracy"),  # no gain on the users' tweets
        ({"test_accuracy": 0.8163 - MAX_TEST_LOSS - 0.0002}, "test accuracy"),
        ({"manual_right": 302 - MAX_MANUAL_LOSS_TWEETS - 1}, "manual tweets right"),
        ({"behaviour_passed": SUITE[:1], "behaviour_failed": SUITE[1:]}, "behaviour tests"),
    ],
)
def test_each_condition_alone_keeps_the_champion_with_its_numbers(change, failed_check):
    result = decide(dataclasses.replace(BETTER, **change), CHAMPION)
    assert result.decision == KEEP and not result.candidate_wins
    assert [c.name for c in result.checks if not c.passed] == [failed_check]
    (reason,) = result.reasons
    assert reason.startswith(failed_check) and any(ch.isdigit() for ch in reason)


def test_too_little_held_out_feedback_keeps_the_champion():
    few = MIN_FEEDBACK_HOLDOUT_ROWS - 1
    result = decide(
        dataclasses.replace(BETTER, feedback_tweets=few, feedback_right=few),
        dataclasses.replace(CHAMPION, feedback_tweets=few, feedback_right=few - 10),
    )
    assert result.decision == KEEP
    assert result.reasons == [
        f"feedback held out: {few} held-out feedback rows (at least {MIN_FEEDBACK_HOLDOUT_ROWS} needed)"
    ]


def test_the_boundaries_are_the_written_inequalities():
    at_the_edge = dataclasses.replace(
        BETTER,
        test_accuracy=CHAMPION.test_accuracy - MAX_TEST_LOSS,
        manual_right=CHAMPION.manual_right - MAX_MANUAL_LOSS_TWEETS,
        feedback_right=31,
    )  # 31/50 = 30/50 + 0.02 exactly
    assert decide(at_the_edge, CHAMPION).decision == REPLACE
    for constant in (MIN_FEEDBACK_HOLDOUT_ROWS, MIN_FEEDBACK_GAIN, MAX_TEST_LOSS, MAX_MANUAL_LOSS_TWEETS):
        assert str(constant) in DECISION_RULE


def test_summary_says_why_in_numbers():
    text = markdown_summary(decide(dataclasses.replace(BETTER, feedback_right=29), CHAMPION), FEEDBACK)
    assert "**keep champion**" in text and "250 rows" in text and "50 held out" in text
    assert "candidate 0.5800 (29/50) vs champion 0.6000 (30/50); needs >= 0.6200" in text
    assert DECISION_RULE in text


def test_holdout_is_a_stable_fifth_of_prediction_ids():
    import uuid

    ids = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(5000)]
    share = sum(map(is_held_out, ids)) / len(ids)
    assert 0.18 < share < 0.22
    assert [is_held_out(i) for i in ids[:50]] == [is_held_out(i.upper()) for i in ids[:50]]


def test_a_held_out_text_never_reaches_training_under_another_prediction_id(tmp_path):
    import uuid

    from model_build.feedback_export import training_rows, write_csv
    from model_build.feedback_holdout import split_export

    ids = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(200)]
    held, kept = next(i for i in ids if is_held_out(i)), next(i for i in ids if not is_held_out(i))
    record = {
        "text": "same tweet twice",
        "sentiment": "negative",
        "probability": 0.2,
        "is_correct": True,
        "model_version": "fasttext_lstm@4",
        "received_at": "2026-11-27T10:00:00.000Z",
    }
    other = {**record, "text": "another tweet", "prediction_id": ids[-1] if not is_held_out(ids[-1]) else kept}
    write_csv(
        training_rows([{**record, "prediction_id": held}, {**record, "prediction_id": kept}, other]),
        tmp_path / "feedback.csv",
    )
    split = split_export(tmp_path / "feedback.csv", tmp_path)
    assert (split.holdout_rows, split.training_rows) == (1, 1)
    assert "same tweet twice" not in split.training.read_text(encoding="utf-8")
