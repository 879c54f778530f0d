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
    card, records, measured = headline.load_sources()
    assert f"`{card['name']}@{card['version']}`" in headline.render(card, records, measured)


class _StubModel:
    """Answers 0.1 for the first text of a call and 0.9 for the others."""

    version = "fasttext_lstm@99"
    threshold = 0.45

    class tokenizer:  # stands in for the model's TweetTokenizer
        normalization_version = "99"

    def predict_proba(self, texts):
        return [0.1] + [0.9] * (len(texts) - 1)


def test_the_api_examples_are_rewritten_from_what_a_model_answers():
    from docgen import api_examples

    rewritten = api_examples.rewrite(api_examples.README.read_text(encoding="utf-8"), _StubModel())
    block = rewritten.split("## The API", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    # single 0.1; batch 0.1 then 0.9; the feedback request and its answer repeat the single one
    assert [float(p) for p in block.split('"probability": ')[1:] for p in [p.split()[0].rstrip(",")]] == [
        0.1,
        0.1,
        0.9,
        0.1,
        0.1,
    ]
    assert '"sentiment": "positive"' in block and "fasttext_lstm@4" not in block
    assert '"threshold": 0.45' in block
    assert '"normalization_version": "99"' in block
