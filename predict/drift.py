"""Drift signals of each scored tweet, for the `prediction_served` trace (never the text itself).

The model was trained on 2009 tweets; as language moves on, more of what users send is outside its
vocabulary and the model does worse. These numbers let the portal see that happening
(monitoring/unknown_word_share.kql, monitoring/alert_unknown_word_drift.kql):

- `unknown_word_share`: the share of the tokens the model read (at most `max_length`) that are
  outside the vocabulary: id `<oov>` for a format-1 tokenizer, an id past the vocabulary for
  format 2 (predict/tokenizer.py). 0 for a tweet with no token at all.
- `token_count`: the tokens of the normalised tweet, before truncation.
- `truncated`: the tweet had more tokens than the model reads (`max_length`, 50).
- `normalization_version`: the text normalisation that produced the tokens.

Vectorised over the encoded [batch, max_length] array: a few microseconds for a batch of 100
(`python -m bench drift`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from predict.normalize import NORMALIZATION_VERSION
from predict.tokenizer import EncodedBatch, TweetTokenizer

# customDimensions names on `prediction_served`: a contract with monitoring/*.kql, never rename one.
UNKNOWN_WORD_SHARE = "unknown_word_share"
TOKEN_COUNT = "token_count"
TRUNCATED = "truncated"
NORMALIZATION_VERSION_FIELD = "normalization_version"
DRIFT_FIELDS = (UNKNOWN_WORD_SHARE, TOKEN_COUNT, TRUNCATED, NORMALIZATION_VERSION_FIELD)


@dataclass(frozen=True)
class DriftSignals:
    """The drift dimensions of a batch, one entry per tweet in request order."""

    unknown_word_share: np.ndarray  # float, 0..1
    token_count: np.ndarray  # int, before truncation
    truncated: np.ndarray  # bool

    def dimensions(self) -> list[dict[str, Any]]:
        """One flat dictionary of trace dimensions per tweet."""
        return [
            {
                UNKNOWN_WORD_SHARE: share,
                TOKEN_COUNT: count,
                TRUNCATED: truncated,
                NORMALIZATION_VERSION_FIELD: NORMALIZATION_VERSION,
            }
            for share, count, truncated in zip(
                np.round(self.unknown_word_share, 4).tolist(),
                self.token_count.tolist(),
                self.truncated.tolist(),
                strict=True,
            )
        ]


def token_counts(normalized_texts: Sequence[str]) -> np.ndarray:
    """Tokens per normalised text, before truncation (normalize_tweet joins tokens with one space)."""
    return np.fromiter(
        (t.count(" ") + 1 if t else 0 for t in normalized_texts), dtype=np.int64, count=len(normalized_texts)
    )


def drift_signals(token_ids: np.ndarray, counts: np.ndarray, tokenizer: TweetTokenizer) -> DriftSignals:
    """The drift signals of an encoded batch (`token_ids` [batch, max_length], from the tokenizer's
    feeds) and its untruncated token counts."""
    read = token_ids != tokenizer.pad_id
    unknown = (token_ids == tokenizer.oov_id) | (token_ids >= len(tokenizer.vocabulary))
    n_read = read.sum(axis=1)
    share = unknown.sum(axis=1) / np.maximum(n_read, 1)
    return DriftSignals(unknown_word_share=share, token_count=counts, truncated=counts > tokenizer.max_length)


def drift_from_encoded(encoded: EncodedBatch) -> DriftSignals:
    """The same signals from what the encoder counted while encoding (no second pass)."""
    counts = np.asarray(encoded.token_counts, dtype=np.int64)
    unknown = np.asarray(encoded.unknown_counts, dtype=np.int64)
    read = np.minimum(counts, encoded.max_length)
    return DriftSignals(
        unknown_word_share=unknown / np.maximum(read, 1), token_count=counts, truncated=counts > encoded.max_length
    )
