"""Word-vector sources line up with the tokenizer's vocabulary."""

from __future__ import annotations

import numpy as np

from model_build import embeddings
from predict.tokenizer import TweetTokenizer

TOKENIZER = TweetTokenizer.fit(["good flight", "bad flight", "good crew"], min_count=1)


def test_a_user_vec_file_fills_known_words_and_leaves_padding_zero(tmp_path):
    vec = tmp_path / "tiny.vec"
    vec.write_text("2 3\ngood 1 2 3\nflight 0.5 0.5 0.5\nunused 9 9 9\n", encoding="utf-8")
    assert embeddings.vec_file_dim(vec) == 3
    lookup = embeddings.fasttext_source(vec_file=vec)(["good flight"], set(TOKENIZER.vocabulary))
    matrix, coverage = embeddings.embedding_matrix(TOKENIZER, lookup, 3)
    assert matrix.shape == (len(TOKENIZER.vocabulary), 3)
    assert np.allclose(matrix[TOKENIZER.vocabulary.index("good")], [1, 2, 3])
    assert not matrix[TOKENIZER.pad_id].any()
    assert coverage == 2 / 4  # good, flight of {flight, good, bad, crew}


def test_glove_comes_from_the_installed_package():
    table = embeddings.load_glove(words={"good", "flight", "zzzunknownzzz"})
    assert set(table) == {"good", "flight"}
    assert table["good"].shape == (50,) and table["good"].dtype == np.float32


def test_fasttext_gives_vectors_to_unseen_words_from_their_subwords():
    corpus = ["the flight was delayed again", "flights delayed today", "great flight crew"] * 20
    vectors = embeddings.train_fasttext(corpus, dim=8, epochs=1, min_count=1, workers=1)
    lookup = embeddings.fasttext_lookup(vectors)
    assert lookup("flightss") is not None and lookup("flightss").shape == (8,)
