"""The text normalisation as served before the linear rewrite (commit 03f8f1f), frozen but for
the emoji-to-word table, which it takes from predict.normalize.

For comparison only: `scripts/compare_normalization.py` checks that predict.normalize gives the
same output on every text of the data, and `python -m bench normalize` times both side by side.
Never imported by the service or by training. Its regexes are quadratic on hostile input (see
docs/benchmarks.md), so give it only texts of a few thousand characters.
"""

from __future__ import annotations

import html
import re
import unicodedata

import emoji

# Which word an emoji becomes is the current version's (v4 re-read a few emoji); what is frozen
# here is how the text is read, which the linear rewrite must not change.
from predict.normalize import _EMOTICON_WORDS, _emoji_to_words

_EMOTICON_RE = re.compile(
    r"(?<![\w:;=])(" + "|".join(re.escape(e) for e in sorted(_EMOTICON_WORDS, key=len, reverse=True)) + r")(?![\w])"
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|net|org|ly|co|io)/\S*", re.I)
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_HASHTAG_RE = re.compile(r"(?<!\w)#(\w+)")
_APOSTROPHES_RE = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4]")
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")


def normalize_tweet_v3(text: str) -> str:
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES_RE.sub("'", text)
    text = _URL_RE.sub(" ", text)
    text = _MENTION_RE.sub(" ", text)
    text = _EMOTICON_RE.sub(lambda m: f" {_EMOTICON_WORDS[m.group(1)]} ", text)
    text = emoji.replace_emoji(text, replace=_emoji_to_words)
    text = _HASHTAG_RE.sub(r"\1", text)
    text = text.lower()
    text = _ELONGATION_RE.sub(r"\1\1", text)
    return " ".join(_TOKEN_RE.findall(text))
