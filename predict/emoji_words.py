"""Emoji found exactly as `emoji.replace_emoji` (emoji 2.16) finds them, in time linear in the text.

The library walks the whole text one Python step per character, and keeps the positions of the
zero-width joiners it skips in a list (`i in ignore`), so "😂\u200d" * 500 costs quadratic time
(31 ms for 1,000 characters). Here only *clusters* are read: maximal runs of characters that
can belong to an emoji (any character of an EMOJI_DATA key, the joiner, the variation selectors;
an ASCII digit, '#' or '*' only before U+FE0F or U+20E3, the only way a keycap starts). Clusters
with only digits, '#' or '*' between them are read as one *region*: the library reads those as
plain characters and hands over none of its pending tokens there. At any other character outside
a cluster it hands over all of them, so a region reads alone, after that one character.

The library's algorithm (emoji/tokenizer.py `tokenize` with `keep_zwj` False, in `_read` step
for step): from a first character of some key it walks down its search tree as far as the text
follows a key prefix and takes the key it stops on, or else that character alone as a plain one;
a variation selector outside a key is dropped. A joiner after an emoji whose last character
starts a key is skipped, and the tokenizer steps back over that emoji (over it and the token
before it after a skin tone or hair component) and reads again with the joiner as a wall.

`_read_simple` gets the same output without a Python step per character. Every joiner rule but
one amounts to: take each key the walk stops on; drop a joiner after a key that ends in a first
character; a character whose walk failed is an emoji (if it is a key) when a joiner follows it;
with a component and a joiner after it, the two are one key when they are one. One regex,
`_TOKEN_RE`, reads most of a region that way in runs (keys whose walk goes on only through skin
tones, hair, U+FE0F, U+20E3 and regional indicators), with each token's output from a table; a
walk into a joiner or a tag is followed in Python. The rule that differs: a component and a
joiner right after a key of two or more characters and the joiner it dropped. Stepping back by
a count of characters that leaves out the skipped joiner, the library lands inside the key and
drops its first character or reads part of it twice (`_step_back_into`); where that part holds a
component and a joiner it steps back again, can drop tokens read before the key and the
character before the region, and the region is read by `_read`, with that character.
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
_KEYCAP_START_CHARACTERS = "".join(sorted(c for c in _KEY_CHARS if c.isascii()))  # '0'-'9', '#', '*'
_KEYCAP_STARTS = _class(set(_KEYCAP_START_CHARACTERS))
# A superset of the emoji characters is as exact (the tokenizer reads the extra characters as
# plain ones) and much cheaper to scan for.
_OTHERS = _ranges({c for c in _KEY_CHARS if not c.isascii()} - {_ZWJ}) + "\\u200d\\ufe0e\\ufe0f"
# Starts with a character class so that the regex engine skips ahead to candidates.
CLUSTER_RE = re.compile(
    f"[{_OTHERS}{_KEYCAP_STARTS}](?:(?<=[{_OTHERS}])|(?=[\\ufe0f\\u20e3]))"
    f"(?:[{_OTHERS}]|[{_KEYCAP_STARTS}](?=[\\ufe0f\\u20e3]))*"
)

# Characters that continue a key (a superset: ranges that bridge small gaps are cheaper to test).
# A cluster without them is read one character at a time: str.translate replaces it.
_CONTINUATION_RE = re.compile(
    f"[{_ranges({c for key in EMOJI_DATA for c in key[1:]} | {_ZWJ, *_VARIATION_SELECTORS}, gap=16)}]"
)

# The library's search tree (emoji.tokenizer.get_search_tree, one node per prefix of a key) as
# sets: the first characters of keys, and every longer prefix. A walk from i goes on while
# text[i : j + 1] is a prefix; it found an emoji when text[i:j] is a key.
_FIRST_CHARACTERS = frozenset(key[0] for key in EMOJI_DATA)
_PREFIXES = frozenset(key[:end] for key in EMOJI_DATA for end in range(2, len(key) + 1))
_NEXT: dict[str, set[str]] = {}  # prefix -> the characters that can follow it in a key
for _key in EMOJI_DATA:
    for _end in range(1, len(_key)):
        _NEXT.setdefault(_key[:_end], set()).add(_key[_end])
_COMPONENTS = frozenset(key for key, data in EMOJI_DATA.items() if data["status"] == _COMPONENT)
# Keys after which the library, meeting a joiner, skips it and reads the same key again: they
# end in a first character (else the joiner is a plain character) and are no component (after
# one it steps back two tokens).
_REREAD_AFTER_JOINER = frozenset(key for key in EMOJI_DATA if key[-1] in _FIRST_CHARACTERS) - _COMPONENTS
# Regions up to this length are cached (a tweet's emoji come back); longer ones are read anew.
_CACHED_REGION_CHARS = 32


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

# The token regex walks on only through these (after a first character): skin tones and hair,
# U+FE0F, U+20E3 and regional indicators; a walk into a joiner or a tag is followed in Python.
_REGIONAL_INDICATORS = frozenset(chr(code) for code in range(0x1F1E6, 0x1F200))
_SHORT_STEPS = _COMPONENTS | {"\ufe0f", "\u20e3"} | _REGIONAL_INDICATORS


def _class_of(chars: set[str] | frozenset[str], table: dict[int, str]) -> str:
    return "[" + _ranges({table[ord(c)] for c in chars}, gap=1) + "]"


def _walk_patterns(node: str, table: dict[int, str]) -> tuple[str, str]:
    """Two regexes (on renumbered text, after `node`) for the rest of a walk from `node` that
    the library ends on a key, with the joiner after it that it drops: on through _SHORT_STEPS
    ("" if none), and stopping at `node` ("" if it cannot). After a key of two or more
    characters and that joiner, a component and a joiner belong to the token (`_step_back_into`
    gives what it becomes), unless the library would step back from there again."""
    after = _NEXT.get(node, set())
    by_pattern: dict[str, set[str]] = {}
    for step in after & _SHORT_STEPS:
        by_pattern.setdefault(_walk_pattern(node + step, table), set()).add(step)
    steps = "|".join(_class_of(chars, table) + pattern for pattern, chars in sorted(by_pattern.items()))
    stop = ""
    if node in EMOJI_DATA or len(node) == 1:  # a key, or a first character read alone (plain)
        stop = f"(?!{_class_of(after, table)})" if after else "(?:)"
        if node in EMOJI_DATA and node[-1] in _FIRST_CHARACTERS and _ZWJ not in after:
            joiner, component = table[ord(_ZWJ)], _class_of(_COMPONENTS, table)
            if len(node) == 1:
                stop += f"{joiner}?+"
            elif _STEP_BACK_INTO[node] is None:
                stop += f"(?:{joiner}(?!{component}{joiner})|(?!{joiner}))"
            else:
                stop += f"(?:{joiner}(?:{component}{joiner})?+|(?!{joiner}))"
    return steps, stop


def _walk_pattern(node: str, table: dict[int, str]) -> str:
    parts = [part for part in _walk_patterns(node, table) if part]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _renumbering() -> dict[int, str]:
    """A str.translate table that renumbers every character of a key into the private use
    area from U+E000, so that the token regex tests characters by a few ranges (a class of
    astral characters costs the engine a test per range): first characters last, components and
    regional indicators first among them, the others grouped by the walks from them."""
    others = sorted((_KEY_CHARS | _VARIATION_SELECTORS) - _FIRST_CHARACTERS)
    order = others + sorted(_FIRST_CHARACTERS & _SHORT_STEPS)
    table = {ord(c): chr(0xE000 + n) for n, c in enumerate(order)}
    rest = sorted(_FIRST_CHARACTERS - _SHORT_STEPS, key=lambda c: (_walk_patterns(c, table), c))
    return table | {ord(c): chr(0xE000 + len(order) + n) for n, c in enumerate(rest)}


def _token_regex(table: dict[int, str]) -> str:
    """One token of a renumbered region: a run of characters that start no key (each read
    alone); a run of first characters that the walk reads alone, but regional indicators (with
    the joiner after a key, dropped); a regional indicator read alone; or a walk of two or more
    characters (`_walk_patterns`)."""
    groups: dict[tuple[str, str], set[str]] = {}
    for first in _FIRST_CHARACTERS:
        groups.setdefault(_walk_patterns(first, table), set()).add(first)
    by_size = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    alone = [(_class_of(chars, table) + stop, chars <= _REGIONAL_INDICATORS) for (_, stop), chars in by_size]
    walks = [_class_of(chars, table) + f"(?:{steps})" for (steps, _), chars in by_size if steps]
    firsts = _class_of(_FIRST_CHARACTERS, table)
    runs = "|".join(pattern for pattern, indicator in alone if not indicator)
    indicators = [pattern for pattern, indicator in alone if indicator]
    return "|".join([f"[^{firsts[1:]}++", f"(?:{runs})++", *indicators, *walks])


_RENUMBER = _renumbering()
# Only cluster characters are renumbered, and none of them is in the range they are moved to.
assert not CLUSTER_RE.search("".join(_RENUMBER.values()))
_ORIGINAL = {ord(renumbered): chr(code) for code, renumbered in _RENUMBER.items()}
_FIRSTS_RENUMBERED = frozenset(_RENUMBER[ord(c)] for c in _FIRST_CHARACTERS)
_TOKEN = _token_regex(_RENUMBER)
_TOKEN_RE = re.compile(_TOKEN)
_TOKENS_RE = re.compile(f"(?:{_TOKEN})*+")


class _Replacements(dict[str, str]):
    """emoji key -> `replace(key, data)`, computed once per key (there are 5,244)."""

    def __init__(self, replace: Callable[[str, dict[str, Any]], str]) -> None:
        super().__init__()
        self._replace = replace

    def __missing__(self, key: str) -> str:
        value = self[key] = self._replace(key, EMOJI_DATA[key])
        return value


class _OneCharacterEmoji(dict[int, str]):
    """A str.translate table for clusters without characters that continue a key, filled on
    first use: a one-character emoji -> its replacement, any other character -> itself."""

    def __init__(self, replacements: _Replacements) -> None:
        super().__init__()
        self._replacements = replacements

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = self[code] = self._replacements[char] if char in EMOJI_DATA else char
        return value


class _AloneOutputs(dict[int, str]):
    """A str.translate table, filled on first use, from a renumbered character read alone to
    what it becomes: an emoji -> its replacement, a variation selector -> "", any other ->
    itself (a joiner too, unless `drop_joiners`: in a run of first characters, the joiners are
    the ones dropped after a key)."""

    def __init__(self, replacements: _Replacements, drop_joiners: bool) -> None:
        super().__init__({ord(_RENUMBER[ord(c)]): "" for c in _VARIATION_SELECTORS})
        if drop_joiners:
            self[ord(_RENUMBER[ord(_ZWJ)])] = ""
        self._replacements = replacements

    def __missing__(self, code: int) -> str:
        char = _ORIGINAL.get(code, chr(code))
        value = self[code] = self._replacements[char] if char in EMOJI_DATA else char
        return value


class _TokenOutputs(dict[str, str]):
    """A token of `_TOKEN_RE` -> what it becomes. Filled on first use for the tokens that come
    back (one character, a key with the joiner after it that the library drops, a step back into
    a key); runs are translated each time (there is no bound on how many differ)."""

    def __init__(self, replacements: _Replacements) -> None:
        super().__init__()
        self.replacements = replacements
        self._others = _AloneOutputs(replacements, drop_joiners=False)
        self._firsts = _AloneOutputs(replacements, drop_joiners=True)
        self._step_backs: dict[tuple[str, str], str] = {}

    def __missing__(self, token: str) -> str:
        if token[0] not in _FIRSTS_RENUMBERED:
            return token.translate(self._others)
        chars = token.translate(_ORIGINAL)
        key = chars[:-1] if len(chars) > 1 and chars[-1] == _ZWJ else chars
        if key in EMOJI_DATA or len(chars) == 1:
            value = self.replacements[key] if key in EMOJI_DATA else key
        elif key[-2] == _ZWJ and key[-1] in _COMPONENTS and _STEP_BACK_INTO.get(key[:-2]):
            value = self.step_back(key[:-2], key[-1])
        else:
            return token.translate(self._firsts)
        self[token] = value
        return value

    def step_back(self, key: str, component: str) -> str:
        """What `key`, the joiner it dropped, `component` and a joiner become (`_step_back_into`,
        not None for `key`): computed once per key and component."""
        found = self._step_backs.get((key, component))
        if found is None:
            kept, part = _STEP_BACK_INTO[key] or (False, "")
            again = _read_simple(part, self)
            assert again is not None  # the part holds no component and joiner
            found = (self.replacements[key] if kept else "") + again + self.replacements[component]
            self._step_backs[key, component] = found
        return found


def _read_simple(region: str, outputs: _TokenOutputs) -> str | None:
    """`emoji.replace_emoji(region, ...)`, or None where only `_read` can follow the library.

    Runs of tokens that `_TOKEN_RE` reads, each token's output from `outputs`, and between them
    one walk in Python from where it reads none: into a joiner or a tag, or one that fails."""
    renumbered = region.translate(_RENUMBER)
    replacements = outputs.replacements
    pieces: list[str] = []
    start, length = 0, len(region)
    while True:
        run = _TOKENS_RE.match(renumbered, start)
        i = run.end() if run else start  # it matches "" at least
        if i > start:
            pieces += map(outputs.__getitem__, _TOKEN_RE.findall(renumbered, start, i))
        if i == length:
            return "".join(pieces)
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
        elif region[i + 1 : i + 2] in _COMPONENTS and region[i + 2 : i + 3] == _ZWJ and region[i : i + 2] in EMOJI_DATA:
            # The walk went on past a component and a joiner and failed: stepping back over the
            # component, the library reads the two again up to the joiner, one key.
            token, j = region[i : i + 2], i + 3
            pieces.append(replacements[token])
        else:  # the walk failed: a plain character
            token, j = token[0], i + 1
            pieces.append(token)
        if (
            len(token) > 1
            and region[j - 1] == _ZWJ
            and region[j : j + 1] in _COMPONENTS
            and region[j + 1 : j + 2] == _ZWJ
        ):
            if _STEP_BACK_INTO[token] is None:
                return None
            pieces[-1] = outputs.step_back(token, region[j])
            j += 2
        start = j


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
        self._one_character = _OneCharacterEmoji(self._replacements)
        self._outputs = _TokenOutputs(self._replacements)
        self._cached_read_simple = lru_cache(maxsize=8192)(self._read_simple)

    def _read_simple(self, region: str) -> str | None:
        return _read_simple(region, self._outputs)

    def _replace_region(self, text: str, start: int, end: int) -> tuple[int, str]:
        """(where the replaced part starts, its replacement) for the region text[start:end]."""
        region = text[start:end]
        if not _CONTINUATION_RE.search(region):
            return start, region.translate(self._one_character)
        found = self._cached_read_simple(region) if len(region) <= _CACHED_REGION_CHARS else self._read_simple(region)
        if found is not None:
            return start, found
        # Read step for step, with the character before the region and the digits, '#' and '*'
        # between them (the library's steps back can drop them).
        before = start
        while before and text[before - 1] in _KEYCAP_START_CHARACTERS:
            before -= 1
        before = max(before - 1, 0)
        return before, _read(text[before:end], self._replacements)

    def __call__(self, text: str) -> str:
        found = CLUSTER_RE.search(text)
        if found is None:
            return text
        pieces: list[str] = []
        done = 0  # text[:done] is in pieces
        start, end = found.span()
        for match in CLUSTER_RE.finditer(text, end):
            if text[end : match.start()].strip(_KEYCAP_START_CHARACTERS):  # not only digits, '#', '*'
                replaced_from, replacement = self._replace_region(text, start, end)
                pieces += text[done:replaced_from], replacement
                done, start = end, match.start()
            end = match.end()
        replaced_from, replacement = self._replace_region(text, start, end)
        pieces += text[done:replaced_from], replacement, text[end:]
        return "".join(pieces)
