"""Emoji found exactly as `emoji.replace_emoji` (emoji 2.16) finds them, in time linear in the text.

The library walks the whole text one Python step per character, and keeps the positions of the
zero-width joiners it skips in a list (`i in ignore`), so "😂\u200d" * 500 costs quadratic time
(31 ms for 1,000 characters). Here only *clusters* are read: maximal runs of characters that
can belong to an emoji (any character of an EMOJI_DATA key, the joiner, the variation selectors;
an ASCII digit, '#' or '*' only before U+FE0F or U+20E3, the only way a keycap starts). Clusters
with only digits, '#' or '*' between them are read as one *region*: the library reads those as
plain characters and hands over none of its pending tokens there. At any other character outside
a cluster it hands over all of them, so a region reads alone, after that one character. A
region without a character that continues a key is replaced by one str.translate.

The library's algorithm (emoji/tokenizer.py `tokenize` with `keep_zwj` False; `_read` follows it
step for step): from a first character of some key it walks down its search tree as far as the
text follows a key prefix and takes the key it stops on, or else that character alone as a plain
one; a variation selector outside a key is dropped. A joiner after an emoji whose last character
starts a key is skipped, and the tokenizer steps back over that emoji (over it and the token
before it after a skin tone or hair component) and reads again with the joiner as a wall.

`_read_simple` gets the same output without a Python step per character. Every joiner rule but
one amounts to: take each key the walk stops on; drop a joiner after a key that ends in a first
character; a character whose walk failed is an emoji (if it is a key) when a joiner follows it;
with a component and a joiner after it, the two are one key when they are one. One regex reads
most of a region that way, in runs of tokens (walks through skin tones, hair, U+FE0F, U+20E3 and
regional indicators), each token's output from a table; a walk into a joiner or a tag is followed
in Python. The rule that differs: a component and a joiner right after a key of two or more
characters and the joiner dropped after it. Stepping back by a count of characters that leaves
out the skipped joiner, the library lands inside the key and drops its first character or reads
part of it twice (`_step_back_into`); where that part holds a component and a joiner it steps
back again, can drop tokens read before the key and the character before the region, and the
region is read by `_read`, with that character.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
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
_FIRST_CHARACTERS = frozenset(key[0] for key in EMOJI_DATA)
_COMPONENTS = frozenset(key for key, data in EMOJI_DATA.items() if data["status"] == _COMPONENT)
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
_CONTINUATION_RE = re.compile(
    f"[{_ranges({c for key in EMOJI_DATA for c in key[1:]} | {_ZWJ, *_VARIATION_SELECTORS}, gap=16)}]"
)
# Regions up to this length are cached (a tweet's emoji come back); longer ones are read anew.
_CACHED_REGION_CHARS = 32
# Runs of characters that start no key, up to this length, are cached as tokens (the joiners and
# selectors between skin tones, say), while there are fewer cached tokens than _CACHED_TOKENS.
_CACHED_RUN_CHARS = 4
_CACHED_TOKENS = 100_000
# The token regex walks on only through these (after a first character): skin tones and hair,
# U+FE0F, U+20E3 and regional indicators; a walk into a joiner or a tag is followed in Python.
_REGIONAL_INDICATORS = frozenset(chr(code) for code in range(0x1F1E6, 0x1F200))
_SHORT_STEPS = _COMPONENTS | {"\ufe0f", "\u20e3"} | _REGIONAL_INDICATORS
# Where the characters of keys are renumbered to (plane 16, private use): the token regex then
# tests a character by a few ranges (a class of scattered astral characters costs the engine a
# test per range, and one of characters under U+10000 costs re.compile a 64 kB table).
_RENUMBERED_FROM = 0x100000


class _SearchTree:
    """The library's search tree (emoji.tokenizer.get_search_tree: one node per prefix of a key)
    as sets, and the token regex, built on first use (~40 ms; most texts never need them)."""

    def __init__(self) -> None:
        # A walk from i goes on while text[i : j + 1] is a prefix; it found an emoji when
        # text[i:j] is a key.
        self.prefixes = frozenset(key[:end] for key in EMOJI_DATA for end in range(2, len(key) + 1))
        self.next: dict[str, set[str]] = {}  # prefix -> the characters that can follow it in a key
        for key in EMOJI_DATA:
            for end in range(1, len(key)):
                self.next.setdefault(key[:end], set()).add(key[end])
        # The same as nested dictionaries: a character -> what can follow it -> ...
        self.children: dict[str, Any] = {}
        for key in EMOJI_DATA:
            node = self.children
            for char in key:
                node = node.setdefault(char, {})
        # Keys after which the library, meeting a joiner, skips it and reads the same key again:
        # they end in a first character (else the joiner is a plain character) and are no
        # component (after one it steps back two tokens).
        self.reread_after_joiner = frozenset(key for key in EMOJI_DATA if key[-1] in _FIRST_CHARACTERS) - _COMPONENTS
        component_joiner = re.compile(f"[{_class(set(_COMPONENTS))}]\u200d")
        self.step_back_into = {
            key: _step_back_into(key, component_joiner)
            for key in EMOJI_DATA
            if len(key) > 1 and key[-1] in _FIRST_CHARACTERS
        }
        self._renumber_and_compile()

    def _renumber_and_compile(self) -> None:
        """Renumber the characters of keys, so that each class of the token regex is a range or
        two, and compile it. A token: a run of characters that start no key (each read alone),
        a first character that the walk reads alone (with the joiner after it that the library
        drops after a key), or a walk of two or more characters (`_walk_patterns`)."""
        # Characters that start no key, then components and regional indicators (the first
        # characters that a walk steps through): the patterns of walks hold only those.
        order = sorted((_KEY_CHARS | _VARIATION_SELECTORS) - _FIRST_CHARACTERS)
        order += sorted(_FIRST_CHARACTERS & _SHORT_STEPS)
        self.renumber = {ord(c): chr(_RENUMBERED_FROM + n) for n, c in enumerate(order)}
        self._patterns: dict[tuple[str, bool], tuple[str, str]] = {}
        self._classes: dict[frozenset[str], str] = {}
        groups: dict[tuple[str, str], set[str]] = {}
        for first in _FIRST_CHARACTERS:
            groups.setdefault(self._walk_patterns(first), set()).add(first)
        rest = [c for _, chars in sorted(groups.items()) for c in sorted(chars - _SHORT_STEPS)]
        self.renumber |= {ord(c): chr(_RENUMBERED_FROM + len(order) + n) for n, c in enumerate(rest)}
        # Only cluster characters are renumbered, and none of them is where they are moved to.
        assert not CLUSTER_RE.search("".join(self.renumber.values()))
        self.original = {ord(renumbered): chr(code) for code, renumbered in self.renumber.items()}
        self.firsts = frozenset(self.renumber[ord(c)] for c in _FIRST_CHARACTERS)
        self.renumbered_joiner = self.renumber[ord(_ZWJ)]
        self.renumbered_selectors = frozenset(self.renumber[ord(c)] for c in _VARIATION_SELECTORS)
        # Larger groups first; the regional indicators (each with its own flags) in one block.
        by_size = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        walks = [self._class_of(chars) + self._walk_pattern(min(chars)) for _, chars in by_size]
        indicators = sorted(_REGIONAL_INDICATORS)
        block = "|".join(re.escape(self.renumber[ord(c)]) + self._walk_pattern(c) for c in indicators)
        large = sum(len(chars) >= 10 for _, chars in by_size)
        walks = (
            walks[:large]
            + [f"(?={self._class_of(_REGIONAL_INDICATORS)})(?:{block})"]
            + [
                walk
                for walk, (_, chars) in zip(walks[large:], by_size[large:], strict=True)
                if not chars <= _REGIONAL_INDICATORS
            ]
        )
        # Then walks through joiners and tags, where the walks above fail.
        long_groups: dict[str, set[str]] = {}
        for first in _FIRST_CHARACTERS:
            steps = self._walk_patterns(first, through_joiners=True)[0]
            if steps != self._walk_patterns(first)[0]:
                long_groups.setdefault(steps, set()).add(first)
        walks += [self._class_of(chars) + f"(?:{steps})" for steps, chars in sorted(long_groups.items())]
        token = "|".join([f"[^{self._class_of(_FIRST_CHARACTERS)[1:]}++", *walks])
        self.token_re = re.compile(token)
        self.tokens_re = re.compile(f"(?:{token})*+")

    def _class_of(self, chars: set[str] | frozenset[str]) -> str:
        key = frozenset(chars)
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = "[" + _ranges({self.renumber[ord(c)] for c in chars}, gap=1) + "]"
        return found

    def _walk_patterns(self, node: str, through_joiners: bool = False) -> tuple[str, str]:
        """Two regexes (on renumbered text, after `node`) for the rest of a walk from `node`
        that the library ends on a key, with the joiner after it that it drops: on through
        _SHORT_STEPS ("" if none), and stopping at `node` ("" if it cannot). After a key of two
        or more characters and that joiner, a component and a joiner belong to the token
        (`_step_back_into` gives what it becomes), unless the library would step back again."""
        found = self._patterns.get((node, through_joiners))
        if found is not None:
            return found
        after = self.next.get(node, set())
        by_pattern: dict[str, set[str]] = {}
        for step in after if through_joiners else after & _SHORT_STEPS:
            by_pattern.setdefault(self._walk_pattern(node + step, through_joiners), set()).add(step)
        steps = "|".join(self._class_of(chars) + pattern for pattern, chars in sorted(by_pattern.items()))
        stop = ""
        if node in EMOJI_DATA or len(node) == 1:  # a key, or a first character read alone (plain)
            stop = f"(?!{self._class_of(after)})" if after else "(?:)"
            if node in EMOJI_DATA and node[-1] in _FIRST_CHARACTERS and _ZWJ not in after:
                joiner, component = self.renumber[ord(_ZWJ)], self._class_of(_COMPONENTS)
                if len(node) == 1:
                    stop += f"{joiner}?+"
                elif self.step_back_into[node] is None:
                    stop += f"(?:{joiner}(?!{component}{joiner})|(?!{joiner}))"
                else:
                    stop += f"(?:{joiner}(?:{component}{joiner})?+|(?!{joiner}))"
        self._patterns[node, through_joiners] = steps, stop
        return steps, stop

    def _walk_pattern(self, node: str, through_joiners: bool = False) -> str:
        parts = [part for part in self._walk_patterns(node, through_joiners) if part]
        return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _step_back_into(key: str, component_joiner: re.Pattern[str]) -> tuple[bool, str] | None:
    """What the library reads again when a component and a joiner follow `key` (two or more
    characters, ending in a first character) and the joiner it dropped: stepping back over the
    key and the component by their lengths, it lands one character into the key. There a joiner
    (key[1]) makes it step over it and read key[2:] after the key (kept); any other character
    makes it drop the key and read key[1:]. Either part is read up to the dropped joiner, then
    the component. None when that part holds a component and a joiner: stepping back from there
    the library drops tokens read before the key, which only `_read` follows."""
    kept = key[1] == _ZWJ
    part = key[2:] if kept else key[1:]
    return None if component_joiner.search(part) else (kept, part)


@cache
def _search_tree() -> _SearchTree:
    return _SearchTree()


class _Replacements(dict[str, str]):
    """emoji key -> `replace(key, data)`, computed once per key (there are 5,244)."""

    def __init__(self, replace: Callable[[str, dict[str, Any]], str]) -> None:
        super().__init__()
        self._replace = replace

    def __missing__(self, key: str) -> str:
        value = self[key] = self._replace(key, EMOJI_DATA[key])
        return value


class _OneCharacterEmoji(dict[int, str]):
    """A str.translate table, filled on first use: a one-character emoji -> its replacement,
    any other character -> itself. `original` first maps renumbered characters back."""

    def __init__(self, replacements: _Replacements, original: dict[int, str] | None = None) -> None:
        super().__init__()
        self._replacements = replacements
        self._original = original or {}

    def __missing__(self, code: int) -> str:
        char = self._original.get(code, chr(code))
        value = self[code] = self._replacements[char] if char in EMOJI_DATA else char
        return value


class _TokenOutputs(dict[str, str]):
    """A token of the token regex -> what it becomes, filled on first use: a key with the joiner
    after it that the library drops, a step back into a key, a first character read alone, and
    runs of characters that start no key (of at most _CACHED_RUN_CHARS, while there are fewer
    than _CACHED_TOKENS: how many differ has no other bound)."""

    def __init__(self, replacements: _Replacements) -> None:
        super().__init__()
        self.tree = tree = _search_tree()
        self.replacements = replacements
        # In a run of characters that start no key, a joiner is kept and a selector dropped.
        self._others = _OneCharacterEmoji(replacements, tree.original)
        self._others.update({ord(tree.renumber[ord(c)]): "" for c in _VARIATION_SELECTORS})
        self._step_backs: dict[tuple[str, str], str] = {}
        self._cascades: dict[tuple[str, str], tuple[bool, str, str]] = {}

    def __missing__(self, token: str) -> str:
        if token[0] not in self.tree.firsts:
            value = token.translate(self._others)
            if len(token) <= _CACHED_RUN_CHARS and len(self) < _CACHED_TOKENS:
                self[token] = value
            return value
        chars = token.translate(self.tree.original)
        key = chars[:-1] if len(chars) > 1 and chars[-1] == _ZWJ else chars
        if key in EMOJI_DATA:
            value = self.replacements[key]
        elif len(chars) == 1:  # a first character that is no key (a digit, a regional indicator)
            value = chars
        else:  # a key, the joiner it dropped, a component and a joiner
            value = self.step_back(key[:-2], key[-1])
        self[token] = value
        return value

    def step_back(self, key: str, component: str) -> str:
        """What `key`, the joiner it dropped, `component` and a joiner become (`_step_back_into`,
        not None for `key`): computed once per key and component."""
        found = self._step_backs.get((key, component))
        if found is None:
            kept, part = self.tree.step_back_into[key] or (False, "")
            again = _read_simple(part, self, False)
            assert again is not None  # the part holds no component and joiner
            found = (self.replacements[key] if kept else "") + again[0] + self.replacements[component]
            self._step_backs[key, component] = found
        return found

    def step_back_again(self, key: str, component: str) -> tuple[bool, str, str]:
        """The same where the library steps back again (`_step_back_into` is None for `key`):
        whether it drops the token before the key when that is one character long, what it
        reads then, and what it reads with no token before (pending tokens handed over). Both
        are `_read` of the key, the joiner, the component and a joiner, after a one-character
        emoji whose replacement marks whether it stayed, and alone; what comes before that token
        it never reaches (tests/unit/test_emoji_words.py checks this against the library)."""
        found = self._cascades.get((key, component))
        if found is None:
            steps = key + _ZWJ + component + _ZWJ
            after_one = _read(_PROBE + steps, _Probe(self.replacements))
            dropped = not after_one.startswith(_PROBE_MARK)
            read = after_one if dropped else after_one[len(_PROBE_MARK) :]
            found = self._cascades[key, component] = (dropped, read, _read(steps, self.replacements))
        return found


# A one-character emoji that no walk continues into or from, and a mark for it that no
# replacement holds: what `_TokenOutputs.step_back_again` reads after it.
_PROBE, _PROBE_MARK = "\U0001f600", "\ud800"


class _Probe(dict[str, str]):
    """The replacements, but _PROBE's is _PROBE_MARK."""

    def __init__(self, replacements: _Replacements) -> None:
        super().__init__({_PROBE: _PROBE_MARK})
        self._replacements = replacements

    def __missing__(self, key: str) -> str:
        return self._replacements[key]


# What the token before a walk is, for `_TokenOutputs.step_back_again`: none (the library has
# handed over its pending tokens: a selector, or nothing before the region), one character
# (the character before the region, or one in it), or a longer one.
_NONE, _BEFORE_REGION, _ONE_CHARACTER, _LONGER = range(4)


def _read_simple(region: str, outputs: _TokenOutputs, after_character: bool) -> tuple[str, bool] | None:
    """`emoji.replace_emoji(region, ...)` and whether the library drops the character before the
    region (`after_character`: there is one), or None where only `_read` can follow the library.

    Runs of tokens that the token regex reads, each token's output from `outputs`, and between
    them one walk in Python from where it reads none: into a joiner or a tag, or one that fails."""
    tree, replacements = outputs.tree, outputs.replacements
    renumbered = region.translate(tree.renumber)
    pieces: list[str] = []
    start, length = 0, len(region)
    before, before_chars = (_BEFORE_REGION if after_character else _NONE), 0  # the token before
    dropped_before_region = False
    while True:
        run = tree.tokens_re.match(renumbered, start)
        i = run.end() if run else start  # it matches "" at least
        if i > start:
            tokens = tree.token_re.findall(renumbered, start, i)
            pieces += map(outputs.__getitem__, tokens)
            before, before_chars = _token_before(tokens[-1], outputs)
        if i == length:
            return "".join(pieces), dropped_before_region
        node, j = tree.children[region[i]], i + 1  # a walk down the search tree
        while j < length and (after := node.get(region[j])) is not None:
            node, j = after, j + 1
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
            component = region[j]
            if tree.step_back_into[token] is not None:
                pieces[-1] = outputs.step_back(token, component)
            elif before == _LONGER:
                return None
            else:
                dropped, after_one, after_none = outputs.step_back_again(token, component)
                pieces.pop()
                if before == _NONE:
                    pieces.append(after_none)
                else:
                    if dropped and before == _BEFORE_REGION:
                        dropped_before_region = True
                    elif dropped and len(pieces[-1]) == before_chars:
                        pieces.pop()
                    elif dropped:
                        _drop_last(pieces, before_chars)
                    pieces.append(after_one)
            before, before_chars = _ONE_CHARACTER, len(replacements[component])
            j += 2
        else:
            before, before_chars = (_ONE_CHARACTER, len(pieces[-1])) if len(token) == 1 else (_LONGER, 0)
        start = j


def _token_before(token: str, outputs: _TokenOutputs) -> tuple[int, int]:
    """What the last token read by the token regex leaves before the next one (see _NONE)."""
    tree = outputs.tree
    if token[0] not in tree.firsts:  # characters that start no key, each alone
        return (_NONE, 0) if token[-1] in tree.renumbered_selectors else (_ONE_CHARACTER, 1)
    if len(token) == 1 or (len(token) == 2 and token[1] == tree.renumbered_joiner):
        return _ONE_CHARACTER, len(outputs[token])
    chars = token.translate(tree.original)
    if chars[-1] == _ZWJ and chars[:-1] not in EMOJI_DATA:  # a step back into a key: the component
        return _ONE_CHARACTER, len(outputs.replacements[chars[-2]])
    return _LONGER, 0


def _drop_last(pieces: list[str], chars: int) -> None:
    """Remove the last `chars` characters of "".join(pieces)."""
    while chars:
        last = pieces.pop()
        if len(last) > chars:
            pieces.append(last[: len(last) - chars])
            return
        chars -= len(last)


def _step_back(text: str, i: int, chars: list[str], words: list[str]) -> int:
    """Where `_read` goes on after the joiner at `i`, which follows an emoji that no key continues
    with it (the joiner is skipped): the emoji, or the token before it after a component, is read
    again, as the library does, even where skipped joiners make the count of characters land
    elsewhere. The tokens read again are taken off the pending ones."""
    if chars[-1] not in _COMPONENTS:
        del words[-1]
        return i - len(chars.pop())
    i -= len(chars[-1]) + (len(chars[-2]) if len(chars) > 1 else 0)
    if text[i] == _ZWJ:
        del chars[-1], words[-1]
        return i + 1
    del chars[-2:], words[-2:]
    return i


def _read(text: str, replacements: dict[str, str]) -> str:
    """`emoji.replace_emoji(text, replace=...)` with each emoji's replacement from `replacements`.

    emoji.tokenizer.tokenize (keep_zwj=False) fused with replace_emoji's join: the pending tokens
    are two lists (their characters, what they become), `ignore` is a set, and a walk down the
    search tree is a lookup of each longer prefix. Where the library would meet a joiner right
    after the emoji it just read, skip it, step back and read the same emoji again, this takes
    that emoji and skips the joiner in the same step; every other joiner is handled step for step
    as in the library.
    """
    tree = _search_tree()
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
            while j < length and text[i : j + 1] in tree.prefixes and j not in ignore:
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
                        token in tree.reread_after_joiner
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
            if char in tree.reread_after_joiner and text[i + 1] == _ZWJ:
                ignore.add(i + 1)
                chars.append(char)
                words.append(replacements[char])
                i += 2
                continue
            chars.append(char)
            words.append(char)
            i += 1
        elif char == _ZWJ and chars and chars[-1] in EMOJI_DATA and i > 0 and text[i - 1] in _FIRST_CHARACTERS:
            ignore.add(i)
            i = _step_back(text, i, chars, words)
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
        self._outputs: _TokenOutputs | None = None  # built on the first region that needs it
        self._cached_read_simple = lru_cache(maxsize=8192)(self._read_simple)

    def _read_simple(self, region: str, after_character: bool) -> tuple[str, bool] | None:
        if self._outputs is None:
            self._outputs = _TokenOutputs(self._replacements)
        return _read_simple(region, self._outputs, after_character)

    def _replace_region(self, text: str, start: int, end: int) -> tuple[int, str]:
        """(where the replaced part starts, its replacement) for the region text[start:end]."""
        region = text[start:end]
        if not _CONTINUATION_RE.search(region):  # every character read alone
            return start, region.translate(self._one_character)
        read = self._cached_read_simple if len(region) <= _CACHED_REGION_CHARS else self._read_simple
        found = read(region, start > 0)
        if found is not None:
            replacement, dropped_before = found
            return (start - 1 if dropped_before else start), replacement
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
