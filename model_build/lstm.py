"""Keras LSTM classifier over pre-trained word vectors (GloVe or FastText).

Shape rules that keep the ONNX export fast (DESIGN.md): fixed-length pre-padded token ids, no
`mask_zero` (a masked LSTM becomes an ONNX Loop, 8x slower), and the embedding weights set with
`set_weights` rather than a Constant initialiser (which would serialise the matrix as JSON).

With FastText n-grams (`subword_buckets` > 0) the embedding is `WordEmbedding`: a word in the
vocabulary reads its trainable row; an unseen word reads the mean of its n-gram vectors (frozen,
from FastText) through a trainable projection; a frozen channel carries the lexicon's valence.
Training feeds unseen words as ids past the vocabulary into a precomputed table of those means
(fast); serving computes the means in the graph from the batch's `subword_ids` (predict/tokenizer).
Training also sees "unseen-word copies" of its tweets: words switched to their n-gram vector or
to a made-up word's, with the tweet's own target, so an unknown word is no evidence either way.
"""

from __future__ import annotations

import functools
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from predict.tokenizer import TweetTokenizer

INPUT_NAME, OUTPUT_NAME = "token_ids", "probability"
ENSEMBLE_NAME, MEMBER_PREFIX = "student_ensemble", "member_"  # model_build/ensemble.py


@dataclass
class LstmSettings:
    max_length: int = 50  # tweets are short: 99% of normalised tweets have fewer than 40 tokens
    max_words: int = 40_000
    min_count: int = 2
    units: int = 96
    bidirectional: bool = False
    spatial_dropout: float = 0.3
    dropout: float = 0.3
    trainable_embeddings: bool = True
    learning_rate: float = 2e-3
    batch_size: int = 256
    epochs: int = 6
    patience: int = 1
    seed: int = 42
    subword_buckets: int = 0  # > 0: unseen words get FastText n-gram vectors (format-2 tokenizer)
    lexicon: bool = False  # a frozen VADER valence channel, lexicon words added to the vocabulary
    unseen_copies: int = 0  # copies of each training tweet with words made unseen
    unseen_rate: tuple[float, float] = (0.05, 0.4)  # per copy, uniform: share of words made unseen
    madeup_share: float = 0.3  # of the words made unseen, the share replaced by a made-up word
    # "insert": made-up words are added after words instead of replacing them, so a copy loses
    # nothing its target was based on and a made-up word cannot learn the sentiment of the words
    # it stood in for (the small negative lean of candidates 2-5)
    madeup_placement: str = "replace"

    def as_params(self) -> dict:
        return asdict(self)


def set_seeds(seed: int) -> None:
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    import keras

    keras.utils.set_random_seed(seed)


@functools.lru_cache(maxsize=1)
def word_embedding_class():
    """Defined (and registered for `keras.saving.load_model`) on first use, so that importing
    this module does not import Keras."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="tweet_sentiment")
    class WordEmbedding(keras.layers.Layer):
        """Known words: trainable rows. Unseen words (ids >= vocabulary size): the mean of their
        FastText n-gram vectors, projected. Plus, optionally, a frozen valence channel."""

        def __init__(
            self, vocabulary_size: int, dim: int, buckets: int, unseen_rows: int, valence: bool, **kwargs
        ) -> None:
            super().__init__(**kwargs)
            self.vocabulary_size, self.dim, self.buckets = vocabulary_size, dim, buckets
            self.unseen_rows, self.valence = unseen_rows, valence

        def build(self, input_shape) -> None:
            self.words = self.add_weight(shape=(self.vocabulary_size, self.dim), name="words")
            # row 0 of the n-gram table is padding (bucket ids are 1-based)
            self.ngrams = self.add_weight(shape=(self.buckets + 1, self.dim), name="ngrams", trainable=False)
            self.unseen = self.add_weight(
                shape=(max(1, self.unseen_rows), self.dim), name="unseen_means", trainable=False
            )
            self.projection = self.add_weight(shape=(self.dim, self.dim), name="projection", initializer="identity")
            if self.valence:
                self.valences = self.add_weight(
                    shape=(self.vocabulary_size, 1), name="valence", trainable=False, initializer="zeros"
                )

        def _combine(self, token_ids, unseen_vectors):
            size = self.vocabulary_size
            is_unseen = ops.greater_equal(token_ids, size)
            known = ops.where(is_unseen, 1, token_ids)  # the <oov> row for unseen words
            rows = ops.maximum(token_ids - size, 0)
            unseen = ops.matmul(ops.take(unseen_vectors, rows, axis=0), self.projection)
            x = ops.take(self.words, known, axis=0) + unseen * ops.expand_dims(ops.cast(is_unseen, unseen.dtype), -1)
            if self.valence:
                x = ops.concatenate([x, ops.take(self.valences, known, axis=0)], axis=-1)
            return x

        def call(self, token_ids):
            return self._combine(token_ids, self.unseen)

        def serve(self, token_ids, subword_ids):
            """The served form: unseen rows' means computed from the batch's n-gram ids."""
            vectors = ops.take(self.ngrams, subword_ids, axis=0)  # [words, n-grams, dim]
            counts = ops.sum(ops.cast(ops.greater(subword_ids, 0), vectors.dtype), axis=1)
            means = ops.sum(vectors, axis=1) / ops.expand_dims(ops.maximum(counts, 1.0), -1)
            return self._combine(token_ids, means)

        def get_config(self) -> dict:
            return {
                **super().get_config(),
                "vocabulary_size": self.vocabulary_size,
                "dim": self.dim,
                "buckets": self.buckets,
                "unseen_rows": self.unseen_rows,
                "valence": self.valence,
            }

    return WordEmbedding


def _head(settings: LstmSettings):
    """Everything after the embedding, as one sub-model (serving reuses it)."""
    import keras
    from keras import layers

    recurrent = layers.LSTM(settings.units, name="lstm")
    return keras.Sequential(
        [
            layers.SpatialDropout1D(settings.spatial_dropout),
            layers.Bidirectional(recurrent) if settings.bidirectional else recurrent,
            layers.Dropout(settings.dropout),
            layers.Dense(1, activation="sigmoid", name=OUTPUT_NAME),
        ],
        name="head",
    )


@dataclass(frozen=True)
class SubwordTables:
    """What the subword embedding starts from: the n-gram vectors, and one mean vector per unseen
    word of the training rows."""

    ngram_table: np.ndarray
    unseen_means: np.ndarray


def build_lstm(
    matrix: np.ndarray, settings: LstmSettings, subwords: SubwordTables | None = None, valence: np.ndarray | None = None
):
    """Embedding → SpatialDropout → (Bi)LSTM → Dropout → Dense(1, sigmoid)."""
    import keras
    from keras import layers

    vocabulary_size, dim = matrix.shape
    token_ids = keras.Input(shape=(settings.max_length,), dtype="int32", name=INPUT_NAME)
    if subwords is None:
        embedding = layers.Embedding(vocabulary_size, dim, trainable=settings.trainable_embeddings, name="embedding")
    else:
        embedding = word_embedding_class()(
            vocabulary_size,
            dim,
            buckets=len(subwords.ngram_table),
            unseen_rows=len(subwords.unseen_means),
            valence=valence is not None,
            trainable=settings.trainable_embeddings,
            name="embedding",
        )
    probability = _head(settings)(embedding(token_ids))
    model = keras.Model(token_ids, probability, name="tweet_sentiment_lstm")
    # weights are set once the layers are built, i.e. after the model exists
    if subwords is None:
        embedding.set_weights([matrix])
    else:
        embedding.words.assign(matrix)
        embedding.ngrams.assign(np.concatenate([np.zeros((1, dim), np.float32), subwords.ngram_table]))
        embedding.unseen.assign(subwords.unseen_means)
        if valence is not None:
            embedding.valences.assign(valence)
    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


def ensemble_members(model) -> list:
    """The students a model averages (model_build/ensemble.py), or the model itself."""
    if model.name != ENSEMBLE_NAME:
        return [model]
    return [layer for layer in model.layers if layer.name.startswith(MEMBER_PREFIX)]


def has_subwords(model) -> bool:
    return all(hasattr(member.get_layer("embedding"), "serve") for member in ensemble_members(model))


def serving_call(model, token_ids, subword_ids=None):
    """P(positive) [batch, 1] as the served graph computes it (export traces this); an ensemble
    serves the mean of its members' probabilities, every member reading the same inputs."""
    members = ensemble_members(model)
    if members != [model]:
        from keras import ops

        return ops.mean(ops.stack([serving_call(m, token_ids, subword_ids) for m in members]), axis=0)
    embedding = model.get_layer("embedding")
    x = embedding(token_ids) if subword_ids is None else embedding.serve(token_ids, subword_ids)
    return model.get_layer("head")(x, training=False)


def serving_predict(model, tokenizer, normalized_texts: list[str], batch_size: int = 1024):
    """Serving's encoding and graph, in Keras (the reference for ONNX parity)."""
    from predict.tokenizer import SUBWORD_IDS, TOKEN_IDS

    parts = []
    for begin in range(0, len(normalized_texts), batch_size):
        feeds = tokenizer.feeds_normalized(normalized_texts[begin : begin + batch_size], dtype=np.int32)
        parts.append(np.asarray(serving_call(model, feeds[TOKEN_IDS], feeds.get(SUBWORD_IDS))))
    return np.concatenate(parts).reshape(-1) if parts else np.zeros(0, np.float32)


def score_tweets(model, tokenizer, texts) -> np.ndarray:
    """Raw tweets to P(positive) the way serving reads them: normalised, encoded, one graph."""
    from predict.normalize import normalize_tweet

    return serving_predict(model, tokenizer, [normalize_tweet(t) for t in texts])


def load_run_model(folder: Path):
    """A run folder's model.keras, the custom embedding layer registered before loading."""
    import keras

    word_embedding_class()
    return keras.saving.load_model(folder / "model.keras")


def fit_lstm(
    model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    settings: LstmSettings,
    verbose: int = 2,
):
    """Train with early stopping on validation loss; the best epoch's weights are kept."""
    import keras

    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=settings.patience, restore_best_weights=True)
    return model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        callbacks=[stop],
        verbose=verbose,
    )


@dataclass
class TrainedLstm:
    model: Any  # keras.Model (keras ships no types)
    tokenizer: TweetTokenizer
    vector_coverage: float
    epochs_run: int
    history: dict[str, list[float]]

    def score(self, texts) -> np.ndarray:
        if has_subwords(self.model):
            return score_tweets(self.model, self.tokenizer, texts)
        ids = self.tokenizer.encode(list(texts), dtype=np.int32)
        return self.model.predict(ids, batch_size=1024, verbose=0).ravel()


def madeup_word(rng: np.random.Generator) -> str:
    """A random lower-case string of 4-10 letters: a word no vocabulary has."""
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(rng.integers(4, 11))))


def unseen_copies(
    normalized: list[str], targets: np.ndarray, settings: LstmSettings, rng: np.random.Generator
) -> tuple[list[str], np.ndarray]:
    """`settings.unseen_copies` copies of each tweet with words made unseen (UNSEEN_PREFIX):
    each word with a per-copy probability drawn from `unseen_rate`, and of those a share
    replaced by a made-up word. A copy keeps its tweet's target: a word the model does not know
    must not move the prediction."""
    from predict.tokenizer import UNSEEN_PREFIX

    low, high = settings.unseen_rate
    texts, out_targets = [], []
    for _ in range(settings.unseen_copies):
        for text, target in zip(normalized, targets, strict=True):
            tokens = text.split()
            if not tokens:
                continue
            rate = rng.uniform(low, high)
            hits = rng.random(len(tokens)) < rate
            if not hits.any():
                hits[rng.integers(len(tokens))] = True
            if settings.madeup_placement == "insert":
                texts.append(" ".join(_with_inserted_madeup_words(tokens, hits, rate * settings.madeup_share, rng)))
            else:
                madeup = rng.random(len(tokens)) < settings.madeup_share
                texts.append(
                    " ".join(
                        UNSEEN_PREFIX + (madeup_word(rng) if m else t) if h else t
                        for t, h, m in zip(tokens, hits, madeup, strict=True)
                    )
                )
            out_targets.append(target)
    return texts, np.asarray(out_targets, dtype=np.float32)


def _with_inserted_madeup_words(
    tokens: list[str], hits: np.ndarray, share: float, rng: np.random.Generator
) -> list[str]:
    """The tokens with `hits` made unseen (spelling kept) and, after each token with probability
    `share`, a made-up word: the same expected number of made-up words as replacement gives."""
    from predict.tokenizer import UNSEEN_PREFIX

    inserted = rng.random(len(tokens)) < share
    out: list[str] = []
    for token, hit, insert in zip(tokens, hits, inserted, strict=True):
        out.append(UNSEEN_PREFIX + token if hit else token)
        if insert:
            out.append(UNSEEN_PREFIX + madeup_word(rng))
    return out


def train_lstm(
    train_texts: list[str],
    train_labels: np.ndarray,
    val_texts: list[str],
    val_labels: np.ndarray,
    lookup_factory,
    dim: int,
    settings: LstmSettings,
    verbose: int = 2,
    extra: tuple[list[str], np.ndarray] | None = None,
) -> TrainedLstm:
    """Fit tokenizer and LSTM. `lookup_factory(normalized_train_texts, vocabulary)` returns the
    word → vector lookup (FastText is trained inside it, on the training texts only).

    `extra`: already normalised texts and their targets (augmented copies for distillation),
    added to the LSTM's training rows only: vocabulary and vectors come from the real tweets."""
    import dataclasses

    from tqdm import tqdm

    from model_build.embeddings import embedding_matrix, unseen_word_vectors
    from predict.normalize import normalize_tweet
    from predict.tokenizer import TweetTokenizer

    set_seeds(settings.seed)
    normalized = [normalize_tweet(t) for t in tqdm(train_texts, desc="normalise train")]
    normalized_val = [normalize_tweet(t) for t in tqdm(val_texts, desc="normalise validation")]
    tokenizer = TweetTokenizer.fit(
        normalized, max_words=settings.max_words, min_count=settings.min_count, max_length=settings.max_length
    )
    valence_table = None
    if settings.lexicon:
        from model_build.lexicon import vader_valence

        valence_table = vader_valence()
        known = set(tokenizer.vocabulary)
        added = sorted(w for w in valence_table if w not in known)
        tokenizer = dataclasses.replace(tokenizer, vocabulary=tokenizer.vocabulary + tuple(added))
    lookup = lookup_factory(normalized, set(tokenizer.vocabulary))
    matrix, coverage = embedding_matrix(tokenizer, lookup, dim, seed=settings.seed)
    y_train = np.asarray(train_labels, dtype=np.float32)
    extra_texts, extra_targets = extra if extra is not None else ([], np.zeros(0, np.float32))
    extra_targets = np.asarray(extra_targets, dtype=np.float32)
    ngram_table = getattr(lookup, "ngram_table", None) if settings.subword_buckets else None
    if ngram_table is None:
        x_train = tokenizer.encode_normalized(normalized + list(extra_texts), dtype=np.int32)
        x_val = tokenizer.encode_normalized(normalized_val, dtype=np.int32)
        model = build_lstm(matrix, settings)
    else:
        tokenizer = dataclasses.replace(tokenizer, subwords=lookup.subwords)
        copies, copy_targets = unseen_copies(normalized, y_train, settings, np.random.default_rng(settings.seed))
        extra_texts, extra_targets = list(extra_texts) + copies, np.concatenate([extra_targets, copy_targets])
        rows: dict[str, int] = {}
        row_of = lambda w: rows.setdefault(w, len(rows))  # noqa: E731
        x_train = tokenizer.unseen_ids(normalized + extra_texts, row_of, dtype=np.int32)
        x_val = tokenizer.unseen_ids(normalized_val, row_of, dtype=np.int32)
        means = unseen_word_vectors(list(rows), ngram_table, tokenizer.subwords)
        from model_build.lexicon import valence_column

        valence = valence_column(tokenizer.vocabulary, valence_table) if valence_table is not None else None
        print(f"unseen words: {len(rows)} distinct; {len(copies)} unseen-word copies")
        model = build_lstm(matrix, settings, SubwordTables(ngram_table, means), valence=valence)
    y_train = np.concatenate([y_train, extra_targets])
    history = fit_lstm(model, x_train, y_train, x_val, np.asarray(val_labels), settings, verbose=verbose)
    return TrainedLstm(
        model=model,
        tokenizer=tokenizer,
        vector_coverage=coverage,
        epochs_run=len(history.history["loss"]),
        history={k: [float(v) for v in vals] for k, vals in history.history.items()},
    )
