"""The TF-IDF baseline's bag-of-words pipeline (model_build/bag_of_words.py): lemmas, stop words
dropped, negations kept. Needs nltk's stop words (tests/training/conftest.py points at them)."""

from __future__ import annotations

import pytest

from model_build.bag_of_words import normalize_for_bag_of_words


@pytest.mark.parametrize(
    ("tweet", "expected"),
    [
        ("I didn\u2019t like the movies, the actors were running around", "didn't like movie actor run around"),
        ("I am NOT happy with the flights!!!", "not happy flight"),
        ("Never again, no thanks", "never no thanks"),
        ("@delta the crew were amazing :) http://tw.pic/1", "crew amazing smile"),
        ("Going to #Paris tomorrow &amp; loving it", "go paris tomorrow love"),
        ("Sooooo sick of waiting", "soo sick wait"),
    ],
)
def test_bag_of_words_pipeline_lemmatises_drops_stop_words_and_keeps_negations(tweet, expected):
    assert normalize_for_bag_of_words(tweet) == expected


def test_bag_of_words_pipeline_drops_punctuation():
    assert "!" not in normalize_for_bag_of_words("wow!!! really? yes!")
    assert "?" not in normalize_for_bag_of_words("wow!!! really? yes!")
