"""The bag-of-words text pipeline of the TF-IDF baseline (training only, never deployed).

`normalize_for_bag_of_words`: the serving normalisation (`predict.normalize.normalize_tweet`,
imported, never copied), then punctuation and stop words dropped (negations kept) and words
lemmatised. It needs nltk's stop words and simplemma, which the deployed package does not hold.
"""

from __future__ import annotations

from functools import lru_cache

from predict.normalize import normalize_tweet

# Negations and intensifiers that the stop-word list would otherwise remove but that carry
# sentiment ("not good" is not "good").
_KEPT_STOPWORDS = frozenset(
    {
        "no",
        "nor",
        "not",
        "never",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "won't",
        "wouldn't",
        "can't",
        "couldn't",
        "shouldn't",
        "haven't",
        "hasn't",
        "hadn't",
        "mustn't",
        "needn't",
        "against",
        "very",
        "too",
        "don",
        "didn",
        "doesn",
        "isn",
        "wasn",
        "aren",
        "weren",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "haven",
        "hasn",
        "hadn",
    }
)


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
