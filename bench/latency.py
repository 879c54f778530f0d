"""In-process latency and throughput of the served model, one thread, fp32 and int8.

Each variant is loaded through `predict.model.load_model_artifact`, exactly as the function app
loads it (one intra-op thread), from a temporary folder whose model card names that variant's file.
Two figures per variant: the whole `predict_proba` (normalisation, tokenisation, onnxruntime)
and the onnxruntime session alone on the same token ids.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.environment import snapshot
from bench.previous import artefact_label
from bench.tweets import SAMPLE_TWEETS
from predict.model import MODEL_CARD_FILE, TOKENIZER_FILE, SentimentModel, load_model_artifact

VARIANTS = {"fp32": "model.onnx", "int8": "model.int8.onnx"}


def load_variant(model_dir: Path, model_file: str, workdir: Path) -> SentimentModel:
    folder = workdir / model_file.replace(".", "_")
    folder.mkdir(parents=True)
    card = json.loads((model_dir / MODEL_CARD_FILE).read_text(encoding="utf-8"))
    card["serving_model"] = model_file
    (folder / MODEL_CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    for name in (TOKENIZER_FILE, model_file):
        (folder / name).symlink_to((model_dir / name).resolve())
    return load_model_artifact(folder)


def _percentiles_ms(samples: list[float]) -> dict:
    ms = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 4),
        "p99_ms": round(float(np.percentile(ms, 99)), 4),
        "mean_ms": round(float(ms.mean()), 4),
        "max_ms": round(float(ms.max()), 4),
    }


def time_single(call, inputs: list, calls: int, warmup: int) -> list[float]:
    for i in range(warmup):
        call(inputs[i % len(inputs)])
    samples = []
    for i in range(calls):
        item = inputs[i % len(inputs)]
        start = time.perf_counter()
        call(item)
        samples.append(time.perf_counter() - start)
    return samples


def throughput(call, batch, min_seconds: float, tweets: int, min_batches: int = 20) -> dict:
    """`tweets`: how many tweets one call scores (a feeds dict's len() counts its inputs)."""
    call(batch)
    batches, start = 0, time.perf_counter()
    while batches < min_batches or time.perf_counter() - start < min_seconds:
        call(batch)
        batches += 1
    elapsed = time.perf_counter() - start
    return {
        "batches": batches,
        "tweets_per_second": round(batches * tweets / elapsed),
        "ms_per_batch": round(1000 * elapsed / batches, 3),
    }


def measure_variant(model: SentimentModel, calls: int, warmup: int, batch_size: int, min_seconds: float) -> dict:
    texts = list(SAMPLE_TWEETS)
    ids = [model.tokenizer.feeds([t], dtype=model.input_dtype) for t in texts]
    batch_texts = [texts[i % len(texts)] for i in range(batch_size)]
    batch_ids = model.tokenizer.feeds(batch_texts, dtype=model.input_dtype)

    def session_run(feeds):
        return model.session.run(None, feeds)

    return {
        "one_tweet_predict_proba": _percentiles_ms(
            time_single(lambda t: model.predict_proba([t]), texts, calls, warmup)
        ),
        "one_tweet_session_only": _percentiles_ms(time_single(session_run, ids, calls, warmup)),
        f"batch{batch_size}_predict_proba": throughput(model.predict_proba, batch_texts, min_seconds, batch_size),
        f"batch{batch_size}_session_only": throughput(session_run, batch_ids, min_seconds, batch_size),
    }


def measure(
    model_dir: Path,
    calls: int = 2000,
    warmup: int = 200,
    batch_size: int = 64,
    min_seconds: float = 3.0,
    previous_dir: Path | None = None,
) -> dict:
    section: dict[str, Any] = {
        "calls": calls,
        "warmup_calls": warmup,
        "batch_size": batch_size,
        "threads": 1,
        "before": snapshot(),
        "variants": {},
    }
    variants = [(name, model_dir, f) for name, f in VARIANTS.items()]
    if previous_dir is not None:
        name = f"{artefact_label(previous_dir)} (baseline) int8"
        variants.append((name, previous_dir, VARIANTS["int8"]))
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as workdir:
        for name, model_dir, model_file in variants:
            if not (model_dir / model_file).is_file():
                section["variants"][name] = None
                continue
            model = load_variant(model_dir, model_file, Path(workdir) / name.replace(" ", "_"))
            result = measure_variant(model, calls, warmup, batch_size, min_seconds)
            result["file_mb"] = round((model_dir / model_file).stat().st_size / 1e6, 2)
            section["variants"][name] = result
            print(
                f"  latency {name}: p50 {result['one_tweet_predict_proba']['p50_ms']} ms, "
                f"batch {batch_size}: {result[f'batch{batch_size}_predict_proba']['tweets_per_second']} "
                "tweets/s",
                flush=True,
            )
    section["after"] = snapshot()
    return section
