"""Word-id encoding of normalised tweets, stored as JSON beside the ONNX model.

The JSON is the whole tokenizer state (artefact contract in DESIGN.md): serving rebuilds the
encoder from it with no training library. Sequences are pre-padded to a fixed length with no
mask, because a masked LSTM becomes an ONNX Loop that runs 8x slower.

Unseen words. Format 1 maps every word outside the vocabulary to one id, `<oov>`. Format 2 (a
tokenizer with `subwords`) gives each distinct unseen word of a batch its own id past the
vocabulary, `vocabulary_size + row`, and row `row` of `subword_ids` [words, n-grams] holds that
word's FastText n-gram buckets (predict/subwords.py); the ONNX graph averages their vectors, so a
word never seen in training still gets a meaning from its spelling.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from predict.normalize import NORMALIZATION_VERSION, normalize_tweet
from predict.subwords import SubwordSettings, bucket_ids

TOKENIZER_FORMAT = "tweet-sentiment-tokenizer/1"
SUBWORD_TOKENIZER_FORMAT = "tweet-sentiment-tokenizer/2"
PAD_TOKEN, OOV_TOKEN = "<pad>", "<oov>"
# A token written with this prefix is treated as unseen even if the vocabulary has it (the
# robustness stresses and training's masked copies); normalised text never contains it.
UNSEEN_PREFIX = "\x00"
TOKEN_IDS, SUBWORD_IDS = "token_ids", "subword_ids"


@dataclass(frozen=True)
class EncodedBatch:
    """A batch's ONNX inputs and, per tweet, what the encoder saw (cheap: counted while encoding)."""

    feeds: dict[str, np.ndarray]
    token_counts: list[int]  # tokens of the normalised text, before truncation to max_length
    unknown_counts: list[int]  # tokens kept (at most max_length) that the vocabulary lacks
    max_length: int

    @property
    def truncated(self) -> list[bool]:
        return [count > self.max_length for count in self.token_counts]


@dataclass(frozen=True)
class TweetTokenizer:
    vocabulary: tuple[str, ...]  # index = token id; 0 is padding, 1 is out-of-vocabulary
    max_length: int = 50
    padding: str = "pre"  # pad on the left so the LSTM's last step sees the last real word
    truncation: str = "post"  # keep the first max_length tokens
    normalization_version: str = NORMALIZATION_VERSION
    subwords: SubwordSettings | None = None  # None: format 1, every unseen word is <oov>
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
    def fit(
        cls, normalized_texts: Iterable[str], max_words: int = 30_000, min_count: int = 2, max_length: int = 50
    ) -> TweetTokenizer:
        """Build the vocabulary from already normalised texts, most frequent words first."""
        counts = Counter(tok for text in normalized_texts for tok in text.split())
        words = [w for w, c in counts.most_common(max_words) if c >= min_count]
        return cls(vocabulary=(PAD_TOKEN, OOV_TOKEN, *words), max_length=max_length)

    def _kept_tokens(self, normalized_text: str) -> list[str]:
        return self._truncate(normalized_text.split())

    def _truncate(self, tokens: list[str]) -> list[str]:
        if len(tokens) > self.max_length:
            keep_first = self.truncation == "post"
            tokens = tokens[: self.max_length] if keep_first else tokens[-self.max_length :]
        return tokens

    def _known_id(self, token: str) -> int | None:
        return None if token.startswith(UNSEEN_PREFIX) else self._ids.get(token)

    def is_known(self, token: str) -> bool:
        return self._known_id(token) is not None

    def ids(self, normalized_text: str) -> list[int]:
        """Token ids with every unseen word as <oov> (what a format-1 model reads)."""
        ids = (self._known_id(t) for t in self._kept_tokens(normalized_text))
        return [self.oov_id if i is None else i for i in ids]

    def _pad(self, rows: list[list[int]], dtype: DTypeLike) -> np.ndarray:
        out = np.full((len(rows), self.max_length), self.pad_id, dtype=dtype)
        for row, ids in enumerate(rows):
            if not ids:
                continue
            if self.padding == "pre":
                out[row, self.max_length - len(ids) :] = ids
            else:
                out[row, : len(ids)] = ids
        return out

    def encode_normalized(self, normalized_texts: Iterable[str], dtype: DTypeLike = np.int64) -> np.ndarray:
        """Token ids [batch, max_length], every unseen word as <oov>."""
        return self._pad([self.ids(t) for t in normalized_texts], dtype)

    def unseen_ids(
        self, normalized_texts: Iterable[str], unseen_row: Callable[[str], int], dtype: DTypeLike = np.int64
    ) -> np.ndarray:
        """Token ids where unseen word w gets `vocabulary_size + unseen_row(w)`."""
        size = len(self.vocabulary)
        rows = []
        for text in normalized_texts:
            ids = []
            for token in self._kept_tokens(text):
                known = self._known_id(token)
                ids.append(known if known is not None else size + unseen_row(token.removeprefix(UNSEEN_PREFIX)))
            rows.append(ids)
        return self._pad(rows, dtype)

    def feeds_normalized(self, normalized_texts: Iterable[str], dtype: DTypeLike = np.int64) -> dict[str, np.ndarray]:
        """The ONNX inputs for already normalised texts (see the module docstring)."""
        return self.encode_batch_normalized(normalized_texts, dtype).feeds

    def encode_batch_normalized(self, normalized_texts: Iterable[str], dtype: DTypeLike = np.int64) -> EncodedBatch:
        """The ONNX inputs for already normalised texts, with per-tweet token counts."""
        texts = list(normalized_texts)
        if self.subwords is None:
            split = [t.split() for t in texts]
            token_counts = list(map(len, split))
            rows = [self._word_ids(self._truncate(tokens), text) for tokens, text in zip(split, texts, strict=True)]
            feeds = {TOKEN_IDS: self._pad(rows, dtype)}
            unknown = [row.count(self.oov_id) for row in rows]
            return EncodedBatch(feeds, token_counts, unknown, self.max_length)
        token_counts = [len(t.split()) for t in texts]
        settings, size = self.subwords, len(self.vocabulary)
        unseen: dict[str, int] = {}
        token_ids = self.unseen_ids(texts, lambda w: unseen.setdefault(w, len(unseen)), dtype)
        unknown = [int((row >= size).sum()) for row in token_ids]
        grams = [bucket_ids(w, settings) for w in unseen] or [()]  # at least one row for ONNX
        subword_ids = np.zeros((len(grams), max(1, max(map(len, grams)))), dtype=dtype)
        for row, ids in enumerate(grams):
            subword_ids[row, : len(ids)] = ids
        feeds = {TOKEN_IDS: token_ids, SUBWORD_IDS: subword_ids}
        return EncodedBatch(feeds, token_counts, unknown, self.max_length)

    def _word_ids(self, tokens: list[str], text: str) -> list[int]:
        """`ids`, without a method call per token when no token is marked unseen."""
        if UNSEEN_PREFIX in text:
            return [self.oov_id if i is None else i for i in map(self._known_id, tokens)]
        get, oov = self._ids.get, self.oov_id
        return [get(t, oov) for t in tokens]

    def encode_batch(self, raw_texts: Iterable[str], dtype: DTypeLike = np.int64) -> EncodedBatch:
        """Normalise raw tweets and return the ONNX inputs with per-tweet token counts."""
        return self.encode_batch_normalized([normalize_tweet(t) for t in raw_texts], dtype)

    def feeds(self, raw_texts: Iterable[str], dtype: DTypeLike = np.int64) -> dict[str, np.ndarray]:
        """Normalise raw tweets and return the ONNX inputs."""
        return self.encode_batch(raw_texts, dtype).feeds

    def encode(self, raw_texts: Iterable[str], dtype: DTypeLike = np.int64) -> np.ndarray:
        """Normalise raw tweets and return token ids of shape [batch, max_length]."""
        return self.encode_normalized((normalize_tweet(t) for t in raw_texts), dtype=dtype)

    def to_json(self) -> dict[str, Any]:
        state = {
            "format": TOKENIZER_FORMAT if self.subwords is None else SUBWORD_TOKENIZER_FORMAT,
            "normalization_version": self.normalization_version,
            "max_length": self.max_length,
            "padding": self.padding,
            "truncation": self.truncation,
            "pad_id": self.pad_id,
            "oov_id": self.oov_id,
            "vocabulary_size": len(self.vocabulary),
            "vocabulary": list(self.vocabulary),
        }
        if self.subwords is not None:
            state["subwords"] = self.subwords.to_json()
        return state

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TweetTokenizer:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
        if state.get("format") not in (TOKENIZER_FORMAT, SUBWORD_TOKENIZER_FORMAT):
            raise ValueError(f"{path}: unknown tokenizer format {state.get('format')!r}")
        if (state["pad_id"], state["oov_id"]) != (cls.pad_id, cls.oov_id):
            raise ValueError(f"{path}: expected pad_id 0 and oov_id 1")
        return cls(
            vocabulary=tuple(state["vocabulary"]),
            max_length=int(state["max_length"]),
            padding=state["padding"],
            truncation=state["truncation"],
            normalization_version=str(state["normalization_version"]),
            subwords=SubwordSettings.from_json(state["subwords"]) if "subwords" in state else None,
        )
