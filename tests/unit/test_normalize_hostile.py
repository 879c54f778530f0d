"""Hostile text shapes cost the normaliser work in proportion to their length, counted, not timed.

The work is counted as the characters handed to each pass over the text: every compiled regex of
predict.normalize / predict.emoji_words (from `pos` to `endpos` when a call is given them, to
where the match ends for match and search), Unicode normalisation and the emoji walks. Before
the rewrite NFKC made "\\ufdfa" * 1000 18,000 characters long, emoji names made "\U0001faf0" * 1000
42,000, and every later pass read all of them (docs/benchmarks.md); emoji 2.16 read a text with
a joiner after a skin tone one Python step per character, several times over around each joiner.
The timing side (and the quadratic regex on dotted runs, whose cost is inside one pass) is
`python -m bench normalize`.
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
# reads 6 to 18, the code before it 8 to 145).
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
    "regional indicators": "".join(chr(0x1F1E6 + _rng.randrange(26)) for _ in range(LENGTH)),
    "joined sequences": ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466" * LENGTH)[:LENGTH],
    "skin-toned joined sequences": ("\U0001f9d1\U0001f3fd\u200d\U0001f91d\u200d\U0001f9d1\U0001f3ff" * LENGTH)[:LENGTH],
    "one emoji, joiners": "\U0001f468" + "\u200d" * (LENGTH - 1),
    "one emoji, selectors": "\u2764" + "\ufe0f" * (LENGTH - 1),
    "marks piled on an emoji": "\U0001f602" + "\u0301" * (LENGTH - 1),
    "tag sequences": ("\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f" * LENGTH)[:LENGTH],
    "modifiers, joiners, selectors": "".join(
        _rng.choice("\U0001f3fd\U0001f9b0\u200d\ufe0f\ufe0e\u20e3") for _ in range(LENGTH)
    ),
    # A skin tone and a joiner after a key and the joiner it dropped: emoji 2.16 steps back into
    # the key; when that part of the key holds a skin tone and a joiner, it steps back again.
    "step back into a key": ("\U0001f44d\U0001f3fd\u200d\U0001f3fd\u200d" * LENGTH)[:LENGTH],
    "step back into keys again": ("\U0001f468\U0001f3fd\u200d\U0001f9b0\u200d\U0001f3fd\u200d" * LENGTH)[:LENGTH],
}


class _Counted:
    """Stands in for a compiled regex or a module and adds to `work` what each call reads: for a
    regex the characters from `pos` to `endpos` (to where the match ends, for match and search),
    for a function the length of each string argument."""

    def __init__(self, target, work: list[int]):
        self._target, self._work = target, work

    def __getattr__(self, name):
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def counted(*args, **kwargs):
            result = attribute(*args, **kwargs)
            self._work.append(self._read(name, args, result))
            return result

        return counted

    def _read(self, name: str, args: tuple, result) -> int:
        if not isinstance(self._target, re.Pattern):
            return sum(len(arg) for arg in args if isinstance(arg, str))
        if name in ("sub", "subn", "split"):  # (repl,) text, count: the whole text
            return len(args[1] if name != "split" else args[0])
        text, pos, endpos = (*args, 0, None)[:3]
        end = len(text) if endpos is None else min(endpos, len(text))
        if name in ("match", "fullmatch", "search") and result is not None:
            end = result.end()
        return max(end - pos, 1)


def _counted_work(text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    work: list[int] = []
    with monkeypatch.context() as patch:
        # The emoji search tree and its token regex are built on first use: build them here.
        search_tree = getattr(predict.emoji_words, "_search_tree", lambda: None)()
        for holder in (predict.normalize, predict.emoji_words, search_tree):
            for name, value in vars(holder).items():
                if isinstance(value, re.Pattern):
                    patch.setattr(holder, name, _Counted(value, work))
        patch.setattr(predict.normalize, "unicodedata", _Counted(unicodedata, work))
        walks = [(predict.normalize, name) for name in ("emoji", "replace_in_cluster")]
        walks += [(predict.emoji_words, name) for name in ("_read", "_read_simple", "replace_in_cluster")]
        for module, name in walks:
            value = getattr(module, name, None)
            if isinstance(value, ModuleType):  # the library, as the normaliser called it before
                patch.setattr(module, name, _Counted(value, work))
            elif callable(value):  # a walk in Python over the text it is given
                patch.setattr(module, name, lambda t, *a, _f=value: work.append(len(t)) or _f(t, *a))
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
