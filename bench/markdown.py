"""docs/benchmarks.md, generated from bench/results.json (`python -m bench report`)."""

from __future__ import annotations

from pathlib import Path

DOC_FILE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def _load(section: dict) -> str:
    before, after = section["before"], section.get("after", section["before"])
    return (f"{before['date'][:16].replace('T', ' ')} UTC, load average (1 min) "
            f"{before['load_average'][0]} → {after['load_average'][0]}")


def _cold_start(section: dict) -> list[str]:
    rows = ["## Cold start: fresh process → first prediction", "",
            f"{section['runs_each']} runs of each path, interleaved in one run (order alternating), after one unrecorded "
            "warm-up run of each; "
            f"measured {_load(section)}.", "",
            "| path | to first prediction, median (min–max) | interpreter | imports | load model | first prediction |",
            "| --- | --- | --- | --- | --- | --- |"]
    names = {"onnx": f"deployed model path: onnxruntime + `predict/` ({section['onnx']['model_file']})",
             "app": "whole function app: `import function_app`, health loads the model, one predict request",
             "keras": "TensorFlow/Keras (`keras.saving.load_model`, model.keras)"}
    for key in ("onnx", "app", "keras"):
        s = section.get(key)
        if not s:
            continue
        total = s["to_first_prediction"]
        rows.append(f"| {names[key]} | **{total['median_s']:.3f} s** ({total['min_s']:.3f}–{total['max_s']:.3f}) | "
                    + " | ".join(f"{s[p]['median_s']:.3f} s" for p in ("interpreter", "imports", "load", "first_prediction"))
                    + " |")
    rows.append("")
    if section.get("keras"):
        rows.append(f"Keras / ONNX model path, medians: **{section['keras_over_onnx_median_ratio']}×**; "
                    f"Keras / whole app: **{section['keras_over_app_median_ratio']}×**. "
                    "The \"imports\" column is the import-only time of each stack "
                    "(for the whole app: every blueprint and the Functions library). "
                    "Warm file cache, cold process; Azure's host start and package mount are not included. "
                    f"Same model on both sides: the first predictions differ by {section['first_prediction_abs_diff']:.1e} "
                    "(int8 ONNX as served vs fp32 Keras).")
    else:
        rows.append(f"Keras side not measured: {section.get('keras_missing')}.")
    return rows + [""]


def _latency(section: dict) -> list[str]:
    b = section["batch_size"]
    rows = ["## In-process latency and throughput (one thread)", "",
            f"{section['calls']} single-tweet calls after {section['warmup_calls']} warm-up calls; "
            f"batches of {b} for at least 3 s; measured {_load(section)}. "
            "`predict_proba` = normalisation + tokenisation + onnxruntime, as served; "
            "session = onnxruntime alone.", "",
            f"| model | file | one tweet p50 | one tweet p99 | session p50 | session p99 | batch {b}, tweets/s | batch {b}, session only |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, v in section["variants"].items():
        if not v:
            rows.append(f"| {name} | not shipped | | | | | | |")
            continue
        one, sess = v["one_tweet_predict_proba"], v["one_tweet_session_only"]
        rows.append(f"| {name} | {v['file_mb']} MB | {one['p50_ms']:.3f} ms | {one['p99_ms']:.3f} ms | "
                    f"{sess['p50_ms']:.3f} ms | {sess['p99_ms']:.3f} ms | "
                    f"{v[f'batch{b}_predict_proba']['tweets_per_second']:,} | "
                    f"{v[f'batch{b}_session_only']['tweets_per_second']:,} |")
    return rows + [""]


def _http(section: dict) -> list[str]:
    load = section["load"]
    lat = load["latency_ms"]
    return ["## HTTP end to end under load", "",
            f"{section['clients']} client threads (keep-alive) for {section['duration_s']} s against "
            f"{section['endpoint']}; host: {section['host']}; clients and host share the same cores "
            f"(the load average counts the {section['clients']} client threads too); "
            f"measured {_load(section)}.", "",
            "| requests/s | p50 | p90 | p99 | max | requests | errors | host RSS before → after (peak) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| **{load['requests_per_second']}** | {lat['p50']} ms | {lat['p90']} ms | {lat['p99']} ms | "
            f"{lat['max']} ms | {load['requests']:,} | {load['errors']} | "
            f"{section['memory_before']['rss_mb']} → {section['memory_after']['rss_mb']} MB "
            f"({section['memory_after']['peak_rss_mb']} MB) |", "",
            f"Host RSS right after start, before the model loads: {section['memory_started']['rss_mb']} MB; "
            f"host CPU during the load: {section['host_cpu_seconds']} s.", ""]


def _size(section: dict) -> list[str]:
    runtime, training = section["runtime"], section["training"]
    largest = ", ".join(f"{e['name']} {e['mb_without_pycache']}" for e in runtime["largest"][:4])
    t_largest = ", ".join(f"{e['name']} {e['mb_without_pycache']}" for e in training["largest"][:4])
    rows = ["## Deployment size", "", f"Measured {_load(section)}. MB = 10^6 bytes, without `__pycache__` (with it in brackets).", "",
            "| what | size | largest parts (MB) |", "| --- | --- | --- |",
            f"| runtime: `pip install --target` of requirements.txt | **{runtime['mb_without_pycache']} MB** ({runtime['mb']}) | {largest} |",
            f"| training stack: {training['what']} | **{training['mb_without_pycache']} MB** ({training['mb']}) | {t_largest} |",
            f"| TensorFlow + Keras alone | {training['tensorflow_and_keras_mb']} MB | |",
            f"| model artefact `{section['model_artifact']['folder']}` | {section['model_artifact']['mb']} MB | "
            + ", ".join(f"{k} {v}" for k, v in section["model_artifact"]["files"].items()) + " |"]
    if "keras_model_mb" in section:
        rows.append(f"| the same model as model.keras | {section['keras_model_mb']} MB | |")
    rows += ["", f"The training environment is {section['training_over_runtime_ratio']}× the runtime "
             "(it also holds PyTorch for the transformer baseline and the test tools).", ""]
    return rows


def render(results: dict) -> str:
    m = results.get("machine", {})
    libs = ", ".join(f"{k} {v}" for k, v in m.get("libraries", {}).items())
    lines = ["# Benchmarks", "",
             "Generated by `make bench` (`python -m bench all`) from `bench/results.json`; do not edit by hand. "
             "Numbers are as measured on a shared machine: other jobs were running, the load average "
             "is given with each table.", "",
             f"Machine: {m.get('cpu_model')}, {m.get('usable_cpus')} usable cores, {m.get('memory_gb')} GB; "
             f"Python {m.get('python')}; {libs}.", ""]
    sections = results.get("sections", {})
    for name, render_section in (("cold_start", _cold_start), ("latency", _latency),
                                 ("http", _http), ("size", _size)):
        if name in sections:
            lines += render_section(sections[name])
    return "\n".join(lines).rstrip() + "\n"


def write(results: dict, path: Path = DOC_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results), encoding="utf-8")
    return path
