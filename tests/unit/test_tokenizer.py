"""TweetTokenizer: vocabulary, pre-padding, out-of-vocabulary ids and the JSON round trip."""

from __future__ import annotations

import numpy as np

from predict.normalize import NORMALIZATION_VERSION
from predict.tokenizer import TweetTokenizer

CORPUS = ["i love it", "i hate it", "love love love", "it is late", "i am late"]


def test_vocabulary_is_ordered_by_frequency_after_pad_and_oov():
    tokenizer = TweetTokenizer.fit(CORPUS, max_words=10, min_count=2, max_length=5)
    assert tokenizer.vocabulary[:2] == ("<pad>", "<oov>")
    assert tokenizer.vocabulary[2] == "love"  # 4 occurrences
    assert "hate" not in tokenizer.vocabulary  # below min_count


def test_sequences_are_pre_padded_and_unknown_words_map_to_oov():
    tokenizer = TweetTokenizer.fit(CORPUS, min_count=2, max_length=5)
    ids = tokenizer.encode_normalized(["i love zebras"], dtype=np.int32)
    assert ids.dtype == np.int32 and ids.shape == (1, 5)
    love, i = tokenizer.vocabulary.index("love"), tokenizer.vocabulary.index("i")
    assert ids.tolist() == [[0, 0, i, love, tokenizer.oov_id]]


def test_long_tweets_keep_their_first_tokens():
    tokenizer = TweetTokenizer.fit(CORPUS, min_count=1, max_length=3)
    ids = tokenizer.encode_normalized(["i love it is late"])
    words = [tokenizer.vocabulary[i] for i in ids[0]]
    assert words == ["i", "love", "it"]


def test_encode_normalises_raw_tweets_first():
    tokenizer = TweetTokenizer.fit(CORPUS, min_count=1, max_length=4)
    raw = tokenizer.encode(["@someone I LOVE it!!! http://x.co/1"])
    assert (raw == tokenizer.encode_normalized(["i love it !"])).all()


def test_empty_tweet_is_all_padding():
    tokenizer = TweetTokenizer.fit(CORPUS, max_length=4)
    assert tokenizer.encode(["@only_a_mention"]).tolist() == [[0, 0, 0, 0]]


def test_json_round_trip_keeps_every_field(tmp_path):
    tokenizer = TweetTokenizer.fit(CORPUS, min_count=1, max_length=7)
    tokenizer.save(tmp_path / "tokenizer.json")
    loaded = TweetTokenizer.load(tmp_path / "tokenizer.json")
    assert loaded == tokenizer
    assert loaded.normalization_version == NORMALIZATION_VERSION
    assert (loaded.encode(CORPUS) == tokenizer.encode(CORPUS)).all()


def test_encoded_batch_counts_tokens_unknown_words_and_truncation():
    tokenizer = TweetTokenizer.fit(CORPUS, min_count=2, max_length=3)
    encoded = tokenizer.encode_batch_normalized(["i love zebras", "i love it is late", ""])
    assert (encoded.feeds["token_ids"] == tokenizer.encode_normalized(["i love zebras", "i love it is late", ""])).all()
    assert encoded.token_counts == [3, 5, 0]
    assert encoded.unknown_counts == [1, 0, 0]
    assert encoded.truncated == [False, True, False]
