"""Probe: do a teacher's word pieces, frozen as static vectors, carry to today's tweets?

    .venv-train/bin/python scripts/probe_static_wordpieces.py --teacher-run <id> [--lstm]

One vector per word piece of the teacher's vocabulary: the teacher's last hidden state for the
piece alone between [CLS] and [SEP] (the Model2Vec idea, without its PCA and weighting). A tweet
is the mean of its pieces' vectors, fed to logistic regression, or (--lstm) the sequence of them
fed to the student's LSTM (96 units, the same dropout, 3 epochs at most). Both train on the
distillation targets (0.7 x teacher + 0.3 x label) of the training tweets, read from the teacher
score cache that `distill` wrote, and choose their threshold on validation like every model here.
The served student needs no word-piece tokenizer; this asks whether one would be worth it: the
teacher's pieces know words written after 2009 ("slaps", "airpods") that the student's 2009
vocabulary and FastText n-grams do not. Prints the figures `assess` reports for the hand-labelled
sets. Needs torch and transformers (model_build/requirements-transformer.txt).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model_build import data, distill, evaluation  # noqa: E402
from model_build.assess import CASES_DIR, LABELLED_SETS  # noqa: E402
from predict.normalize import normalize_tweet  # noqa: E402

MAX_PIECES = 64


def static_vectors(teacher) -> np.ndarray:
    import torch

    model, tokenizer = teacher.model.eval(), teacher.tokenizer
    size = tokenizer.vocab_size
    vectors = np.zeros((size, model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for begin in range(0, size, 1024):
            ids = torch.arange(begin, min(size, begin + 1024))
            batch = torch.stack(
                [torch.full_like(ids, tokenizer.cls_token_id), ids, torch.full_like(ids, tokenizer.sep_token_id)], dim=1
            )
            hidden = model(input_ids=batch, attention_mask=torch.ones_like(batch), output_hidden_states=True)
            vectors[begin : begin + len(ids)] = hidden.hidden_states[-1][:, 1].numpy()
    return vectors


def piece_ids(tokenizer, texts: list[str]) -> np.ndarray:
    """Word-piece ids of the normalised tweets, padded with 0 ([PAD])."""
    encoded = tokenizer(
        [normalize_tweet(t) for t in texts], add_special_tokens=False, truncation=True, max_length=MAX_PIECES
    )["input_ids"]
    out = np.zeros((len(texts), MAX_PIECES), dtype=np.int32)
    for row, ids in enumerate(encoded):
        out[row, : len(ids)] = ids
    return out


def mean_vectors(vectors: np.ndarray, ids: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Mean of each tweet's piece vectors, [PAD] left out (in chunks: all at once is 18 GB)."""
    out = np.zeros((len(ids), vectors.shape[1]), dtype=np.float32)
    for begin in range(0, len(ids), chunk):
        part = ids[begin : begin + chunk]
        counts = np.maximum((part > 0).sum(axis=1, keepdims=True), 1)
        out[begin : begin + chunk] = (vectors[part] * (part > 0)[..., None]).sum(axis=1) / counts
    return out


def logistic_scorer(vectors, train_ids, targets):
    from sklearn.linear_model import LogisticRegression

    features = mean_vectors(vectors, train_ids)
    # soft targets as two weighted copies of each tweet
    classifier = LogisticRegression(max_iter=2000).fit(
        np.vstack([features, features]),
        np.r_[np.ones(len(features)), np.zeros(len(features))],
        sample_weight=np.r_[targets, 1 - targets],
    )
    return lambda ids: classifier.predict_proba(mean_vectors(vectors, ids))[:, 1]


def lstm_scorer(vectors, train_ids, targets, validation_ids, validation_labels):
    import tensorflow as tf
    from tensorflow import keras

    tf.random.set_seed(1)
    table = vectors.copy()
    table[0] = 0.0
    model = keras.Sequential(
        [
            keras.layers.Input((MAX_PIECES,), dtype="int32"),
            keras.layers.Embedding(len(table), table.shape[1], weights=[table], trainable=False, mask_zero=True),
            keras.layers.SpatialDropout1D(0.3),
            keras.layers.LSTM(96, dropout=0.3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(2e-3), "binary_crossentropy")
    model.fit(
        train_ids,
        targets,
        batch_size=256,
        epochs=3,
        validation_data=(validation_ids, validation_labels.astype(np.float32)),
        callbacks=[keras.callbacks.EarlyStopping(patience=1, restore_best_weights=True)],
        verbose=2,
    )
    return lambda ids: model.predict(ids, verbose=0, batch_size=1024)[:, 0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teacher-run", required=True)
    parser.add_argument(
        "--teacher-cache-dir", type=Path, default=ROOT / "artifacts", help="where distill cached scores"
    )
    parser.add_argument("--lstm", action="store_true", help="an LSTM over the pieces instead of their mean")
    parser.add_argument("--tracking-uri", default=None)
    args = parser.parse_args()

    run_id = distill.resolve_run_id(args.teacher_run, args.tracking_uri)
    teacher = distill.load_teacher(run_id, args.tracking_uri)
    vectors = static_vectors(teacher)
    splits = data.build_splits()
    cached = distill.read_cache(distill.cache_path(args.teacher_cache_dir, run_id))
    scores = splits.train["text"].map(dict(zip(cached["text"], cached["teacher_probability"], strict=True)))
    if scores.isna().any():
        raise SystemExit(f"{int(scores.isna().sum())} training tweets have no cached teacher score: run distill first")
    targets = (0.7 * scores + 0.3 * splits.train["label"]).to_numpy(np.float32)
    train_ids = piece_ids(teacher.tokenizer, splits.train["text"].tolist())
    validation_ids = piece_ids(teacher.tokenizer, splits.validation["text"].tolist())
    if args.lstm:
        score = lstm_scorer(vectors, train_ids, targets, validation_ids, splits.validation["label"].to_numpy())
    else:
        score = logistic_scorer(vectors, train_ids, targets)
    threshold = evaluation.choose_threshold(splits.validation["label"].to_numpy(), score(validation_ids))

    sets = {"test": splits.test, "manual": splits.manual}
    sets.update({name: data.load_extra_labelled(path) for name, path in LABELLED_SETS.items()})
    result: dict[str, object] = {
        "teacher_run_id": run_id,
        "model": "lstm" if args.lstm else "logistic",
        "threshold": threshold,
    }
    for name, frame in sets.items():
        labels = frame["label"].to_numpy()
        probabilities = score(piece_ids(teacher.tokenizer, frame["text"].tolist()))
        result[name] = {"balanced_accuracy": round(evaluation.balanced_accuracy(labels, probabilities, threshold), 4)}
    sarcasm = json.loads((CASES_DIR / "sarcasm.json").read_text(encoding="utf-8"))
    complaints = score(piece_ids(teacher.tokenizer, sarcasm["sarcastic_complaints"]))
    result["sarcastic_complaints_negative"] = f"{int((complaints < threshold).sum())} of {len(complaints)}"
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
