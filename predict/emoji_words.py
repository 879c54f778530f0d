"""Emoji found exactly as `emoji.replace_emoji` (emoji 2.16) finds them, in time linear in the text.

The library walks the whole text one Python step per character, and keeps the positions of the
zero-width joiners it skips in a list (`i in ignore`), so "😂\u200d" * 500 costs quadratic time
(31 ms for 1,000 characters). Here only *clusters* are read: maximal runs of characters that
can belong to an emoji (any character of an EMOJI_DATA key, the joiner, the variation selectors;
an ASCII digit, '#' or '*' only before U+FE0F or U+20E3, the only way a keycap starts). Clusters
with only digits, '#' or '*' between them are read as one *region*: the library reads those as
plain characters and hands over none of its pending tokens there. Any other character outside a
cluster makes it hand over all of them, so a region reads alone, after that one character.

The library's algorithm, in short (emoji/tokenizer.py `tokenize`, with `keep_zwj` False): from a
first character of some key it walks down its search tree as far as the text follows a key
prefix, and takes the key it stops on, or else that character alone as plain; a variation
selector outside a key is dropped. A joiner after an emoji whose last character starts a key is
skipped, and the tokenizer steps back over that emoji (over it and the token before it when it
is a skin tone or hair component) and reads again with the joiner as a wall.

In a region, every joiner rule but one gives what a simple reading gives: take each key the walk
stops on; drop a joiner after a key that ends in a first character; a character whose walk
failed is an emoji (if it is a key) when a joiner follows it, and with a component and a joiner
after it, the two read as one key when they are one. `_read_simple` does that: one str.translate
per stretch of one-character tokens, Python only where a walk can go on (found on a one-letter
*shadow* of the region) or a joiner stays. The rule that differs: a component and a joiner right
after a key of two or more characters and the joiner it dropped. Stepping back over that key by
a count of characters that leaves out the skipped joiner, the library lands inside it, drops its
first character or reads part of it twice, and can then go on to drop the character before the
region. Regions with it are read by `_read`, the library's algorithm step for step, with the
character before them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from emoji import unicode_codes

_ZWJ = "\u200d"
_VARIATION_SELECTORS = frozenset("\ufe0e\ufe0f")
_COMPONENT = unicode_codes.STATUS["component"]
EMOJI_DATA: dict[str, dict[str, Any]] = unicode_codes.EMOJI_DATA


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
_KEYCAP_START_CHARACTERS = frozenset(c for c in _KEY_CHARS if c.isascii())  # '0'-'9', '#', '*'
_KEYCAP_STARTS = _class(set(_KEYCAP_START_CHARACTERS))
_KEYCAP_STARTS_RE = re.compile(f"[{_KEYCAP_STARTS}]*")
# A superset of the emoji characters is as exact (the tokenizer reads the extra characters as
# plain ones) and much cheaper to scan for.
_OTHERS = _ranges({c for c in _KEY_CHARS if not c.isascii()} - {_ZWJ}) + "\\u200d\\ufe0e\\ufe0f"
# Starts with a character class so that the regex engine skips ahead to candidates.
CLUSTER_RE = re.compile(
    f"[{_OTHERS}{_KEYCAP_STARTS}](?:(?<=[{_OTHERS}])|(?=[\\ufe0f\\u20e3]))"
    f"(?:[{_OTHERS}]|[{_KEYCAP_STARTS}](?=[\\ufe0f\\u20e3]))*"
)
# The library's search tree (emoji.tokenizer.get_search_tree, one node per prefix of a key) as
# sets: the first characters of keys, and every longer prefix. A walk from i goes on while
# text[i : j + 1] is a prefix; it found an emoji when text[i:j] is a key.
_FIRST_CHARACTERS = frozenset(key[0] for key in EMOJI_DATA)
_PREFIXES = frozenset(key[:end] for key in EMOJI_DATA for end in range(2, len(key) + 1))
_COMPONENTS = frozenset(key for key, data in EMOJI_DATA.items() if data["status"] == _COMPONENT)
# Keys after which the library, meeting a joiner, skips it and reads the same key again: they
# end in a first character (else the joiner is a plain character) and are no component (after
# one it steps back two tokens).
_REREAD_AFTER_JOINER = frozenset(key for key in EMOJI_DATA if key[-1] in _FIRST_CHARACTERS) - _COMPONENTS
# Regions up to this length are cached (a tweet's emoji come back); longer ones are read anew.
_CACHED_REGION_CHARS = 32


def _shadow() -> tuple[dict[int, str], re.Pattern[str]]:
    """The shadow of a region (one ASCII letter per character, by str.translate) and the regex
    that finds, on it, where `_read_simple` must look closer.

    Letters: "z" the joiner, "v" a variation selector, "c" another character that continues keys
    but starts none (U+20E3, tags), "o" any other character that starts no key, and one letter per
    kind of first character: whether it is a key, a component, and which of those (or first
    characters, or components) can follow it in a key. Closer looks: a first character followed by one that can continue its
    walk, and a joiner after no key (kept: the one after a key is dropped by the translation)."""
    table = {ord(_ZWJ): "z"} | {ord(c): "v" for c in _VARIATION_SELECTORS}
    table |= {ord(c): "c" for c in _KEY_CHARS - _FIRST_CHARACTERS if ord(c) not in table}
    follow: dict[str, set[str]] = {}
    for key in EMOJI_DATA:
        if len(key) > 1:
            follow.setdefault(key[0], set()).add(key[1])

    def kind(c: str) -> str:
        return ("K" if c in _COMPONENTS else "R") if c in _FIRST_CHARACTERS else table[ord(c)]

    letters = iter("ABCDEFGHIJKLMNOPQRSTUWXYabdefghijklmnpqrstuwxy")
    kinds: dict[tuple[bool, bool, frozenset[str]], str] = {}
    for first in sorted(_FIRST_CHARACTERS):
        kind_of_first = (first in EMOJI_DATA, first in _COMPONENTS, frozenset(map(kind, follow.get(first, ()))))
        if kind_of_first not in kinds:
            kinds[kind_of_first] = next(letters)
        table[ord(first)] = kinds[kind_of_first]
    next_letters: dict[str, set[str]] = {}
    for first, after in follow.items():
        next_letters.setdefault(table[ord(first)], set()).update(table[ord(c)] for c in after)
    key_letters = "".join(sorted(letter for (is_key, _, _), letter in kinds.items() if is_key))
    events = [f"{letter}(?=[{''.join(sorted(after))}])" for letter, after in sorted(next_letters.items())]
    return table, re.compile("|".join([*events, f"z(?<![{key_letters}]z)"]))


class _Shadow(dict[int, str]):
    """code point -> its shadow letter ("o" for any character that is in no key)."""

    def __missing__(self, code: int) -> str:
        self[code] = "o"
        return "o"


_SHADOW_LETTERS, _LOOK_CLOSER_RE = _shadow()
_SHADOW = _Shadow(_SHADOW_LETTERS)


class _Replacements(dict[str, str]):
    """emoji key -> `replace(key, data)`, computed once per key (there are 5,244)."""

    def __init__(self, replace: Callable[[str, dict[str, Any]], str]) -> None:
        super().__init__()
        self._replace = replace

    def __missing__(self, key: str) -> str:
        value = self[key] = self._replace(key, EMOJI_DATA[key])
        return value


class _OneCharacterTokens(dict[int, str]):
    """A str.translate table for stretches of one-character tokens, filled on first use: the
    replacement of a one-character emoji, "" for a variation selector or a joiner (the ones
    left in such a stretch are dropped), the character itself for any other."""

    def __init__(self, replacements: _Replacements) -> None:
        super().__init__({ord(_ZWJ): ""} | {ord(c): "" for c in _VARIATION_SELECTORS})
        self._replacements = replacements

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = self[code] = self._replacements[char] if char in EMOJI_DATA else char
        return value


def _step_back_into(key: str) -> tuple[bool, str] | None:
    """What the library reads again when a component and a joiner follow `key` (two or more
    characters, ending in a first character) and the joiner it dropped: stepping back over the
    key and the component by their lengths, it lands one character into the key. There a joiner
    (key[1]) makes it step over it and read key[2:] after the key (kept); any other character
    makes it drop the key and read key[1:]. Either part is read up to the dropped joiner, then
    the component. None when that part holds a component and a joiner: stepping back from there
    the library drops tokens read before the key, which only `_read` follows."""
    kept = key[1] == _ZWJ
    part = key[2:] if kept else key[1:]
    if any(a in _COMPONENTS and b == _ZWJ for a, b in zip(part, part[1:], strict=False)):
        return None
    return kept, part


_STEP_BACK_INTO = {key: _step_back_into(key) for key in EMOJI_DATA if len(key) > 1 and key[-1] in _FIRST_CHARACTERS}


def _read_simple(region: str, replacements: _Replacements, tokens: _OneCharacterTokens) -> str | None:
    """`emoji.replace_emoji(region, ...)`, or None where only `_read` can follow the library:
    one-character tokens by str.translate, the rest by the walk (module docstring)."""
    shadow = region.translate(_SHADOW)
    pieces: list[str] = []
    start, length = 0, len(region)
    while (closer := _LOOK_CLOSER_RE.search(shadow, start)) is not None:
        i = closer.start()
        if i > start:
            pieces.append(region[start:i].translate(tokens))
        if region[i] == _ZWJ:  # after no key: kept
            pieces.append(_ZWJ)
            start = i + 1
            continue
        while True:  # a walk from i, and from where it ends as long as a walk can go on there
            j = i + 1
            while j < length and region[i : j + 1] in _PREFIXES:
                j += 1
            token = region[i:j]
            if token in EMOJI_DATA:
                pieces.append(replacements[token])
                if j < length and region[j] == _ZWJ and token[-1] in _FIRST_CHARACTERS:
                    j += 1  # dropped
            elif j > i + 1 and region[i + 1] == _ZWJ and token[0] in EMOJI_DATA:
                # The walk went on past the joiner and failed: the key alone, the joiner dropped.
                token, j = token[0], i + 2
                pieces.append(replacements[token])
            elif (
                region[i + 1 : i + 2] in _COMPONENTS
                and region[i + 2 : i + 3] == _ZWJ
                and region[i : i + 2] in EMOJI_DATA
            ):
                # The walk went on past a component and a joiner and failed: stepping back over
                # the component, the library reads the two again up to the joiner, one key.
                token, j = region[i : i + 2], i + 3
                pieces.append(replacements[token])
            else:  # a plain character
                token, j = token[0], i + 1
                pieces.append(token)
            if (
                len(token) > 1
                and region[j - 1] == _ZWJ
                and region[j : j + 1] in _COMPONENTS
                and region[j + 1 : j + 2] == _ZWJ
            ):
                # A component and a joiner after a key and the joiner it dropped (_step_back_into).
                step_back = _STEP_BACK_INTO[token]
                if step_back is None:
                    return None
                kept, part = step_back
                again = _read_simple(part, replacements, tokens)
                assert again is not None  # the part holds no component and joiner
                if not kept:
                    pieces.pop()
                pieces += again, replacements[region[j]]
                j += 2
            start = i = j
            if region[i : i + 2] not in _PREFIXES:
                break
    pieces.append(region[start:].translate(tokens))
    return "".join(pieces)


def _read(text: str, replacements: _Replacements) -> str:
    """`emoji.replace_emoji(text, replace=...)` with each emoji's replacement from `replacements`.

    emoji.tokenizer.tokenize (keep_zwj=False) fused with replace_emoji's join: the pending tokens
    are two lists (their characters, what they become), `ignore` is a set, and a walk down the
    search tree is a lookup of each longer prefix. Where the library would meet a joiner right
    after the emoji it just read, skip it, step back and read the same emoji again, this takes
    that emoji and skips the joiner in the same step; every other joiner is handled step for step
    as in the library.
    """
    done: list[str] = []
    chars: list[str] = []  # the pending tokens
    words: list[str] = []  # what each becomes: the emoji's replacement or the character itself
    ignore: set[int] = set()  # joiners skipped after a step back
    i, length = 0, len(text)
    while i < length:
        if i in ignore:
            i += 1
            continue
        char = text[i]
        if char in _FIRST_CHARACTERS:
            j = i + 1
            while j < length and text[i : j + 1] in _PREFIXES and j not in ignore:
                j += 1
            token = text[i:j]
            if token in EMOJI_DATA:
                # Before a joiner, where the library would step back to this emoji alone, or over
                # a component to where it stands (nothing pending before it, or one character
                # and the joiner skipped before it), and read it again bound by the joiner (the
                # same walk), it is taken and the joiner skipped at once.
                if (
                    j < length
                    and text[j] == _ZWJ
                    and (
                        token in _REREAD_AFTER_JOINER
                        or (token in _COMPONENTS and (not chars or (len(chars[-1]) == 1 and text[i - 1] == _ZWJ)))
                    )
                ):
                    ignore.add(j)
                    j += 1
                chars.append(token)
                words.append(replacements[token])
                i = j
                continue
            # The walk ended inside the tree: a plain character, or, before a joiner (that the
            # library would skip before reading the character again alone), a key.
            if char in _REREAD_AFTER_JOINER and text[i + 1] == _ZWJ:
                ignore.add(i + 1)
                chars.append(char)
                words.append(replacements[char])
                i += 2
                continue
            chars.append(char)
            words.append(char)
            i += 1
        elif char == _ZWJ and chars and chars[-1] in EMOJI_DATA and i > 0 and text[i - 1] in _FIRST_CHARACTERS:
            # A joiner after an emoji that no key continues with it: skip it and read again from
            # the emoji, or from the token before it after a component, as the library does, even
            # where the skipped joiners make the count of characters land elsewhere.
            ignore.add(i)
            if chars[-1] in _COMPONENTS:
                i -= len(chars[-1]) + (len(chars[-2]) if len(chars) > 1 else 0)
                if text[i] == _ZWJ:
                    i += 1
                    del chars[-1], words[-1]
                else:
                    del chars[-2:], words[-2:]
            else:
                i -= len(chars[-1])
                del chars[-1], words[-1]
        else:
            if chars:
                done += words
                chars, words = [], []
            if char not in _VARIATION_SELECTORS:
                chars.append(char)
                words.append(char)
            i += 1
    done += words
    return "".join(done)


class EmojiReplacer:
    """`replacer(text)` is `emoji.replace_emoji(text, replace=replace)`, in linear time, for a
    `replace` whose answer depends only on the emoji (it is called once per emoji)."""

    def __init__(self, replace: Callable[[str, dict[str, Any]], str]) -> None:
        self._replacements = _Replacements(replace)
        self._tokens = _OneCharacterTokens(self._replacements)
        self._cached_region = lru_cache(maxsize=8192)(self._region)

    def _region(self, text: str, region_start: int) -> str:
        """text[region_start:] replaced, where text[:region_start] is the character before the
        region (if any) and the digits, '#' and '*' between it and the region."""
        found = _read_simple(text[region_start:], self._replacements, self._tokens)
        if found is None:
            return _read(text, self._replacements)
        return text[:region_start] + found

    def _replace_region(self, text: str, start: int, end: int) -> tuple[int, str]:
        """(where the replaced part starts, its replacement) for the region text[start:end]."""
        before = start
        while before and text[before - 1] in _KEYCAP_START_CHARACTERS:
            before -= 1
        before = max(before - 1, 0)
        if end - before <= _CACHED_REGION_CHARS:
            return before, self._cached_region(text[before:end], start - before)
        return before, self._region(text[before:end], start - before)

    def __call__(self, text: str) -> str:
        found = CLUSTER_RE.search(text)
        if found is None:
            return text
        pieces: list[str] = []
        done = 0  # text[:done] is in pieces
        start, end = found.span()
        for match in CLUSTER_RE.finditer(text, end):
            if not _KEYCAP_STARTS_RE.fullmatch(text, end, match.start()):
                replaced_from, replacement = self._replace_region(text, start, end)
                pieces += text[done:replaced_from], replacement
                done, start = end, match.start()
            end = match.end()
        replaced_from, replacement = self._replace_region(text, start, end)
        pieces += text[done:replaced_from], replacement, text[end:]
        return "".join(pieces)
