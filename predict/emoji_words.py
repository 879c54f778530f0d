"""Emoji found exactly as `emoji.replace_emoji` (emoji 2.16) finds them, in time linear in the text.

The library walks the whole text one Python step per character, and keeps the positions of the
zero-width joiners it skips in a list (`i in ignore`), so "😂\u200d" * 500 costs quadratic time
(31 ms for 1,000 characters). Here only *clusters* are walked: maximal runs of characters that
can belong to an emoji (any character of an EMOJI_DATA key, the joiner, the variation selectors;
an ASCII digit, '#' or '*' only before U+FE0F or U+20E3, the only way a keycap starts). Any other
character is, for the library's tokenizer, a plain character that no walk can enter; after it
the tokenizer only steps back over that one character, so a cluster reads alone as in its text
(so do the units of UNIT_RE); unless a joiner follows a skin tone or hair component
(COMPONENT_JOINER_RE): then the tokenizer steps back two tokens, and the whole text is read. Each cluster is read by `replace_in_cluster`, the library's own algorithm
(emoji/tokenizer.py `tokenize`, `replace_emoji` with `config.replace_emoji_keep_zwj` False) with
the skipped positions in a set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from emoji import unicode_codes
from emoji.tokenizer import get_search_tree

_ZWJ = "\u200d"
_VARIATION_SELECTORS = ("\ufe0e", "\ufe0f")
_COMPONENT = unicode_codes.STATUS["component"]
EMOJI_DATA = unicode_codes.EMOJI_DATA


def _class(chars: set[str]) -> str:
    return "".join(sorted(re.escape(c) for c in chars))


def _ranges(chars: set[str], gap: int = 64) -> str:
    """A character class covering `chars` with few ranges (plus what lies in gaps of < `gap`):
    a class listing 1,400 astral characters one by one costs the engine ~3 us per character."""
    merged: list[list[int]] = []
    for code in sorted(map(ord, chars)):
        if merged and code - merged[-1][1] <= gap:
            merged[-1][1] = code
        else:
            merged.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in merged)


_KEY_CHARS = {c for key in EMOJI_DATA for c in key}
_KEYCAP_STARTS = _class({c for c in _KEY_CHARS if c.isascii()})  # '0'-'9', '#', '*'
# A superset of the emoji characters is as exact (the tokenizer reads the extra characters as
# plain ones) and much cheaper to scan for.
_OTHERS = _ranges({c for c in _KEY_CHARS if not c.isascii()} - {_ZWJ}) + "\\u200d\\ufe0e\\ufe0f"
# Starts with a character class so that the regex engine skips ahead to candidates.
CLUSTER_RE = re.compile(
    f"[{_OTHERS}{_KEYCAP_STARTS}](?:(?<=[{_OTHERS}])|(?=[\\ufe0f\\u20e3]))"
    f"(?:[{_OTHERS}]|[{_KEYCAP_STARTS}](?=[\\ufe0f\\u20e3]))*"
)
# Characters that continue an emoji (they appear after the first character of some key).
_CONTINUATIONS = _ranges({c for key in EMOJI_DATA for c in key[1:]} | {_ZWJ, *_VARIATION_SELECTORS}, gap=0)
# A walk of the tokenizer goes from one character to the next only along a pair found in some
# key: after a joiner, the characters that follow one in a key; after anything else, the
# characters that follow a non-joiner in a key (selectors, skin tones, keycap, tags, flags).
# Between any other pair no walk goes on, and a joiner rule steps back at most over the one
# token before the joiner, so a cluster reads as the units cut there, each alone (each cached).
_AFTER_JOINER = _ranges({b for key in EMOJI_DATA for a, b in zip(key, key[1:], strict=False) if a == _ZWJ}, gap=0)
_AFTER_OTHER = _ranges(
    {b for key in EMOJI_DATA for a, b in zip(key, key[1:], strict=False) if a != _ZWJ} | {_ZWJ, *_VARIATION_SELECTORS},
    gap=0,
)
UNIT_RE = re.compile(f"[\\s\\S](?:[{_AFTER_OTHER}]|(?<=\\u200d)[{_AFTER_JOINER}])*")
# A joiner after a skin tone or hair component makes the tokenizer step back two tokens, and
# repeated steps can reach past a cluster's start (emoji 2.16 then drops characters there); a
# text with one is read whole.
COMPONENT_JOINER_RE = re.compile(
    "[" + _class({k for k, v in EMOJI_DATA.items() if v["status"] == _COMPONENT and len(k) == 1}) + "]\u200d"
)
# Without continuations the tokenizer reads every character alone: an emoji of one code point
# (str.translate can replace those) or a plain one.
CONTINUATION_RE = re.compile(f"[{_CONTINUATIONS}]")


class SingleCharacterEmoji(dict[int, str]):
    """A str.translate table, filled on first use: code point -> `replace(char, data)` for the
    one-character emoji, the character itself for any other."""

    def __init__(self, replace: Callable[[str, dict[str, Any]], str]) -> None:
        super().__init__()
        self._replace = replace

    def __missing__(self, code: int) -> str:
        char = chr(code)
        data = EMOJI_DATA.get(char)
        self[code] = char if data is None or char not in get_search_tree() else self._replace(char, data)
        return str(self[code])


def replace_in_cluster(text: str, replace: Callable[[str, dict[str, Any]], str]) -> str:
    """`emoji.replace_emoji(text, replace=...)`, for the callback's (emoji, data) arguments.

    A line-for-line port of emoji.tokenizer.tokenize (keep_zwj=False) fused with
    replace_emoji's join; only `ignore` changed from a list to a set.
    """
    tree = get_search_tree()
    done: list[str] = []
    pending: list[tuple[str, dict[str, Any] | None]] = []  # (characters, EMOJI_DATA entry or None)
    ignore: set[int] = set()
    i, length = 0, len(text)
    while i < length:
        consumed = False
        char = text[i]
        if i in ignore:
            i += 1
            continue
        elif char in tree:
            j = i + 1
            sub_tree = tree[char]
            while j < length and text[j] in sub_tree:
                if j in ignore:
                    break
                sub_tree = sub_tree[text[j]]
                j += 1
            if "data" in sub_tree:
                pending.append((text[i:j], sub_tree["data"]))
                i = j - 1
                consumed = True
        elif char == _ZWJ and pending and pending[-1][0] in EMOJI_DATA and i > 0 and text[i - 1] in tree:
            ignore.add(i)
            if EMOJI_DATA[pending[-1][0]]["status"] == _COMPONENT:
                i = i - sum(len(chars) for chars, _ in pending[-2:])
                if text[i] == _ZWJ:
                    i += 1
                    del pending[-1]
                else:
                    del pending[-2:]
            else:
                i = i - len(pending[-1][0])
                del pending[-1]
            continue
        elif pending:
            done.extend(chars if data is None else replace(chars, data) for chars, data in pending)
            pending = []
        if not consumed and char not in _VARIATION_SELECTORS:
            pending.append((char, None))
        i += 1
    done.extend(chars if data is None else replace(chars, data) for chars, data in pending)
    return "".join(done)
