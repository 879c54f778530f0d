"""The unknown-word recipe: gensim's n-gram hashing reproduced without gensim, the lexicon
channel, the unseen-word copies, and the served graph's n-gram means equal to training's table."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models.fasttext import compute_ngrams_bytes, ft_ngram_hashes

from model_build import embeddings, lexicon, lstm
from predict.subwords import MAX_NGRAMS_PER_WORD, SubwordSettings, bucket_ids, char_ngrams
from predict.tokenizer import UNSEEN_PREFIX, TweetTokenizer

WORDS = [
    "flight",
    "a",
    "lowkey",
    "airpods",
    "café",
    "naïve",
    "don't",
    "!",
    "soooo",
    "x" * 40,
    "\U0001f600ok",
    "ünïcödé",
]


@pytest.mark.parametrize("word", WORDS)
def test_bucket_ids_match_gensims_own_hashing(word):
    settings = SubwordSettings(buckets=60_000)
    assert char_ngrams(word, 3, 6) == compute_ngrams_bytes(word, 3, 6)
    expected = [1 + h for h in ft_ngram_hashes(word, 3, 6, settings.buckets)]
    assert list(bucket_ids(word, settings)) == expected[:MAX_NGRAMS_PER_WORD]


def test_served_mean_of_ngram_vectors_is_gensims_vector_for_an_unknown_word():
    corpus = ["the flight was delayed again", "flights delayed today", "great flight crew"] * 20
    vectors = embeddings.train_fasttext(corpus, dim=8, epochs=1, min_count=1, workers=1, buckets=1000)
    lookup = embeddings.fasttext_lookup(vectors)
    means = embeddings.unseen_word_vectors(["flightss", "delayz"], lookup.ngram_table, lookup.subwords)
    assert np.allclose(means, [vectors["flightss"], vectors["delayz"]], atol=1e-6)


def test_lexicon_keeps_single_words_scaled_to_unit_range():
    table = lexicon.read_lexicon("good\t1.9\t0.9\t[]\n:)\t2.0\t1\t[]\nawful\t-3.4\t0.5\t[]\ntwo words\t1\t1\t[]\n")
    assert table == {"good": pytest.approx(0.475), "awful": pytest.approx(-0.85)}
    column = lexicon.valence_column(("<pad>", "<oov>", "good", "crew"), table)
    assert column.shape == (4, 1) and column[2, 0] == pytest.approx(0.475) and column[3, 0] == 0


def test_the_installed_vader_lexicon_reads():
    table = lexicon.vader_valence()
    assert len(table) > 5000 and table["great"] > 0 > table["terrible"]


def test_unseen_copies_keep_targets_and_mark_words():
    settings = lstm.LstmSettings(unseen_copies=2, unseen_rate=(0.5, 0.5), madeup_share=0.5)
    texts, targets = lstm.unseen_copies(
        ["good flight crew today", "bad delay", ""], np.array([0.9, 0.1, 0.5]), settings, np.random.default_rng(0)
    )
    assert len(texts) == 4 and targets.tolist() == pytest.approx([0.9, 0.1, 0.9, 0.1])
    assert all(any(t.startswith(UNSEEN_PREFIX) for t in text.split()) for text in texts)
    assert {len(t.split()) for t in texts[::2]} == {4}


def test_inserted_madeup_words_keep_every_word_of_the_tweet():
    settings = lstm.LstmSettings(unseen_copies=3, unseen_rate=(1.0, 1.0), madeup_share=1.0, madeup_placement="insert")
    texts, _ = lstm.unseen_copies(["good flight crew today"], np.array([0.9]), settings, np.random.default_rng(0))
    for text in texts:
        tokens = text.split()
        # every original word is still there, in order, read through its spelling; one made-up word follows each
        assert tokens[::2] == [UNSEEN_PREFIX + w for w in ("good", "flight", "crew", "today")]
        assert len(tokens) == 8 and all(t.startswith(UNSEEN_PREFIX) for t in tokens[1::2])
        assert not {t.removeprefix(UNSEEN_PREFIX) for t in tokens[1::2]} & {"good", "flight", "crew", "today"}


def test_tokenizer_gives_each_unseen_word_one_row_per_batch():
    tokenizer = TweetTokenizer(
        vocabulary=("<pad>", "<oov>", "good", "flight"), max_length=6, subwords=SubwordSettings(buckets=100)
    )
    feeds = tokenizer.feeds_normalized(["good uber flight uber", "lowkey", "good"])
    size = len(tokenizer.vocabulary)
    assert feeds["token_ids"].tolist()[0] == [0, 0, 2, size, 3, size]
    assert feeds["token_ids"].tolist()[1][-1] == size + 1
    assert feeds["subword_ids"].shape == (2, max(len(bucket_ids(w, tokenizer.subwords)) for w in ("uber", "lowkey")))
    # no unseen word: one padding row, so the graph's input is never empty
    assert tokenizer.feeds_normalized(["good"])["subword_ids"].tolist() == [[0]]
    # a known word marked unseen reads its spelling, not its row
    marked = tokenizer.feeds_normalized([UNSEEN_PREFIX + "good"])
    assert marked["token_ids"][0, -1] == size


def test_format_two_round_trips_through_json(tmp_path):
    tokenizer = TweetTokenizer(
        vocabulary=("<pad>", "<oov>", "good"), subwords=SubwordSettings(min_n=3, max_n=5, buckets=77)
    )
    tokenizer.save(tmp_path / "tokenizer.json")
    loaded = TweetTokenizer.load(tmp_path / "tokenizer.json")
    assert loaded.subwords == tokenizer.subwords
    texts = ["good zebra", "zebra zebras"]
    for name, value in tokenizer.feeds_normalized(texts).items():
        assert (loaded.feeds_normalized(texts)[name] == value).all()
