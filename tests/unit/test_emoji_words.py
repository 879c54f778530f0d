"""predict.emoji_words finds emoji exactly as emoji.replace_emoji (emoji 2.16) does.

The library's tokenizer has rules that only show on odd texts: after a joiner it steps back over
the emoji before it (over two tokens after a skin tone or hair component), by a count of
characters that leaves out the joiners it skipped, so it can land inside a key, read part of it
twice, drop its first character, or drop a character read before. The normaliser must give the
same emoji as the library on every text (which emoji a text holds is unchanged since v3), so each of those is
compared here with the library itself. scripts/compare_normalization.py does the same at scale.
"""

from __future__ import annotations

import random

import emoji
import pytest
from emoji import EMOJI_DATA, STATUS

from predict.emoji_words import EmojiReplacer, _read


def _marked(chars: str, _data: dict) -> str:
    return f"<{chars}>"


REPLACER = EmojiReplacer(_marked)
COMPONENTS = sorted(k for k, v in EMOJI_DATA.items() if v["status"] == STATUS["component"])
FIRSTS = {k[0] for k in EMOJI_DATA}
KEYS = sorted(EMOJI_DATA)
# Keys of two or more characters after which a joiner is dropped, those with a joiner second,
# prefixes of keys (walks that fail), and the characters each rule reacts to.
MULTI = sorted(k for k in EMOJI_DATA if len(k) > 1 and k[-1] in FIRSTS)
JOINER_SECOND = sorted(k for k in MULTI if k[1] == "\u200d")
PREFIXES = sorted({k[:n] for k in EMOJI_DATA for n in range(1, len(k))})
PIECES = ["\u200d"] * 6 + list("\ufe0f\ufe0e\u20e3a .1#*:") + ["\U0001f3f4", "\U000e0067", "\U000e007f", "\U0001f1fa"]


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f44d\U0001f3fd\u200d\U0001f3fd\u200d",  # steps back into the key: drops its first character
        "\U0001f9d1\u200d\U0001f9b0\u200d\U0001f3fd\u200d",  # lands on the key's joiner: reads its end twice
        ".\U0001f575\U0001f3fb\u200d\u2642\u200d\U0001f3fc\u200d",  # steps back again: drops the "."
        "\U0001f468\U0001f3fd\u200d\U0001f9b0\u200d\U0001f3fd\u200d" * 3,  # again, over the keys before
        "1\U0001f468\U0001f3fd\u200d\U0001f9b0\u200d\U0001f3fd\u200d",  # and over a digit
        "\U0001f468\U0001f3fd\u200dx",  # a failed walk: the man and the skin tone read again as one
        "\U0001f468\u200d\U0001f469\u200dx",  # a failed walk through joiners
        "\U0001f3f3\ufe0f\u200dx",  # a failed walk: the selector dropped, the joiner kept
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f\U0001f3f4\U000e0067",
        "1\ufe0f\u20e3#\u20e3*\ufe0fx1\ufe0f",
        "\U0001f1fa\U0001f1f8\U0001f1fa\U0001f1fa\U0001f1f8\u200d\U0001f3fd\u200d",
        "\u2764" + "\ufe0f" * 50 + "\U0001f468" + "\u200d" * 50,
        "a\u200db \U0001f602\u200d\u200d\U0001f602 \u0301\U0001f602\u0301",
    ],
)
def test_odd_joiner_texts_read_as_the_library_reads_them(text):
    expected = emoji.replace_emoji(text, replace=_marked)
    assert REPLACER(text) == expected
    assert _read(text, REPLACER._replacements) == expected


@pytest.mark.parametrize("seed", range(4))
def test_random_texts_weighted_to_joiner_rules_read_as_the_library_reads_them(seed):
    rng = random.Random(seed)
    pools = [KEYS, COMPONENTS, MULTI, JOINER_SECOND, PREFIXES, PIECES]
    weights = [3, 4, 4, 2, 2, 6]
    for _ in range(1500):
        text = "".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(rng.randint(1, 16)))
        assert REPLACER(text) == emoji.replace_emoji(text, replace=_marked), text


def test_a_step_back_from_inside_a_key_reaches_no_further_than_one_character_before_it():
    # predict.emoji_words reads such a step back (a key whose part read again holds a component
    # and a joiner, then a joiner, a component and a joiner) without the text before it: the
    # library drops the one-character token before the key or keeps it, whatever came before.
    rng = random.Random(5)
    steps_back_again = [k for k in MULTI if k[1:3] in {c + "\u200d" for c in COMPONENTS}]
    for key in rng.sample(steps_back_again, 60):
        steps = key + "\u200d" + rng.choice(COMPONENTS) + "\u200d"
        alone = emoji.replace_emoji("a" + steps, replace=_marked)
        after = alone[1:] if alone.startswith("a") else alone
        for before in ("\U0001f602", "\U0001f3fd\u200d", ".", "1", "\u200d", "\U0001f1fa", "#"):
            for earlier in ("", "xy ", "\U0001f602\U0001f602", "\U0001f44d\U0001f3fd", "a\u200d"):
                read_before = emoji.replace_emoji(earlier + before, replace=_marked)
                read_alone = emoji.replace_emoji(before, replace=_marked)
                if read_before != emoji.replace_emoji(earlier, replace=_marked) + read_alone:
                    continue  # `before` is not a token of its own after `earlier`
                kept = read_before if alone.startswith("a") else read_before[: len(read_before) - len(read_alone)]
                text = earlier + before + steps
                assert emoji.replace_emoji(text, replace=_marked) == kept + after, text
                assert REPLACER(text) == kept + after, text


def test_each_emoji_is_replaced_by_one_call():
    calls: list[str] = []
    replacer = EmojiReplacer(lambda chars, _data: calls.append(chars) or "x")
    for _ in range(3):
        replacer("\U0001f602\u200d\U0001f602 \U0001f44d\U0001f3fd\U0001f1fa\U0001f1f8" * 20)
    assert sorted(calls) == sorted({"\U0001f602", "\U0001f44d\U0001f3fd", "\U0001f1fa\U0001f1f8"})
