"""The figures people read are rendered from their sources: a stale document fails here."""

from __future__ import annotations

import json

from bench import markdown, results
from docgen import headline


def test_the_readme_headline_matches_the_card_and_the_bench_results():
    assert headline.current() == headline.render(*headline.load_sources()), (
        "README.md's headline figures are stale: run `python -m docgen.headline`"
    )


def test_the_benchmark_tables_match_the_bench_results():
    measured = json.loads(results.RESULTS_FILE.read_text(encoding="utf-8"))
    assert markdown.generated_block() == markdown.render(measured).strip("\n"), (
        "docs/benchmarks.md is stale: run `python -m bench report`"
    )


def test_the_headline_names_the_served_version():
    card, measured = headline.load_sources()
    assert f"`{card['name']}@{card['version']}`" in headline.render(card, measured)
