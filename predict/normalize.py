"""Tweet text normalisation, shared by serving and training.

Training imports this module so that the model sees exactly what serving feeds it. Any change to
the output of `normalize_tweet` must bump NORMALIZATION_VERSION: the tokenizer of every model
records the version it was trained with, and serving refuses a model whose version differs.

`normalize_tweet` keeps every word (negations, stop words, inflections), turns emoticons and
emoji into plain English words, drops @mentions and URLs. The TF-IDF baseline's bag-of-words
pipeline builds on it, on the training side (model_build/bag_of_words.py).

Why emoticons and emoji become ordinary words ("smile", "sad") rather than special tokens:
Sentiment140 was labelled BY its emoticons, which were then stripped from the text, and its 2009
tweets hold no emoji, so a special token would never be seen in training. Ordinary words are, and
carry the same sentiment. Emoji whose name says an emotion become that emotion's everyday word
(😡 "enraged face" -> "angry", 😂 "face with tears of joy" -> "haha"): their literal names are
rare or misleading words in tweets ("enraged" is not in the training vocabulary, "thumbs down"
reads as two neutral words). Other emoji become their English name ("airplane"). A few emoji whose
use changed after 2009 are read in today's sense, and those used in opposite senses are dropped
(v4, _EMOJI_TODAY_WORDS).
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from typing import Any

from predict.emoji_words import EmojiReplacer

NORMALIZATION_VERSION = "4"
# The normaliser reads at most this many characters of a text after HTML unescaping and NFKC.
# NFKC can make a text 18 times longer (U+FDFA), and every later step costs time per character;
# no tweet comes near the limit (280 characters; 359 at most in the training data, also after
# NFKC), and the service refuses texts over 1,000 characters before this. See docs/benchmarks.md.
MAX_NORMALIZED_CHARS = 2000

# Order matters: longer emoticons first so ":-((" is not read as ":-(" plus "(".
_EMOTICON_WORDS: dict[str, str] = {
    ":'(": "cry",
    ":'-(": "cry",
    ";(": "cry",
    ":-))": "smile",
    ":))": "smile",
    ":-)": "smile",
    ":)": "smile",
    "(:": "smile",
    "=)": "smile",
    ":]": "smile",
    ":}": "smile",
    "^_^": "smile",
    "^^": "smile",
    ":o)": "smile",
    ":-D": "laugh",
    ":D": "laugh",
    "xD": "laugh",
    "XD": "laugh",
    "=D": "laugh",
    ";-)": "wink",
    ";)": "wink",
    ";D": "wink",
    ":-P": "playful",
    ":P": "playful",
    ":p": "playful",
    ":-p": "playful",
    ":-((": "sad",
    ":((": "sad",
    ":-(": "sad",
    ":(": "sad",
    "):": "sad",
    "=(": "sad",
    ":[": "sad",
    ":-/": "annoyed",
    ":/": "annoyed",
    ":\\": "annoyed",
    ":-|": "meh",
    ":|": "meh",
    ">:(": "angry",
    ">:-(": "angry",
    "D:": "horrified",
    "<3": "love",
    "</3": "heartbroken",
}
# An emoticon only counts when it stands apart from letters and digits: "http://x.co/a:(b" or
# "12:30" must not become words, and ":/" inside a URL is removed with the URL first anyway.
# Each alternative starts with its first character so the regex engine can skip ahead to the
# few characters that start an emoticon; the look-behind then checks the character before it.
_EMOTICON_RE = re.compile(
    "(?:"
    + "|".join(
        re.escape(e[0]) + r"(?<![\w:;=][\s\S])" + re.escape(e[1:])
        for e in sorted(_EMOTICON_WORDS, key=len, reverse=True)
    )
    + r")(?!\w)"
)
# URLs: "http://...", "www...." or "<host>.com/..." up to the next space.
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.I)
# The "<host>.com/" form needs a scan back over the host, and tried from every word boundary of a
# long run like "7.7.7.7." that costs quadratic time (10 / 40 / 159 / 625 ms for 500 / 1k / 2k /
# 4k characters). A match can only exist when ".com/" (or another of these endings) occurs; then
# _URL_OR_HOST_RE reads each run of host characters once: where the host form fails from the
# run's first word boundary it fails from every later one (same end, less room), so its third
# alternative keeps the rest of a run holding "." or "-" as it is (it stops where "http"/"www"
# starts, to let the first alternative try there). Runs without "." or "-" have one boundary.
_HOST_END_RE = re.compile(r"\.(?:com|net|org|ly|co|io)/", re.I)
_URL_OR_HOST_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|net|org|ly|co|io)/\S*"
    r"|\b(?P<kept>(?:(?!(?:https?://|www\.)\S)[a-z0-9])*+[.-](?:(?!(?:https?://|www\.)\S)[a-z0-9.-])*+)",
    re.I,
)
# Look-behinds after the "@" / "#" so the engine can skip ahead to those characters.
_MENTION_RE = re.compile(r"@(?<!\w@)\w+")
_HASHTAG_RE = re.compile(r"#(?<!\w#)(\w+)")
_APOSTROPHES_RE = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4]")
# "soooo" and "sooo" are the same word: collapse runs of 3+ identical characters to 2.
# Placeholders (below) are left alone: each stands for its own tokens, even three in a row.
_ELONGATION_RE = re.compile(r"([^\U000f0001-\U000ffffd])\1{2,}")
# Inserted words (emoticons, emoji) travel as one placeholder character each, from plane 15's
# private use area, until the tokens are joined (see _placeholder).
_PLACEHOLDER_FIRST = 0xF0001
_PLANE_15_RE = re.compile("[\U000f0000-\U000fffff]")
# A run of placeholders is one match: each becomes its tokens and a space (see _words_to_tokens).
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]|[\U000f0001-\U000ffffd]+")


# (part of the emoji's English name, the word it becomes); the first match wins, so specific
# phrases come before the general ones they contain ("broken heart" before "heart").
_EMOJI_EMOTION_WORDS: tuple[tuple[str, str], ...] = (
    ("broken heart", "heartbroken"),
    ("tears of joy", "haha"),
    ("floor laughing", "haha"),
    ("heart", "love"),
    ("kiss", "kiss"),
    ("crying", "cry"),
    ("thumbs down", "bad"),
    ("thumbs up", "great"),
    ("clapping", "great"),
    ("ok hand", "great"),
    ("star struck", "great"),
    ("party", "yay"),
    ("raising hands", "yay"),
    ("angry", "angry"),
    ("pouting", "angry"),
    ("enraged", "angry"),
    ("symbols on mouth", "angry"),
    ("steam from nose", "angry"),
    ("rolling eyes", "ugh"),
    ("unamused", "ugh"),
    ("vomiting", "disgusting"),
    ("nauseated", "disgusting"),
    ("screaming in fear", "scared"),
    ("fearful", "scared"),
    ("anxious", "scared"),
    ("sleepy", "tired"),
    ("sleeping", "tired"),
    ("tired", "tired"),
    ("weary", "sad"),
    ("disappointed", "sad"),
    ("pensive", "sad"),
    ("frowning", "sad"),
    ("worried", "sad"),
    ("sad", "sad"),
    ("confounded", "sad"),
    ("persevering", "sad"),
    ("grinning", "smile"),
    ("smiling", "smile"),
    ("beaming", "smile"),
    ("winking", "wink"),
    ("neutral face", "meh"),
    ("expressionless", "meh"),
    # v3: faces and gestures common in complaints since 2015
    ("facepalming", "ugh"),
    ("middle finger", "angry"),
    ("pile of poo", "crap"),
    ("downcast", "sad"),
    ("yawning", "tired"),
    ("thermometer", "sick"),
    ("sneezing", "sick"),
    ("grimacing", "awkward"),
)


# v4: emoji whose use on Twitter changed after 2009, by exact name (skin tones aside), read in
# today's sense; "" for those used in opposite senses (joy and grief, thanks and pleading), which
# are then evidence of nothing, like an unknown word.
_EMOJI_TODAY_WORDS: dict[str, str] = {
    "skull": "haha",  # "I'm dead", laughing
    "fire": "great",
    "face holding back tears": "aww",
    "clown face": "stupid",
    "upside down face": "ugh",
    "loudly crying face": "",
    "smiling face with tear": "",
    "sparkles": "",
    "folded hands": "",
}
_SKIN_TONE_RE = re.compile(r" (?:light|medium light|medium|medium dark|dark) skin tone$")


def _emoji_to_words(_emoji: str, data: dict[str, Any]) -> str:
    # data["en"] is the emoji's English name, e.g. ":face_with_tears_of_joy:".
    name = data.get("en", "").strip(":").replace("_", " ").replace("-", " ").lower()
    today = _EMOJI_TODAY_WORDS.get(_SKIN_TONE_RE.sub("", name))
    if today is not None:
        return f" {today} "
    for phrase, word in _EMOJI_EMOTION_WORDS:
        if phrase in name:
            return f" {word} "
    return f" {name} "


def _words_to_tokens(text: str) -> str:
    """The last steps: hashtags lose their '#', lower case, elongations, tokens."""
    if "#" in text:
        text = _HASHTAG_RE.sub(r"\1", text)
    text = _ELONGATION_RE.sub(r"\1\1", text.lower())
    tokens = " ".join(_TOKEN_RE.findall(text)).translate(_PLACEHOLDER_TOKENS)
    # After a run of placeholders: its last space, and the one that joins it to the next token.
    return tokens.replace("  ", " ").strip(" ") if tokens.endswith(" ") or "  " in tokens else tokens


# Why placeholders: an inserted word such as " hand with index finger and thumb crossed " is
# surrounded by spaces, so the last steps turn it into the same tokens wherever it stands.
# Computing them once per word and carrying one character instead keeps "\U0001faf0" * 1000 from
# becoming 42,000 characters that every later step would read. Placeholders end with the tokens
# and a space in one str.translate. There is one per distinct word (at most one per emoji of the
# library).
# The characters of tokens map to themselves: str.translate then finds each character it reads
# in the table (a character missing from it costs a KeyError, a third of the time of a text of
# 1,000 emoji).
_PLACEHOLDER_TOKENS: dict[int, str] = {ord(c): c for c in " abcdefghijklmnopqrstuvwxyz0123456789'!?"}
_PLACEHOLDER_OF: dict[str, str] = {}
_placeholder_lock = threading.Lock()


def _placeholder(words: str) -> str:
    """The placeholder standing for the tokens of the inserted " words " (" " if it has none).

    No spaces around it: it is a token of its own, and nothing next to it can join it (it is not
    a word character, an apostrophe, '#', or part of a run that elongation shortens)."""
    found = _PLACEHOLDER_OF.get(words)
    if found is not None:
        return found
    tokens = _words_to_tokens(words)
    with _placeholder_lock:
        if words not in _PLACEHOLDER_OF:
            if not tokens:
                _PLACEHOLDER_OF[words] = " "
            else:
                code = _PLACEHOLDER_FIRST + len(_PLACEHOLDER_OF)
                _PLACEHOLDER_TOKENS[code] = tokens + " "
                _PLACEHOLDER_OF[words] = chr(code)
        return _PLACEHOLDER_OF[words]


_EMOTICON_PLACEHOLDERS = {e: _placeholder(f" {word} ") for e, word in _EMOTICON_WORDS.items()}


def _emoji_placeholder(emoji: str, data: dict[str, Any]) -> str:
    return _placeholder(_emoji_to_words(emoji, data))


# Each emoji becomes its placeholder; the words are found once per emoji (emoji_words.py).
_replace_emoji = EmojiReplacer(_emoji_placeholder)


def _nfkc_within_limit(text: str) -> str:
    """NFKC of the text, at most MAX_NORMALIZED_CHARS long, composing no more than that.

    NFKC is the canonical composition (NFC) of NFKD, and never longer than it. NFKD alone is
    cheap (one pass, no composition): when it is too long, only its first MAX_NORMALIZED_CHARS
    are composed. And NFC first checks whether there is anything to compose (a combining mark,
    a jamo), which NFKC does not do after decomposing: emoji and compatibility characters such
    as U+1F21A or U+FB03 are not composed again (~0.3 us per astral character).
    """
    if unicodedata.is_normalized("NFKC", text):
        return text[:MAX_NORMALIZED_CHARS]
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text)[:MAX_NORMALIZED_CHARS])


def _remove_urls(text: str) -> str:
    if _HOST_END_RE.search(text):
        # A URL becomes "" here rather than " ": it always runs to a space or the end, so the
        # tokens are the same.
        return _URL_OR_HOST_RE.sub(r"\g<kept>", text)
    if "/" in text or "w" in text or "W" in text:
        return _URL_RE.sub(" ", text)
    return text


def normalize_tweet(text: str) -> str:
    """Return the tweet as space-separated lower-case tokens for the neural models.

    Every step takes time linear in the text, and the text never grows past
    MAX_NORMALIZED_CHARS plus one character per emoticon or emoji (docs/benchmarks.md).
    """
    text = _nfkc_within_limit(html.unescape(text))
    if _PLANE_15_RE.search(text):
        # Plane-15 private-use characters are placeholders below; U+E000 reads the same.
        text = _PLANE_15_RE.sub("\ue000", text)
    text = _APOSTROPHES_RE.sub("'", text)
    text = _remove_urls(text)
    if "@" in text:
        text = _MENTION_RE.sub(" ", text)
    text = _EMOTICON_RE.sub(lambda m: _EMOTICON_PLACEHOLDERS[m.group()], text)
    text = _replace_emoji(text)
    return _words_to_tokens(text)
