"""`robustness`: accuracy of exported artefacts when words become unknown, side by side.

Tweets from another year or source reach a fixed vocabulary with some of their words unknown.
Seeded stresses of the held-out TEST split (never the manual set) stand in for that:
- `mask_p`: each token is treated as never seen in training with probability p (a format-1 model
  reads <oov>; a model with FastText n-grams still reads the word's spelling);
- `madeup_p`: each token is replaced by a made-up pseudo-word with probability p (no information
  for any model: what is measured is that unknown words push neither way);
- `vocabulary_K`: only the K most frequent training words stay known, as if the rest had never
  been seen (rare words are the ones a new period brings).

    python -m model_build robustness onnx_models/fasttext_lstm /tmp/candidate --output F.json
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from predict.tokenizer import UNSEEN_PREFIX

MASK_RATES = (0.0, 0.1, 0.2, 0.3)
MADEUP_RATES = (0.1, 0.3)
VOCABULARY_SIZES = (20_000, 5_000, 2_000)


def register(subparsers) -> None:
    from model_build.train import add_data_options

    parser = subparsers.add_parser(
        "robustness", help="accuracy of ONNX artefacts on the test split with words made unknown"
    )
    parser.add_argument("artefacts", type=Path, nargs="+", help="onnx_models/<name> folders")
    add_data_options(parser)
    parser.add_argument("--output", type=Path, default=None, help="write the table as JSON")
    parser.set_defaults(handler=run_from_args)


_SYLLABLE_ONSETS, _SYLLABLE_VOWELS = "bdfgklmnprstvz", "aeiou"


def pseudo_word(rng: np.random.Generator) -> str:
    """A pronounceable made-up word of 2-4 syllables ("brovatek"): no dictionary has it, and it
    is drawn differently from training's made-up words (random letters, model_build/lstm.py)."""
    syllables = int(rng.integers(2, 5))
    return "".join(
        rng.choice(list(_SYLLABLE_ONSETS))
        + rng.choice(list(_SYLLABLE_VOWELS))
        + (rng.choice(list(_SYLLABLE_ONSETS)) if rng.random() < 0.4 else "")
        for _ in range(syllables)
    )


def make_unseen(normalized: str, rate: float, rng: np.random.Generator, madeup: bool = False) -> str:
    """Each token, with probability `rate`, treated as a word never seen in training: itself
    (the model may still read its spelling) or, with `madeup`, a pseudo-word (no information)."""
    tokens = normalized.split()
    hits = rng.random(len(tokens)) < rate
    return " ".join(
        UNSEEN_PREFIX + (pseudo_word(rng) if madeup else t) if h else t for t, h in zip(tokens, hits, strict=True)
    )


def shrink_vocabulary(normalized: str, tokenizer, keep: int) -> str:
    """Words beyond the `keep` most frequent training words (ids are frequency ranks after pad
    and oov) become unseen."""

    def known(token: str) -> bool:
        ids = tokenizer.ids(token)
        return bool(ids) and 2 <= ids[0] < keep + 2

    return " ".join(t if known(t) else UNSEEN_PREFIX + t for t in normalized.split())


def predict_normalized(model, normalized: list[str], batch_size: int = 1024) -> np.ndarray:
    parts = [
        model.run(model.tokenizer.feeds_normalized(normalized[i : i + batch_size], dtype=model.input_dtype))
        for i in range(0, len(normalized), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def with_pseudo_words(normalized: list[str], tokenizer, share: float, seed: int = 7) -> list[str]:
    """Each word replaced, with probability `share` (and at least one per tweet), by a
    pseudo-word the tokenizer does not know."""
    return replaced_and_deleted(normalized, tokenizer, share, seed)[0]


def replaced_and_deleted(normalized: list[str], tokenizer, share: float, seed: int = 7) -> tuple[list[str], list[str]]:
    """The same words of each tweet (probability `share`, at least one) replaced by unknown
    pseudo-words, and deleted: the pair separates what an unknown word adds from what losing
    the word takes away."""
    rng = np.random.default_rng(seed)

    def unknown_word() -> str:
        while True:
            word = pseudo_word(rng)
            if not tokenizer.is_known(word):
                return word

    replaced, deleted = [], []
    for text in normalized:
        tokens = text.split()
        hits = np.zeros(0, dtype=bool)
        if tokens:
            hits = rng.random(len(tokens)) < share
            hits[rng.integers(len(tokens))] = True
        replaced.append(" ".join(unknown_word() if h else t for t, h in zip(tokens, hits, strict=True)))
        deleted.append(" ".join(t for t, h in zip(tokens, hits, strict=True) if not h))
    return replaced, deleted


def with_inserted_pseudo_words(normalized: list[str], tokenizer, share: float, seed: int = 11) -> list[str]:
    """A pseudo-word the tokenizer does not know after each word with probability `share`,
    nothing removed: what an unknown word adds, with no information lost."""
    rng = np.random.default_rng(seed)
    out = []
    for text in normalized:
        tokens = []
        for token in text.split():
            tokens.append(token)
            if rng.random() < share:
                word = pseudo_word(rng)
                tokens.append(word if not tokenizer.is_known(word) else "")
        out.append(" ".join(t for t in tokens if t))
    return out


def _shift_summary(shift: np.ndarray) -> dict:
    moved = shift[np.abs(shift) > 1e-3]
    return {
        "mean_shift": float(shift.mean()),
        "mean_abs_shift": float(np.abs(shift).mean()),
        "moved": int(len(moved)),
        "up_share": float(np.mean(moved > 0)) if len(moved) else 0.5,
    }


def unknown_word_shift(model, normalized: list[str], share: float = 0.2, seed: int = 7) -> dict:
    """How P(positive) moves when words become pseudo-words: the mean shift, and the share of
    the moved predictions (|shift| > 0.001) that went up, against the intact tweets and against
    the same tweets with those words deleted (`vs_deleted`: what the unknown words themselves
    add), and with pseudo-words inserted after as many words (`inserted`). No sentiment in
    unknown words means a mean near 0 and about half upward."""
    replaced, deleted = replaced_and_deleted(normalized, model.tokenizer, share, seed)
    p_intact = predict_normalized(model, normalized)
    p_replaced = predict_normalized(model, replaced)
    p_deleted = predict_normalized(model, deleted)
    return {
        "replaced_share": share,
        "tweets": len(normalized),
        **_shift_summary(p_replaced - p_intact),
        "deleted": _shift_summary(p_deleted - p_intact),
        "vs_deleted": _shift_summary(p_replaced - p_deleted),
        "inserted": _shift_summary(
            predict_normalized(model, with_inserted_pseudo_words(normalized, model.tokenizer, share)) - p_intact
        ),
    }


def stressed_accuracies(model, texts: list[str], labels: np.ndarray, seed: int = 42) -> dict:
    from predict.normalize import normalize_tweet

    normalized = [normalize_tweet(t) for t in texts]

    def accuracy(batch: list[str]) -> float:
        return float(np.mean((predict_normalized(model, batch) >= model.threshold) == labels))

    result = {}
    for rate in MASK_RATES:
        rng = np.random.default_rng(seed)
        result[f"mask_{rate:.1f}"] = accuracy([make_unseen(t, rate, rng) for t in normalized])
    for rate in MADEUP_RATES:
        rng = np.random.default_rng(seed)
        result[f"madeup_{rate:.1f}"] = accuracy([make_unseen(t, rate, rng, madeup=True) for t in normalized])
    for size in VOCABULARY_SIZES:
        result[f"vocabulary_{size}"] = accuracy([shrink_vocabulary(t, model.tokenizer, size) for t in normalized])
    tokens = [tok for t in normalized for tok in t.split()]
    result["oov_token_share"] = float(np.mean([not model.tokenizer.is_known(t) for t in tokens])) if tokens else 0.0
    return result


def run_from_args(args) -> int:
    from model_build.train import SplitSettings
    from predict.model import load_model_artifact

    test = SplitSettings.from_args(args).build().test
    labels = test["label"].to_numpy()
    table = {}
    for folder in args.artefacts:
        model = load_model_artifact(folder)
        table[f"{model.version} ({folder})"] = stressed_accuracies(model, test["text"].tolist(), labels, seed=args.seed)
    columns = list(next(iter(table.values())))
    print(f"test split, {len(test)} tweets: accuracy with words made unknown")
    print(f"{'model':<48}" + "".join(f"{c:>17}" for c in columns))
    for name, row in table.items():
        print(f"{name:<48}" + "".join(f"{row[c]:>17.4f}" for c in columns))
    if args.output:
        args.output.write_text(
            json.dumps({"split": "test", "rows": len(test), "seed": args.seed, "models": table}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 0
