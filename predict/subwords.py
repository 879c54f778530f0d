"""FastText character n-grams of a word, hashed into buckets exactly as gensim trains them.

A word the vocabulary has never seen still has n-grams ("<uber>" -> "<ub", "ube", ..., "er>"), and
FastText learned a vector for every n-gram bucket. The served model averages the bucket vectors
of an unseen word inside the ONNX graph; this module only turns the word into bucket ids, so
serving needs no training library. The hash is FNV-1a (32-bit) over the UTF-8 bytes, with each
byte read as a SIGNED char: that is what fastText and gensim (`ft_hash_bytes`) do, and a
training test checks this module against gensim's own `ft_ngram_hashes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_FNV_OFFSET, _FNV_PRIME, _MASK_32 = 2166136261, 16777619, 0xFFFFFFFF
# A hostile 1,000-letter "word" would otherwise bring ~4,000 n-grams; the first 64 (those that
# start in its first ~17 characters) describe any real word in full.
MAX_NGRAMS_PER_WORD = 64


@dataclass(frozen=True)
class SubwordSettings:
    min_n: int = 3
    max_n: int = 6
    buckets: int = 60_000

    def to_json(self) -> dict[str, Any]:
        return {
            "min_n": self.min_n,
            "max_n": self.max_n,
            "buckets": self.buckets,
            "hash": "fnv1a-32, signed bytes (fastText / gensim ft_hash_bytes)",
            "max_ngrams_per_word": MAX_NGRAMS_PER_WORD,
        }

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> SubwordSettings:
        return cls(min_n=int(state["min_n"]), max_n=int(state["max_n"]), buckets=int(state["buckets"]))


def _fnv1a_signed(data: bytes) -> int:
    h = _FNV_OFFSET
    for byte in data:
        # a byte >= 128 is a negative signed char, sign-extended to 32 bits before the xor
        h = ((h ^ (byte | 0xFFFFFF00 if byte >= 128 else byte)) * _FNV_PRIME) & _MASK_32
    return h


def char_ngrams(word: str, min_n: int, max_n: int) -> list[bytes]:
    """The UTF-8 n-grams of `<word>`, in gensim's order (by start, then length); n counts
    characters, not bytes."""
    data = f"<{word}>".encode()
    size = len(data)
    out: list[bytes] = []
    for start in range(size):
        if data[start] & 0xC0 == 0x80:  # inside a multi-byte character
            continue
        end, n = start, 1
        while end < size and n <= max_n:
            end += 1
            while end < size and data[end] & 0xC0 == 0x80:
                end += 1
            # single-character n-grams at the word's edges would be "<" and ">" alone
            if n >= min_n and not (n == 1 and (start == 0 or end == size)):
                out.append(data[start:end])
            n += 1
    return out


@lru_cache(maxsize=65_536)
def bucket_ids(word: str, settings: SubwordSettings) -> tuple[int, ...]:
    """1-based bucket ids of the word's n-grams (0 is left for padding), at most
    MAX_NGRAMS_PER_WORD of them."""
    grams = char_ngrams(word, settings.min_n, settings.max_n)[:MAX_NGRAMS_PER_WORD]
    return tuple(1 + _fnv1a_signed(g) % settings.buckets for g in grams)
