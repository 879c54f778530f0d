"""Where a full batch's time goes in the predict function, and the worst-case normalisation.

Two measurements, each interleaved round by round in one run so that the machine's load falls on
every case alike (medians reported):

- split: the registered predict function (function_app, as the Functions worker calls it) on a
  full batch of ordinary tweets, beside its parts on the same texts: normalise, encode, the ONNX
  graph alone (session.run), and the rest (request parsing, records, telemetry calls, JSON).
- worst case: full batches of hostile shapes (each text different, built from a seeded RNG, so no
  cache helps) against ordinary text of the same size (sample tweets joined to that length):
  normalisation alone and the whole predict function. The frozen pre-rewrite normaliser
  (bench/normalize_v3_reference.py) is timed on a few texts of each shape for the "before" column.
"""

from __future__ import annotations

import functools
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.environment import snapshot
from bench.tweets import SAMPLE_TWEETS

TEXT_CHARS = 1000  # the service's MAX_TEXT_CHARS
_REFERENCE_TEXTS = 3  # the old normaliser is slow on some shapes: time a few texts, scale up


def _emoji_lists() -> tuple[list[str], list[str], list[str]]:
    from emoji import EMOJI_DATA

    singles = [k for k in EMOJI_DATA if len(k) == 1]
    long_named = sorted(singles, key=lambda k: -len(EMOJI_DATA[k]["en"]))[:40]
    continuing = sorted({c for k in EMOJI_DATA for c in k[1:] if c in singles})
    return singles, long_named, continuing


def _joiner_lists() -> dict[str, list[str]]:
    """Keys and parts for the shapes that make emoji 2.16 step back after a joiner."""
    from emoji import EMOJI_DATA, STATUS

    firsts = {k[0] for k in EMOJI_DATA}
    components = sorted(k for k, v in EMOJI_DATA.items() if v["status"] == STATUS["component"])
    # Keys of two or more characters after which the library drops a joiner; a component and a
    # joiner after that make it step back into the key. Where the part it reads again holds a
    # component and a joiner, it steps back again, over the keys before (the slow, exact path).
    multi = sorted(k for k in EMOJI_DATA if len(k) > 1 and k[-1] in firsts)

    def steps_back_again(key: str) -> bool:
        part = key[2:] if key[1] == "\u200d" else key[1:]
        return any(a in components and b == "\u200d" for a, b in zip(part, part[1:], strict=False))

    return {
        "components": components,
        "regional indicators": [chr(c) for c in range(0x1F1E6, 0x1F200)],
        "joined": sorted(k for k in EMOJI_DATA if "\u200d" in k),
        "joinable": sorted({k[0] for k in EMOJI_DATA if "\u200d" in k[1:2]}),
        "with selector": sorted({k[0] for k in EMOJI_DATA if k[1:2] == "\ufe0f"}),
        "tag flags": sorted(k for k in EMOJI_DATA if "\U000e007f" in k),
        "step back": [k for k in multi if not steps_back_again(k)],
        "step back again": [k for k in multi if steps_back_again(k)],
    }


def hostile_shapes() -> dict[str, Callable[[random.Random, int], str]]:
    """name -> (rng, length) -> a text of `length` characters of that shape."""
    singles, long_named, continuing = _emoji_lists()
    emoticons = [":)", ":(", "D:", "<3", ":-D", "xD", ";)", ":/", "^_^", ">:("]

    def repeat(pick: Callable[[random.Random], str]) -> Callable[[random.Random, int], str]:
        def build(rng: random.Random, n: int) -> str:
            parts, size = [], 0
            while size < n:
                parts.append(pick(rng))
                size += len(parts[-1])
            return "".join(parts)[:n]

        return build

    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    return {
        "dotted run 7.7.7.": repeat(lambda r: r.choice(alnum) + "."),
        "hyphen run a-b-c-": repeat(lambda r: r.choice(alnum) + "-"),
        "dotted run after x.com/": lambda r, n: "x.com/ " + repeat(lambda q: q.choice(alnum) + ".")(r, n - 7),
        "NFKC expansion \\ufdfa \\ufdfb \\u3300": repeat(lambda r: r.choice("\ufdfa\ufdfb\u3300\u3316")),
        "ligatures, ellipses \\ufb03 \u2026": repeat(lambda r: r.choice("\ufb03\u2026\u2474\u2167")),
        "emoji": repeat(lambda r: r.choice(singles)),
        "long-named emoji \U0001f202": repeat(lambda r: r.choice(long_named)),
        "emoji + zero-width joiner": repeat(lambda r: r.choice(singles) + "\u200d"),
        "joinable emoji + joiner": repeat(lambda r: r.choice(continuing) + "\u200d"),
        "skin tones, keycaps, flags": repeat(
            lambda r: r.choice(
                ["\U0001f44d\U0001f3fd", "1\ufe0f\u20e3", "\U0001f1fa\U0001f1f8", "\U0001f3fd", "\u2764\ufe0f"]
            )
        ),
        "flag tags \U0001f3f4 + tag run": lambda r, n: (
            "\U0001f3f4" + "".join(chr(0xE0061 + r.randrange(26)) for _ in range(n - 1))
        ),
        "emoticons": repeat(lambda r: r.choice(emoticons) + " "),
        "@@@@": repeat(lambda r: "@"),
        "@mentions": repeat(lambda r: "@" + r.choice(alnum)),
        "#hashtags": repeat(lambda r: "#" + r.choice(alnum)),
        "http fragments": repeat(lambda r: r.choice(["http", "https:/", "www", "http:/", ".co"])),
        "one repeated letter": lambda r, n: r.choice(alnum) * n,
        "combining marks": lambda r, n: "a" + "".join(chr(0x300 + r.randrange(0x70)) for _ in range(n - 1)),
        "zero-width characters": repeat(lambda r: r.choice("\u200b\u200c\u200d\u2060\ufeff\u200e")),
        "mixed scripts": repeat(
            lambda r: r.choice(["a", "\u0434", "\u4e2d", "\u0627", "\u05d0", "\U0001f602", "\u00e9"])
        ),
        "HTML entities": repeat(lambda r: r.choice(["&amp;", "&#128514;", "&lt;3", "&quot;"])),
        "!?!? and '''": repeat(lambda r: r.choice("!?'")),
        "unknown words": repeat(lambda r: "".join(r.choice(alnum) for _ in range(7)) + " "),
        **_joiner_shapes(repeat),
    }


def _joiner_shapes(
    repeat: Callable[[Callable[[random.Random], str]], Callable[[random.Random, int], str]],
) -> dict[str, Callable[[random.Random, int], str]]:
    """Emoji shapes beyond the issue's: regional indicators, long joined sequences, skin tones,
    joiners and selectors alone or in runs, tag sequences, marks piled on an emoji, and the
    joiner after a component that makes emoji 2.16 step back into the key before it."""
    lists = _joiner_lists()
    zwj, modifiers = "\u200d", [*lists["components"], "\u200d", "\ufe0f", "\ufe0e", "\u20e3"]

    def step_back(keys: list[str]) -> Callable[[random.Random], str]:
        return lambda r: r.choice(keys) + zwj + r.choice(lists["components"]) + zwj

    return {
        "regional indicators \U0001f1e6\U0001f1e8": repeat(lambda r: r.choice(lists["regional indicators"])),
        "joined sequences \U0001f468\u200d\U0001f469\u200d\U0001f467": repeat(lambda r: r.choice(lists["joined"])),
        "skin tone + joiner \U0001f3fd\u200d": repeat(lambda r: r.choice(lists["components"]) + zwj),
        "modifiers, joiners, selectors": repeat(lambda r: r.choice(modifiers)),
        "one emoji, 999 joiners": lambda r, n: r.choice(lists["joinable"]) + zwj * (n - 1),
        "one emoji, 999 selectors": lambda r, n: r.choice(lists["with selector"]) + "\ufe0f" * (n - 1),
        "marks piled on an emoji": lambda r, n: (
            "\U0001f602" + "".join(chr(0x300 + r.randrange(0x70)) for _ in range(n - 1))
        ),
        "tag sequences \U0001f3f4\U000e0067\U000e0062": repeat(lambda r: r.choice(lists["tag flags"])),
        "step back into a key \U0001f44d\U0001f3fd\u200d\U0001f3fd\u200d": repeat(step_back(lists["step back"])),
        "... and again \U0001f468\U0001f3fd\u200d\U0001f9b0\u200d\U0001f3fd\u200d": repeat(
            step_back(lists["step back again"])
        ),
    }


def ordinary_texts(rng: random.Random, count: int, length: int) -> list[str]:
    """Sample tweets in random order, joined by spaces to `length` characters."""

    def one() -> str:
        tweets = list(SAMPLE_TWEETS)
        rng.shuffle(tweets)
        return (" ".join(tweets * (1 + length // 1000)))[:length]

    return [one() for _ in range(count)]


def _interleaved(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median milliseconds per case, the cases alternating within every round."""
    for call in cases.values():
        call()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, call in cases.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return {name: round(statistics.median(s) * 1000, 3) for name, s in samples.items()}


def _registered_predict():
    import function_app

    app = function_app.app
    seen = app.functions_bindings
    try:
        functions = {f.get_function_name(): f for f in app.get_functions()}
    finally:
        app.functions_bindings = seen
    return functions["predict"].get_user_function()


def _request(texts: list[str]):
    import azure.functions as func

    body = json.dumps({"texts": texts}, ensure_ascii=False).encode("utf-8")
    return lambda: func.HttpRequest("POST", "http://localhost/api/predict", headers={}, body=body)


def _normalise_each(normalize: Callable[[str], str], texts: list[str]) -> list[str]:
    return [normalize(t) for t in texts]


def _call_with_fresh_request(predict: Callable[[Any], Any], request: Callable[[], Any]) -> Any:
    return predict(request())


def _answered(predict, request) -> None:
    response = predict(request())
    if response.status_code != 200:
        raise SystemExit(f"predict answered {response.status_code}: {response.get_body()[:200]!r}")


def measure_split(model, predict, texts: list[str], rounds: int) -> dict:
    from predict.normalize import normalize_tweet

    request = _request(texts)
    _answered(predict, request)
    normalized = [normalize_tweet(t) for t in texts]
    feeds = model.tokenizer.encode_batch_normalized(normalized, dtype=model.input_dtype).feeds
    timings = _interleaved(
        {
            "function": lambda: predict(request()),
            "normalise": lambda: [normalize_tweet(t) for t in texts],
            "encode": lambda: model.tokenizer.encode_batch_normalized(normalized, dtype=model.input_dtype),
            "graph": lambda: model.session.run(None, feeds),
        },
        rounds,
    )
    timings["rest"] = round(timings["function"] - timings["normalise"] - timings["encode"] - timings["graph"], 3)
    timings["graph_share"] = round(timings["graph"] / timings["function"], 3)
    return timings


def measure_worst_case(predict, batch: int, length: int, rounds: int, seed: int) -> dict:
    from bench.normalize_v3_reference import normalize_tweet_v3
    from predict.normalize import normalize_tweet

    rng = random.Random(seed)
    batches = {"ordinary text": ordinary_texts(rng, batch, length)}
    batches.update({name: [build(rng, length) for _ in range(batch)] for name, build in hostile_shapes().items()})
    requests = {name: _request(texts) for name, texts in batches.items()}
    cases: dict[str, Callable[[], object]] = {}
    for name, texts in batches.items():
        cases[f"normalise|{name}"] = functools.partial(_normalise_each, normalize_tweet, texts)
        _answered(predict, requests[name])
        cases[f"function|{name}"] = functools.partial(_call_with_fresh_request, predict, requests[name])
    timings = _interleaved(cases, rounds)
    ordinary_norm, ordinary_fn = timings["normalise|ordinary text"], timings["function|ordinary text"]
    shapes = {}
    for name, texts in batches.items():
        start = time.perf_counter()
        for text in texts[:_REFERENCE_TEXTS]:
            normalize_tweet_v3(text)
        before = (time.perf_counter() - start) * 1000 * batch / _REFERENCE_TEXTS
        norm, fn = timings[f"normalise|{name}"], timings[f"function|{name}"]
        shapes[name] = {
            "normalise_ms": norm,
            "normalise_ratio": round(norm / ordinary_norm, 2),
            "function_ms": fn,
            "function_ratio": round(fn / ordinary_fn, 2),
            "before_normalise_ms": round(before, 1),
        }
    hostile = {k: v for k, v in shapes.items() if k != "ordinary text"}
    worst_norm = max(hostile, key=lambda k: hostile[k]["normalise_ratio"])
    worst_fn = max(hostile, key=lambda k: hostile[k]["function_ratio"])
    return {"shapes": shapes, "worst_normalise": worst_norm, "worst_function": worst_fn}


def measure(model_dir: Path, rounds: int = 15, batch: int = 100, length: int = TEXT_CHARS, seed: int = 12) -> dict:
    import os

    os.environ["MODEL_DIR"] = str(model_dir)
    # 100 texts of 1,000 emoji are ~400 kB of JSON, over the service's 256 kB body limit: raised
    # here so that every shape is measured at the full text length (stricter than the service).
    os.environ["MAX_BODY_BYTES"] = str(16 * 1024 * 1024)
    from predict.runtime import get_model, reset_model
    from service.settings import get_settings

    get_settings.cache_clear()
    reset_model()
    model, predict = get_model(), _registered_predict()
    section: dict[str, Any] = {
        "batch": batch,
        "text_chars": length,
        "rounds": rounds,
        "seed": seed,
        "model": model.version,
        "before": snapshot(),
    }
    texts = [SAMPLE_TWEETS[i % len(SAMPLE_TWEETS)] for i in range(batch)]
    section["split"] = measure_split(model, predict, texts, rounds=max(rounds, 40))
    s = section["split"]
    print(
        f"  split, batch {batch}: function {s['function']} ms = normalise {s['normalise']} + encode "
        f"{s['encode']} + graph {s['graph']} + rest {s['rest']}; graph share {s['graph_share']}",
        flush=True,
    )
    section["worst_case"] = measure_worst_case(predict, batch, length, rounds, seed)
    w = section["worst_case"]
    for name, v in w["shapes"].items():
        print(
            f"  {name:34s} normalise {v['normalise_ms']:9.2f} ms ({v['normalise_ratio']:5.2f}x)  "
            f"function {v['function_ms']:9.2f} ms ({v['function_ratio']:5.2f}x)  "
            f"before: normalise {v['before_normalise_ms']:9.1f} ms",
            flush=True,
        )
    print(
        f"  worst-case normalisation: {w['worst_normalise']} "
        f"{w['shapes'][w['worst_normalise']]['normalise_ratio']}x ordinary text of the same size; "
        f"predict function: {w['worst_function']} {w['shapes'][w['worst_function']]['function_ratio']}x",
        flush=True,
    )
    section["after"] = snapshot()
    return section
