"""Hostile text shapes cost the normaliser work in proportion to their length, counted, not timed.

The work is counted as the characters handed to each pass over the text: every compiled regex of
predict.normalize / predict.emoji_words, Unicode normalisation and the emoji walk. Before the
rewrite NFKC made "\\ufdfa" * 1000 18,000 characters long, emoji names made "\U0001faf0" * 1000
42,000, and every later pass read all of them (docs/benchmarks.md). The timing side (and the
quadratic regex on dotted runs, whose cost is inside one pass) is `python -m bench normalize`.
"""

from __future__ import annotations

import random
import re
import unicodedata
from types import ModuleType

import pytest

import predict.emoji_words
import predict.normalize
from predict.normalize import normalize_tweet
from service.settings import Settings

LENGTH = Settings.from_env().max_text_chars
# Characters read per character of input, summed over all passes (about a dozen; the rewrite
# reads 7 to 16, the code before it 8 to 145).
MAX_WORK_PER_CHARACTER = 20

_rng = random.Random(3)
HOSTILE_SHAPES = {
    "dotted run": "7." * (LENGTH // 2),
    "hyphen run": "a-" * (LENGTH // 2),
    "Arabic ligature U+FDFA (NFKC x18)": "\ufdfa" * LENGTH,
    "squared katakana U+3300 (NFKC x4)": "\u3300" * LENGTH,
    "emoji with long names": "\U0001faf0" * LENGTH,  # hand with index finger and thumb crossed
    "emoji and joiners": "\U0001f602\u200d" * (LENGTH // 2),
    "family members and joiners": "\U0001f468\u200d" * (LENGTH // 2),
    "skin tone and joiners": "\U0001f3fd\u200d" * (LENGTH // 2),
    "emoticons": "D: " * (LENGTH // 3),
    "flags": "\U0001f1fa\U0001f1f8" * (LENGTH // 2),
    "keycaps": "1\ufe0f\u20e3" * (LENGTH // 3),
    "tag run": "\U0001f3f4" + "\U000e0067" * (LENGTH - 1),
    "many @": "@" * LENGTH,
    "mentions": "@a" * (LENGTH // 2),
    "hashtags": "#a" * (LENGTH // 2),
    "http fragments": "http:/" * (LENGTH // 6),
    "repeated letter": "a" * LENGTH,
    "combining marks": "a" + "\u0301" * (LENGTH - 1),
    "zero-width characters": "\u200b\u200c\u2060" * (LENGTH // 3),
    "mixed scripts": "a\u0434\u4e2d\u0627\U0001f602" * (LENGTH // 5),
    "HTML entities": "&#128514;" * (LENGTH // 9),
    "random emoji": "".join(
        _rng.choice("\U0001f602\U0001f621\u2764\U0001f44d\U0001f3fd\u200d\ufe0f") for _ in range(LENGTH)
    ),
}


class _Counted:
    """Stands in for a compiled regex or a module and adds len(text) of each call to `work`."""

    def __init__(self, target, work: list[int]):
        self._target, self._work = target, work

    def __getattr__(self, name):
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def counted(*args, **kwargs):
            for arg in args:
                if isinstance(arg, str):
                    self._work.append(len(arg))
            return attribute(*args, **kwargs)

        return counted


def _counted_work(text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    work: list[int] = []
    with monkeypatch.context() as patch:
        for module in (predict.normalize, predict.emoji_words):
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    patch.setattr(module, name, _Counted(value, work))
        patch.setattr(predict.normalize, "unicodedata", _Counted(unicodedata, work))
        for name in ("emoji", "replace_in_cluster"):
            value = getattr(predict.normalize, name, None)
            if isinstance(value, ModuleType):  # the library, as the normaliser called it before
                patch.setattr(predict.normalize, name, _Counted(value, work))
            elif callable(value):
                patch.setattr(predict.normalize, name, lambda t, *a, _f=value: work.append(len(t)) or _f(t, *a))
        normalize_tweet(text)
    return sum(work)


@pytest.mark.parametrize("shape", HOSTILE_SHAPES)
def test_hostile_text_costs_work_in_proportion_to_its_length(shape, monkeypatch):
    text = HOSTILE_SHAPES[shape]
    assert len(text) <= LENGTH
    assert _counted_work(text, monkeypatch) <= MAX_WORK_PER_CHARACTER * len(text)


def test_ordinary_text_is_counted_the_same_way(monkeypatch):
    tweet = "@united thanks for the upgrade!!! :) \U0001f602 http://t.co/x #happy "
    text = (tweet * (LENGTH // len(tweet) + 1))[:LENGTH]
    work = _counted_work(text, monkeypatch)
    assert 5 * len(text) <= work <= MAX_WORK_PER_CHARACTER * len(text)


def test_text_past_the_normalised_limit_is_not_read():
    limit = predict.normalize.MAX_NORMALIZED_CHARS
    assert normalize_tweet("\ufdfa" * limit + " tail") == ""
    assert normalize_tweet("a " * (limit // 2) + "tail").split()[-1] == "a"
    assert normalize_tweet("a " * (limit // 4) + "tail").split()[-1] == "tail"
