"""Tweet text normalisation, shared by serving and training.

Training imports this module so that the model sees exactly what serving feeds it. Any change to
the output of `normalize_tweet` must bump NORMALIZATION_VERSION: the tokenizer of every model
records the version it was trained with, and serving refuses a model whose version differs.

Two pipelines:
- `normalize_tweet` for the neural models: keeps every word (negations, stop words, inflections),
  turns emoticons and emoji into plain English words, drops @mentions and URLs.
- `normalize_for_bag_of_words` for the TF-IDF model: the same, then punctuation and stop words
  removed (negations kept) and words lemmatised.

Why emoticons and emoji become ordinary words ("smile", "sad") rather than special tokens:
Sentiment140 was labelled BY its emoticons, which were then stripped from the text, and its 2009
tweets hold no emoji, so a special token would never be seen in training. Ordinary words are, and
carry the same sentiment. Emoji whose name says an emotion become that emotion's everyday word
(😡 "enraged face" -> "angry", 😂 "face with tears of joy" -> "haha"): their literal names are
rare or misleading words in tweets ("enraged" is not in the training vocabulary, "thumbs down"
reads as two neutral words). Other emoji become their English name ("airplane").
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import emoji

NORMALIZATION_VERSION = "3"

# Order matters: longer emoticons first so ":-((" is not read as ":-(" plus "(".
_EMOTICON_WORDS: dict[str, str] = {
    ":'(": "cry", ":'-(": "cry", ";(": "cry",
    ":-))": "smile", ":))": "smile", ":-)": "smile", ":)": "smile", "(:": "smile", "=)": "smile",
    ":]": "smile", ":}": "smile", "^_^": "smile", "^^": "smile", ":o)": "smile",
    ":-D": "laugh", ":D": "laugh", "xD": "laugh", "XD": "laugh", "=D": "laugh",
    ";-)": "wink", ";)": "wink", ";D": "wink",
    ":-P": "playful", ":P": "playful", ":p": "playful", ":-p": "playful",
    ":-((": "sad", ":((": "sad", ":-(": "sad", ":(": "sad", "):": "sad", "=(": "sad", ":[": "sad",
    ":-/": "annoyed", ":/": "annoyed", ":\\": "annoyed", ":-|": "meh", ":|": "meh",
    ">:(": "angry", ">:-(": "angry", "D:": "horrified",
    "<3": "love", "</3": "heartbroken",
}
# An emoticon only counts when it stands apart from letters and digits: "http://x.co/a:(b" or
# "12:30" must not become words, and ":/" inside a URL is removed with the URL first anyway.
_EMOTICON_RE = re.compile(
    r"(?<![\w:;=])("
    + "|".join(re.escape(e) for e in sorted(_EMOTICON_WORDS, key=len, reverse=True))
    + r")(?![\w])"
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|net|org|ly|co|io)/\S*", re.I)
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_HASHTAG_RE = re.compile(r"(?<!\w)#(\w+)")
_APOSTROPHES_RE = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4]")
# "soooo" and "sooo" are the same word: collapse runs of 3+ identical characters to 2.
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")


# (part of the emoji's English name, the word it becomes); the first match wins, so specific
# phrases come before the general ones they contain ("broken heart" before "heart").
_EMOJI_EMOTION_WORDS: tuple[tuple[str, str], ...] = (
    ("broken heart", "heartbroken"), ("tears of joy", "haha"), ("floor laughing", "haha"),
    ("heart", "love"), ("kiss", "kiss"), ("loudly crying", "cry"), ("crying", "cry"),
    ("thumbs down", "bad"), ("thumbs up", "great"), ("clapping", "great"), ("ok hand", "great"),
    ("star struck", "great"), ("party", "yay"), ("raising hands", "yay"),
    ("angry", "angry"), ("pouting", "angry"), ("enraged", "angry"), ("symbols on mouth", "angry"),
    ("steam from nose", "angry"), ("rolling eyes", "ugh"), ("unamused", "ugh"),
    ("vomiting", "disgusting"), ("nauseated", "disgusting"), ("screaming in fear", "scared"),
    ("fearful", "scared"), ("anxious", "scared"), ("sleepy", "tired"), ("sleeping", "tired"),
    ("tired", "tired"), ("weary", "sad"), ("disappointed", "sad"), ("pensive", "sad"),
    ("frowning", "sad"), ("worried", "sad"), ("sad", "sad"), ("confounded", "sad"),
    ("persevering", "sad"), ("grinning", "smile"), ("smiling", "smile"), ("beaming", "smile"),
    ("winking", "wink"), ("neutral face", "meh"), ("expressionless", "meh"),
    # v3: faces and gestures common in complaints since 2015
    ("facepalming", "ugh"), ("middle finger", "angry"), ("pile of poo", "crap"),
    ("downcast", "sad"), ("yawning", "tired"), ("thermometer", "sick"), ("sneezing", "sick"),
    ("grimacing", "awkward"),
)


def _emoji_to_words(_emoji: str, data: dict) -> str:
    # data["en"] is the emoji's English name, e.g. ":face_with_tears_of_joy:".
    name = data.get("en", "").strip(":").replace("_", " ").replace("-", " ").lower()
    for phrase, word in _EMOJI_EMOTION_WORDS:
        if phrase in name:
            return f" {word} "
    return f" {name} "


def normalize_tweet(text: str) -> str:
    """Return the tweet as space-separated lower-case tokens for the neural models."""
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


# Negations and intensifiers that the stop-word list would otherwise remove but that carry
# sentiment ("not good" is not "good").
_KEPT_STOPWORDS = frozenset({
    "no", "nor", "not", "never", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't",
    "weren't", "won't", "wouldn't", "can't", "couldn't", "shouldn't", "haven't", "hasn't",
    "hadn't", "mustn't", "needn't", "against", "very", "too", "don", "didn", "doesn", "isn",
    "wasn", "aren", "weren", "won", "wouldn", "couldn", "shouldn", "haven", "hasn", "hadn",
})


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    # Imported lazily: nltk costs over a second to import next to scikit-learn, and serving
    # never needs this pipeline.
    from nltk.corpus import stopwords

    try:
        words = stopwords.words("english")
    except LookupError as missing:
        raise LookupError(
            "NLTK stopwords are missing: set NLTK_DATA to a folder holding corpora/stopwords.zip "
            "(../shared/data/nltk_data here) or run `python -m nltk.downloader stopwords`."
        ) from missing
    return frozenset(words) - _KEPT_STOPWORDS


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    import simplemma

    # Kept negations stay as they are: simplemma turns "didn't" into "do", losing the negation.
    # It also capitalises proper nouns ("paris" -> "Paris"); the pipeline is lower-case.
    if word in _KEPT_STOPWORDS:
        return word
    return simplemma.lemmatize(word, lang="en").lower()


def normalize_for_bag_of_words(text: str) -> str:
    """Return lemmatised content words (negations kept, punctuation and stop words dropped)."""
    stop = _stopwords()
    words = (t for t in normalize_tweet(text).split() if t not in ("!", "?"))
    return " ".join(_lemma(w) for w in words if w not in stop)
