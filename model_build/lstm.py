"""Keras LSTM classifier over pre-trained word vectors (GloVe or FastText).

Shape rules that keep the ONNX export fast (DESIGN.md): fixed-length pre-padded token ids, no
`mask_zero` (a masked LSTM becomes an ONNX Loop, 8x slower), and the embedding weights set with
`set_weights` rather than a Constant initialiser (which would serialise the matrix as JSON).
"""

from __future__ import annotations

import os
import random
from dataclasses import asdict, dataclass

import numpy as np

INPUT_NAME, OUTPUT_NAME = "token_ids", "probability"


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

    def as_params(self) -> dict:
        return asdict(self)


def set_seeds(seed: int) -> None:
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    import keras

    keras.utils.set_random_seed(seed)


def build_lstm(matrix: np.ndarray, settings: LstmSettings):
    """Embedding → SpatialDropout → (Bi)LSTM → Dropout → Dense(1, sigmoid)."""
    import keras
    from keras import layers

    vocabulary_size, dim = matrix.shape
    token_ids = keras.Input(shape=(settings.max_length,), dtype="int32", name=INPUT_NAME)
    embedding = layers.Embedding(vocabulary_size, dim, trainable=settings.trainable_embeddings,
                                 name="embedding")
    x = embedding(token_ids)
    x = layers.SpatialDropout1D(settings.spatial_dropout)(x)
    recurrent = layers.LSTM(settings.units, name="lstm")
    x = layers.Bidirectional(recurrent)(x) if settings.bidirectional else recurrent(x)
    x = layers.Dropout(settings.dropout)(x)
    probability = layers.Dense(1, activation="sigmoid", name=OUTPUT_NAME)(x)
    model = keras.Model(token_ids, probability, name="tweet_sentiment_lstm")
    embedding.set_weights([matrix])
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def fit_lstm(model, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray,
             y_val: np.ndarray, settings: LstmSettings, verbose: int = 2):
    """Train with early stopping on validation loss; the best epoch's weights are kept."""
    import keras

    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=settings.patience,
                                         restore_best_weights=True)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=settings.epochs,
                     batch_size=settings.batch_size, callbacks=[stop], verbose=verbose)


@dataclass
class TrainedLstm:
    model: object  # keras.Model
    tokenizer: object  # predict.tokenizer.TweetTokenizer
    vector_coverage: float
    epochs_run: int
    history: dict

    def score(self, texts) -> np.ndarray:
        ids = self.tokenizer.encode(list(texts), dtype=np.int32)
        return self.model.predict(ids, batch_size=1024, verbose=0).ravel()


def train_lstm(train_texts: list[str], train_labels: np.ndarray, val_texts: list[str],
               val_labels: np.ndarray, lookup_factory, dim: int, settings: LstmSettings,
               verbose: int = 2, extra: tuple[list[str], np.ndarray] | None = None) -> TrainedLstm:
    """Fit tokenizer and LSTM. `lookup_factory(normalized_train_texts, vocabulary)` returns the
    word → vector lookup (FastText is trained inside it, on the training texts only).

    `extra`: already normalised texts and their targets (augmented copies for distillation),
    added to the LSTM's training rows only: vocabulary and vectors come from the real tweets."""
    from tqdm import tqdm

    from model_build.embeddings import embedding_matrix
    from predict.normalize import normalize_tweet
    from predict.tokenizer import TweetTokenizer

    set_seeds(settings.seed)
    normalized = [normalize_tweet(t) for t in tqdm(train_texts, desc="normalise train")]
    normalized_val = [normalize_tweet(t) for t in tqdm(val_texts, desc="normalise validation")]
    tokenizer = TweetTokenizer.fit(normalized, max_words=settings.max_words,
                                   min_count=settings.min_count, max_length=settings.max_length)
    lookup = lookup_factory(normalized, set(tokenizer.vocabulary))
    matrix, coverage = embedding_matrix(tokenizer, lookup, dim, seed=settings.seed)
    x_train = tokenizer.encode_normalized(normalized, dtype=np.int32)
    x_val = tokenizer.encode_normalized(normalized_val, dtype=np.int32)
    y_train = np.asarray(train_labels, dtype=np.float32)
    if extra is not None:
        x_train = np.concatenate([x_train, tokenizer.encode_normalized(extra[0], dtype=np.int32)])
        y_train = np.concatenate([y_train, np.asarray(extra[1], dtype=np.float32)])
    model = build_lstm(matrix, settings)
    history = fit_lstm(model, x_train, y_train, x_val, np.asarray(val_labels), settings,
                       verbose=verbose)
    return TrainedLstm(model=model, tokenizer=tokenizer, vector_coverage=coverage,
                       epochs_run=len(history.history["loss"]),
                       history={k: [float(v) for v in vals] for k, vals in history.history.items()})
