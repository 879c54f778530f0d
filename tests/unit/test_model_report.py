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
