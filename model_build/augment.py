"""Transfer-set augmentation for distillation (Tang et al. 2019, section 3.3).

The student learns from the teacher only on the texts the teacher scores. Augmented copies of the
training tweets widen that set with texts no label exists for: words masked out (the student sees
its out-of-vocabulary id, the teacher its [MASK] token) and short n-grams sampled from a tweet.
Masking is what a tweet from another year looks like to a fixed vocabulary: some of its words are
unknown. The teacher's probability is the only target an augmented copy gets.

Works on NORMALISED texts (space-separated tokens), so the copies need no second normalisation.
Tang et al.'s third rule, POS-guided word replacement, needs a tagger that is not installed here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from predict.tokenizer import OOV_TOKEN

MASK = OOV_TOKEN  # the student tokenizer maps "<oov>" to its out-of-vocabulary id


@dataclass(frozen=True)
class AugmentSettings:
    copies: int = 2  # augmented copies per training tweet (Tang et al. used 20 on small sets)
    p_mask: float = 0.1  # per word
    p_ngram: float = 0.25  # per copy: keep only a random n-gram of the (masked) tweet
    max_ngram: int = 5
    seed: int = 42

    def as_params(self) -> dict:
        return {f"augment_{k}": v for k, v in asdict(self).items()}


def augment_tokens(tokens: list[str], rng: np.random.Generator, settings: AugmentSettings) -> list[str]:
    """One augmented copy: each word masked with p_mask, then with p_ngram an n-gram
    (n uniform in 1..max_ngram) of the result kept."""
    out = [MASK if rng.random() < settings.p_mask else t for t in tokens]
    if out and rng.random() < settings.p_ngram:
        n = int(rng.integers(1, settings.max_ngram + 1))
        if n < len(out):
            start = int(rng.integers(0, len(out) - n + 1))
            out = out[start : start + n]
    return out


def augmented_copies(normalized_texts: list[str], settings: AugmentSettings) -> list[str]:
    """Seeded augmented copies of the texts, without copies that equal a training text, consist
    only of masks, or repeat another copy."""
    rng = np.random.default_rng(settings.seed)
    originals = set(normalized_texts)
    seen: set[str] = set()
    copies = []
    for _ in range(settings.copies):
        for text in normalized_texts:
            tokens = augment_tokens(text.split(), rng, settings)
            copy = " ".join(tokens)
            if not copy or copy in originals or copy in seen or all(t == MASK for t in tokens):
                continue
            seen.add(copy)
            copies.append(copy)
    return copies


def for_teacher(copy: str, mask_token: str) -> str:
    """The teacher's view of a copy: its own mask token where the student sees <oov>."""
    return " ".join(mask_token if t == MASK else t for t in copy.split())


def augmented_rows(copies: list[str], scores: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The scored copies and their teacher probabilities (float32), in `copies` order."""
    table = scores.drop_duplicates("text").set_index("text")["teacher_probability"]
    probability = pd.Series(copies, dtype=object).map(table)
    scored = probability.notna().to_numpy()
    kept = [c for c, ok in zip(copies, scored, strict=True) if ok]
    return kept, probability[scored].to_numpy(dtype=np.float32)
