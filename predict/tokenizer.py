"""Word-id encoding of normalised tweets, stored as JSON beside the ONNX model.

The JSON is the whole tokenizer state (artefact contract in DESIGN.md): serving rebuilds the
encoder from it with no training library. Sequences are pre-padded to a fixed length with no
mask, because a masked LSTM becomes an ONNX Loop that runs 8x slower.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from predict.normalize import NORMALIZATION_VERSION, normalize_tweet

TOKENIZER_FORMAT = "tweet-sentiment-tokenizer/1"
PAD_TOKEN, OOV_TOKEN = "<pad>", "<oov>"


@dataclass(frozen=True)
class TweetTokenizer:
    vocabulary: tuple[str, ...]  # index = token id; 0 is padding, 1 is out-of-vocabulary
    max_length: int = 50
    padding: str = "pre"  # pad on the left so the LSTM's last step sees the last real word
    truncation: str = "post"  # keep the first max_length tokens
    normalization_version: str = NORMALIZATION_VERSION
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)

    pad_id = 0
    oov_id = 1

    def __post_init__(self) -> None:
        if self.vocabulary[:2] != (PAD_TOKEN, OOV_TOKEN):
            raise ValueError("vocabulary must start with <pad> and <oov>")
        if self.padding not in ("pre", "post") or self.truncation not in ("pre", "post"):
            raise ValueError("padding and truncation must be 'pre' or 'post'")
        object.__setattr__(self, "_ids", {w: i for i, w in enumerate(self.vocabulary)})

    @classmethod
    def fit(cls, normalized_texts: Iterable[str], max_words: int = 30_000,
            min_count: int = 2, max_length: int = 50) -> TweetTokenizer:
        """Build the vocabulary from already normalised texts, most frequent words first."""
        counts = Counter(tok for text in normalized_texts for tok in text.split())
        words = [w for w, c in counts.most_common(max_words) if c >= min_count]
        return cls(vocabulary=(PAD_TOKEN, OOV_TOKEN, *words), max_length=max_length)

    def ids(self, normalized_text: str) -> list[int]:
        tokens = normalized_text.split()
        ids = [self._ids.get(t, self.oov_id) for t in tokens]
        if len(ids) > self.max_length:
            ids = ids[: self.max_length] if self.truncation == "post" else ids[-self.max_length:]
        return ids

    def encode_normalized(self, normalized_texts: Iterable[str], dtype=np.int64) -> np.ndarray:
        texts = list(normalized_texts)
        out = np.full((len(texts), self.max_length), self.pad_id, dtype=dtype)
        for row, text in enumerate(texts):
            ids = self.ids(text)
            if not ids:
                continue
            if self.padding == "pre":
                out[row, self.max_length - len(ids):] = ids
            else:
                out[row, : len(ids)] = ids
        return out

    def encode(self, raw_texts: Iterable[str], dtype=np.int64) -> np.ndarray:
        """Normalise raw tweets and return token ids of shape [batch, max_length]."""
        return self.encode_normalized((normalize_tweet(t) for t in raw_texts), dtype=dtype)

    def to_json(self) -> dict:
        return {
            "format": TOKENIZER_FORMAT,
            "normalization_version": self.normalization_version,
            "max_length": self.max_length,
            "padding": self.padding,
            "truncation": self.truncation,
            "pad_id": self.pad_id,
            "oov_id": self.oov_id,
            "vocabulary_size": len(self.vocabulary),
            "vocabulary": list(self.vocabulary),
        }

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TweetTokenizer:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
        if state.get("format") != TOKENIZER_FORMAT:
            raise ValueError(f"{path}: unknown tokenizer format {state.get('format')!r}")
        if (state["pad_id"], state["oov_id"]) != (cls.pad_id, cls.oov_id):
            raise ValueError(f"{path}: expected pad_id 0 and oov_id 1")
        return cls(
            vocabulary=tuple(state["vocabulary"]),
            max_length=int(state["max_length"]),
            padding=state["padding"],
            truncation=state["truncation"],
            normalization_version=str(state["normalization_version"]),
        )
