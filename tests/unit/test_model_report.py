"""docs/model.md shows the deployed model card's figures: the generated block is current."""

from __future__ import annotations

from model_build import report


def test_the_model_report_matches_the_deployed_card():
    assert report.generated_block(report.DOC_FILE) == report.render(*report.load_sources()).strip("\n"), (
        "docs/model.md is stale: run `python -m model_build report`"
    )


def test_the_report_names_the_served_version_and_threshold():
    card, records = report.load_sources()
    text = report.render(card, records)
    assert f"`{card['name']}@{card['version']}`" in text
    assert f"{card['threshold']:.3f}" in text


def test_hand_labelled_sets_show_a_dash_for_a_set_a_model_was_not_scored_on():
    airline = {"balanced_accuracy": 0.7281}
    older = {"modern_tweets": {"balanced_accuracy": 0.78}, "handwritten_airline": airline}
    assert report._hand_labelled(older) == "78.0% / — / —, 72.8%"
    newer = {**older, "modern_tweets_2": {"balanced_accuracy": 0.71}}
    assert report._hand_labelled(newer) == "78.0% / 71.0% / —, 72.8%"
    newest = {**newer, "modern_tweets_3": {"balanced_accuracy": 0.745}}
    assert report._hand_labelled(newest) == "78.0% / 71.0% / 74.5%, 72.8%"
    assert report._hand_labelled(None) == "not measured"
