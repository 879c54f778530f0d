"""Human-rated word sentiment (the VADER lexicon) as a fixed feature of the LSTM's embedding.

Sentiment140's labels come from emoticons: they teach what people mark with ":)", not what a
reader calls positive. VADER's lexicon (Hutto & Gilbert 2014, `vaderSentiment` 3.3.2 on PyPI, MIT
licence) holds ~7,500 tokens each rated -4..+4 by ten human raters. Its single-word entries become
one extra, frozen embedding channel (valence / 4), and those words join the vocabulary even when
the 2009 tweets never used them, with their FastText vector from character n-grams. The LSTM
learns how much to trust the channel; nothing is blended after the fact.
"""

from __future__ import annotations

import importlib.resources
import re

import numpy as np

LEXICON_PACKAGE, LEXICON_FILE = "vaderSentiment", "vader_lexicon.txt"
SOURCE = (
    "VADER lexicon (Hutto & Gilbert 2014), vaderSentiment 3.3.2 from PyPI, MIT licence: "
    "single-word entries, mean rating of ten raters / 4, as a frozen embedding channel"
)
_WORD_RE = re.compile(r"[a-z][a-z0-9]*(?:'[a-z]+)?")


def read_lexicon(text: str) -> dict[str, float]:
    """Word -> valence in [-1, 1] from VADER's tab-separated file (token, mean, sd, ratings).

    Only entries that normalisation keeps as one token count; emoticons are left out because
    normalisation already turns them into words."""
    from predict.normalize import normalize_tweet

    table = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        token, valence = parts[0].strip(), float(parts[1])
        if _WORD_RE.fullmatch(token) and normalize_tweet(token) == token:
            table[token] = valence / 4.0
    return table


def vader_valence() -> dict[str, float]:
    path = importlib.resources.files(LEXICON_PACKAGE) / LEXICON_FILE
    return read_lexicon(path.read_text(encoding="utf-8"))


def valence_column(vocabulary: tuple[str, ...], valence: dict[str, float]) -> np.ndarray:
    """[len(vocabulary), 1] float32: each word's valence, 0 for words the lexicon lacks."""
    return np.asarray([[valence.get(w, 0.0)] for w in vocabulary], dtype=np.float32)
