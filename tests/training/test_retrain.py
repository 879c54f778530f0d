"""Retraining from feedback, tiny and end to end: feedback posted through the live host's HTTP API
into real Azurite, `python -m model_build retrain` on a few hundred tweets, the gate's decision.

The tiny candidate (400 tweets, one epoch) must lose to the committed champion: the gate is real,
so it says "keep champion" and why, in numbers. Takes minutes (the behaviour suites run on both
models): 7 min 9 s here with other jobs keeping the load average near 9 on 2 cores.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import mlflow
import pytest
from mlflow import MlflowClient

from model_build import cli, decisions, retrain, tracking
from model_build.local_feedback import post_feedback, synthetic_tweets
from model_build.retrain_gate import KEEP
from tests.training.tiny import TINY_LSTM, tiny_data

pytestmark = pytest.mark.slow
FEEDBACK_ROWS = 60


@pytest.fixture(scope="module")
def retrained(live_host, azurite, data_dir, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("retrain")
    since = datetime.now(UTC) - timedelta(seconds=1)
    posted = post_feedback(live_host.base_url, synthetic_tweets(FEEDBACK_ROWS, seed=3))
    until = datetime.now(UTC) + timedelta(seconds=1)
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    code = cli.main(
        [
            "retrain",
            "--connection-string",
            azurite.connection_string,
            "--table",
            "feedbacklive",
            "--since",
            since.isoformat(),
            "--until",
            until.isoformat(),
            *tiny_data(data_dir),
            *TINY_LSTM,
            "--output-dir",
            str(tmp_path / "out"),
            "--tracking-uri",
            uri,
        ]
    )
    assert code == 0
    return posted, tmp_path / "out", uri


def test_feedback_posted_through_the_api_is_exported_and_split(retrained):
    posted, out, _ = retrained
    assert posted == {"posted": FEEDBACK_ROWS, "stored": FEEDBACK_ROWS, "rejected": posted["rejected"]}
    decision = json.loads((out / "decision.json").read_text())
    feedback = decision["feedback"]
    assert feedback["rows"] == FEEDBACK_ROWS
    assert feedback["training_rows"] + feedback["holdout_rows"] == FEEDBACK_ROWS
    assert feedback["sha256"] == hashlib.sha256((out / "feedback.csv").read_bytes()).hexdigest()
    assert decision["data"]["train"] >= 400 + feedback["training_rows"] - 5  # feedback is not sampled away


def test_decision_file_holds_both_models_numbers_and_a_real_decision(retrained):
    _, out, _ = retrained
    decision = json.loads((out / "decision.json").read_text())
    for side in ("candidate", "champion"):
        scores = decision[side]
        assert scores["test_tweets"] == 1000 and scores["manual_tweets"] == 359
        assert 0 <= scores["test_accuracy"] <= 1 and 0 <= scores["manual_right"] <= 359
        assert scores["feedback_tweets"] == decision["feedback"]["holdout_rows"]
        assert scores["behaviour_passed"] or scores["behaviour_failed"]
    # the committed champion, and one past it and past every candidate its decision file records
    champion_card_path = retrain.DEFAULT_CHAMPION_DIR / decisions.CARD_FILE
    champion_card = json.loads(champion_card_path.read_text())
    expected_next = retrain.next_version(champion_card, decisions.read_decisions(champion_card_path))
    assert decision["champion"]["version"] == f"fasttext_lstm@{champion_card['version']}"
    assert decision["candidate"]["version"] == f"fasttext_lstm@{expected_next}"
    # 400 tweets and one epoch cannot match the shipped model: the rule keeps the champion, saying why
    assert decision["decision"] == KEEP and not decision["candidate_wins"]
    assert any(r.startswith("test accuracy: candidate") for r in decision["reasons"])
    assert all(any(ch.isdigit() for ch in r) for r in decision["reasons"])
    summary = (out / "summary.md").read_text()
    assert "**keep champion**" in summary and "Why the champion stays" in summary
    card = json.loads((out / "candidate" / "model_card.json").read_text())
    assert card["training_data"]["feedback"]["rows"] == FEEDBACK_ROWS  # export wrote it, from run.json
    recorded = decisions.read_decisions(out / "candidate" / "model_card.json")["decision"]
    assert recorded["decision"] == KEEP and recorded["rule"] == decision["rule"]


def test_mlflow_runs_carry_the_export_sha256_and_rows_and_the_alias_never_moves(retrained):
    _, out, uri = retrained
    decision = json.loads((out / "decision.json").read_text())
    mlflow.set_tracking_uri(uri)
    runs = mlflow.search_runs(experiment_names=[tracking.EXPERIMENT])
    assert len(runs) == 2
    assert set(runs["tags.retrain"]) == {"candidate", "gate"}
    assert set(runs["tags.feedback_export_sha256"]) == {decision["feedback"]["sha256"]}
    assert set(runs["tags.feedback_export_rows"]) == {str(FEEDBACK_ROWS)}
    client = MlflowClient(uri)
    assert client.search_registered_models() == []  # nothing registered, so no champion alias
    assert tracking.champion_run_id(uri) is None
