"""Compare predict.normalize.normalize_tweet with the frozen pre-rewrite version on every text we have.

    .venv-train/bin/python scripts/compare_normalization.py [--fuzz 300000] [--seed 7]

Texts: every row of every file under ../shared/data/sentiment140 (raw, and HTML-unescaped as the
loaders give them), the train / validation / test / manual splits of model_build.data, every string
literal in tests/ and the behaviour cases, bench's sample tweets, every emoji of the emoji library
alone and inside words, and random strings over an alphabet of the characters each step reacts to
(emoji parts, joiners, selectors, skin tones, keycaps, '@#:/.-', URL pieces, entities, Arabic,
combining marks, private-use characters). Prints the number of differences per source and the
first few, and exits 1 if an ordinary text differs. A text whose NFKC form is longer than
MAX_NORMALIZED_CHARS is expected to differ (it is cut); it is reported apart.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import html
import json
import random
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.normalize_v3_reference import normalize_tweet_v3  # noqa: E402
from bench.tweets import SAMPLE_TWEETS  # noqa: E402
from predict.normalize import MAX_NORMALIZED_CHARS, normalize_tweet  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "sentiment140"


def data_file_texts() -> Iterable[str]:
    import pandas as pd

    for path in sorted(DATA.glob("*")):
        if path.name.endswith(".txt.gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                yield from (line.rstrip("\n") for line in handle)
        elif path.name.startswith("random_union"):
            yield from pd.read_csv(path, dtype=str, keep_default_na=False)["text"]
        elif path.suffix in (".csv", ".gz"):
            frame = pd.read_csv(path, header=None, encoding="latin-1", dtype=str, keep_default_na=False)
            yield from frame[5]


def split_texts() -> Iterable[str]:
    from model_build.data import DEFAULT_DATA_DIR, build_splits

    splits = build_splits(ROOT / DEFAULT_DATA_DIR)
    for frame in (splits.train, splits.validation, splits.test, splits.manual):
        yield from frame["text"]


def test_strings() -> Iterable[str]:
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
                yield node.value
    for path in sorted((ROOT / "tests").rglob("*.json")):
        yield from _json_strings(json.loads(path.read_text(encoding="utf-8")))
    yield from SAMPLE_TWEETS


def _json_strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def emoji_texts() -> Iterable[str]:
    from emoji import EMOJI_DATA

    for key in EMOJI_DATA:
        yield from (key, f"a{key}b", f"#{key} {key}{key}", f"{key}\u200d{key}", f"1{key}\ufe0f:)")


# Fragments that stress each pass: joiners, selectors, skin tones, flags, tags, URL parts,
# entities, emoticons, confusable and combining characters.
FUZZ_PIECES = [
    "\u200d",
    "\ufe0f",
    "\ufe0e",
    "\u20e3",
    "\U0001f3fd",
    "\U0001f9b0",
    "\U0001f468",
    "\U0001f469",
    "\U0001f3f4",
    "\U000e0067",
    "\U000e007f",
    "\U0001f1fa",
    "\U0001f1f8",
    "\u2764",
    "#",
    "*",
    "1",
    "7",
    "@",
    ":",
    ")",
    "(",
    "D",
    "x",
    "-",
    ".",
    "/",
    "'",
    "\u2019",
    "!",
    "?",
    "_",
    " ",
    "\n",
    "http://",
    "https://",
    "www.",
    "bit.ly/",
    ".com/",
    "a.co/",
    "&amp;",
    "&lt;3",
    "&#128514;",
    "soooo",
    "!!!",
    "\u0627",
    "\ufdfa",
    "\u0301",
    "\u00e9",
    "e",
    "\u3099",
    "\u30cf",
    "\u2026",
    "\ufb03",
    "\u00a0",
    "\ue000",
    "\U000f0001",
    "\U000f0000",
    "\u200b",
    "\u202e",
    "I",
    "\u0130",
    "K",
    "k",
    "\u212a",
    "\u017f",
    "lol",
    "#tag",
    "@user",
    ":-(",
    "<3",
    "</3",
    "^_^",
    "xD",
]


def fuzz_texts(count: int, seed: int) -> Iterable[str]:
    from emoji import EMOJI_DATA

    rng = random.Random(seed)
    keys = list(EMOJI_DATA)
    for _ in range(count):
        parts = [rng.choice(keys) if rng.random() < 0.2 else rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 14))]
        yield "".join(parts)


def joiner_texts(count: int, seed: int) -> Iterable[str]:
    """Random texts weighted to what the emoji tokenizer steps back over: joiners, skin tones,
    hair components, family members, gender signs, tags, flags."""
    rng = random.Random(seed)
    alphabet = [
        "\u200d",
        "\U0001f3fd",
        "\U0001f3fb",
        "\U0001f9dd",
        "\u2640",
        "\U0001f9d1",
        "\u2764",
        "\ufe0f",
        "/",
        "1",
        "a",
        "#",
        "\u20e3",
        "\U0001f468",
        "\U0001f469",
        "\U0001f467",
        "\U0001f3f4",
        "\U000e0067",
        "\U000e007f",
        "\U0001f1fa",
        "\U0001f1f8",
        " ",
        "\U0001f602",
        "\U0001f9b0",
        "x",
        ".",
        ":)",
        "\U0001f48b",
        "\U0001f525",
        "\U0001f91d",
        "\u2b1b",
        "\U0001f426",
        "\u2642",
        "\U0001f9ba",
        "\U0001f3f3",
        "\U0001f308",
        "\u26a7",
        "\U0001f43b",
        "\u2744",
        "\ufdfa",
        "&amp;",
    ]
    for _ in range(count):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))


def compare(name: str, texts: Iterable[str], show: int = 5) -> tuple[int, int, list[str]]:
    """(texts compared, ordinary texts that differ, cut texts that differ)."""
    compared, differ, cut = 0, [], []
    for text in dict.fromkeys(texts):
        compared += 1
        old, new = normalize_tweet_v3(text), normalize_tweet(text)
        if old == new:
            continue
        nfkc_length = len(unicodedata.normalize("NFKC", html.unescape(text)))
        (cut if nfkc_length > MAX_NORMALIZED_CHARS else differ).append(text)
    print(
        f"{name}: {compared:,} distinct texts, {len(differ)} differ"
        + (f", {len(cut)} longer than {MAX_NORMALIZED_CHARS} after NFKC differ (cut)" if cut else "")
    )
    for text in differ[:show]:
        print(f"  {text!r}\n    old {normalize_tweet_v3(text)!r}\n    new {normalize_tweet(text)!r}")
    return compared, len(differ), cut


def compare_probabilities() -> float:
    """Max |P_old - P_new| on the test split: the old path (frozen normaliser, the tokenizer's
    per-text ids) against the served one (SentimentModel.predict_batch)."""
    import numpy as np

    from model_build.data import DEFAULT_DATA_DIR, build_splits
    from predict.model import load_model_artifact

    model = load_model_artifact(ROOT / "onnx_models" / "fasttext_lstm")
    texts = list(build_splits(ROOT / DEFAULT_DATA_DIR).test["text"])
    old, new = [], []
    for start in range(0, len(texts), 100):
        batch = texts[start : start + 100]
        ids = model.tokenizer.encode_normalized([normalize_tweet_v3(t) for t in batch], dtype=model.input_dtype)
        old.append(model.run({"token_ids": ids}))
        new.append(model.predict_batch(batch)[0])
    diff = float(np.max(np.abs(np.concatenate(old) - np.concatenate(new))))
    print(f"test split: {len(texts):,} tweets in batches of 100, max |P_old - P_new| = {diff}")
    return diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fuzz", type=int, default=300_000, help="random texts (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--probabilities", action="store_true", help="only compare the served model's probabilities on the test split"
    )
    args = parser.parse_args(argv)
    if args.probabilities:
        return 1 if compare_probabilities() > 0 else 0
    raw = list(data_file_texts())
    sources = {
        "data files, raw": raw,
        "data files, HTML-unescaped": (html.unescape(t) for t in raw),
        "model_build.data splits": split_texts(),
        "tests and behaviour cases": test_strings(),
        "every emoji, alone and in context": emoji_texts(),
        f"random texts (seed {args.seed})": fuzz_texts(args.fuzz, args.seed),
        f"random texts weighted to joiners (seed {args.seed})": joiner_texts(args.fuzz, args.seed),
    }
    total = differing = 0
    for name, texts in sources.items():
        compared, differ, _ = compare(name, texts)
        total, differing = total + compared, differing + differ
    print(f"total: {total:,} texts compared, {differing} ordinary texts differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
