"""The baseline: TF-IDF over lemmatised words (1-2 grams) and characters, logistic regression.

Text goes through `normalize_for_bag_of_words` (stop words removed, negations kept, lemmas).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from model_build.bag_of_words import normalize_for_bag_of_words


@dataclass
class SimpleSettings:
    word_ngram_max: int = 2
    char_ngrams: bool = True  # 2-5 char n-grams inside word boundaries: robust to misspellings
    max_features: int = 200_000
    min_df: int = 2
    c: float = 1.0  # inverse regularisation; fixed a priori, never tuned on the manual set
    seed: int = 42

    def as_params(self) -> dict:
        return asdict(self)


def build_pipeline(settings: SimpleSettings):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    features = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, settings.word_ngram_max),
                min_df=settings.min_df,
                sublinear_tf=True,
                max_features=settings.max_features,
                token_pattern=r"\S+",
            ),
        )
    ]
    if settings.char_ngrams:
        features.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=settings.min_df,
                    sublinear_tf=True,
                    max_features=settings.max_features,
                ),
            )
        )
    return Pipeline(
        [
            ("normalize", FunctionTransformer(normalize_texts)),
            ("tfidf", FeatureUnion(features)),
            ("classifier", LogisticRegression(C=settings.c, max_iter=2000, random_state=settings.seed)),
        ]
    )


def normalize_texts(texts: Sequence[str]) -> list[str]:
    from tqdm import tqdm

    # A bar for the big passes (training, evaluation), none for the small batches of serving-style timing.
    return [
        normalize_for_bag_of_words(t) for t in tqdm(texts, desc="bag-of-words normalise", disable=len(texts) < 5000)
    ]


def scorer(pipeline):
    def score(texts: Sequence[str]) -> np.ndarray:
        return pipeline.predict_proba(list(texts))[:, 1]

    return score
