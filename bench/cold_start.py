"""Cold start: a fresh process → first prediction, the deployed ONNX path vs the Keras model.

Three probes: `onnx` (predict.model: onnxruntime and the serving code, nothing else), `app` (the
whole function app imported as a worker does, telemetry and storage unset, one request through
the predict function) and `keras` (the same model's .keras file with TensorFlow).

Runs alternate ONNX and Keras (and which goes first alternates per round) so that both see the
same machine load. One unrecorded round first warms the file cache for both: the figures are
"warm disk, cold process", which is what a scaled-out Functions worker sees after the package is
mounted; Azure's own host start and package mount are not part of them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.environment import snapshot

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("interpreter", "imports", "load", "first_prediction", "to_first_prediction")


def run_probe(args: list[str], timeout: float = 300) -> dict:
    """Spawn one probe; return its phase durations in seconds."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("APPLICATIONINSIGHTS_", "FEEDBACK_", "MODEL_", "AzureWebJobs"))}
    env.update(PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    spawned = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "bench.cold_probe", *args], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=timeout)
    exited = time.monotonic()
    line = next((x for x in completed.stdout.splitlines() if x.startswith("COLD_PROBE ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"probe {args} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    probe = json.loads(line.removeprefix("COLD_PROBE "))
    return {
        "interpreter": probe["started"] - spawned,
        "imports": probe["imported"] - probe["started"],
        "load": probe["loaded"] - probe["imported"],
        "first_prediction": probe["predicted"] - probe["loaded"],
        "to_first_prediction": probe["predicted"] - spawned,
        "process_exit": exited - spawned,
        "probability": probe["probability"],
        "model_file": probe["model_file"],
    }


def summarise(runs: list[dict]) -> dict:
    out = {}
    for phase in PHASES:
        values = [r[phase] for r in runs]
        out[phase] = {"median_s": round(statistics.median(values), 4),
                      "min_s": round(min(values), 4), "max_s": round(max(values), 4)}
    out["runs_s"] = [round(r["to_first_prediction"], 4) for r in runs]
    out["model_file"] = runs[0]["model_file"]
    return out


def measure(model_dir: Path, keras_file: Path | None, runs: int = 7,
            previous_dir: Path | None = None) -> dict:
    """Interleaved ONNX / Keras probes; the Keras side is skipped when no .keras file exists.
    `previous_dir`: the previously shipped artefact, probed in the same rounds."""
    keras_args = None
    if keras_file is not None and keras_file.is_file():
        keras_args = ["keras", str(keras_file), str(model_dir / "tokenizer.json")]
    before = snapshot()
    probes = [("onnx", ["onnx", str(model_dir)]), ("app", ["app", str(model_dir)])]
    probes += [("onnx_previous", ["onnx", str(previous_dir)])] if previous_dir else []
    probes += [("keras", keras_args)] if keras_args else []
    for _, args in probes:  # warm the file cache, not recorded
        run_probe(args)
    results: dict[str, list[dict]] = {name: [] for name, _ in probes}
    for round_index in range(runs):
        order = probes if round_index % 2 == 0 else probes[::-1]
        for name, args in order:
            results[name].append(run_probe(args))
            print(f"  cold start {name} #{round_index + 1}: "
                  f"{results[name][-1]['to_first_prediction']:.3f} s", flush=True)
    section = {"runs_each": runs, "interleaved": True, "before": before, "after": snapshot(),
               "model_dir": str(model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir),
               "onnx": summarise(results["onnx"]), "app": summarise(results["app"])}
    if previous_dir:
        section["onnx_previous"] = summarise(results["onnx_previous"])
    if keras_args:
        section["keras"] = summarise(results["keras"])
        section["keras_file"] = str(keras_file)
        section["keras_over_onnx_median_ratio"] = round(
            section["keras"]["to_first_prediction"]["median_s"]
            / section["onnx"]["to_first_prediction"]["median_s"], 1)
        section["keras_over_app_median_ratio"] = round(
            section["keras"]["to_first_prediction"]["median_s"]
            / section["app"]["to_first_prediction"]["median_s"], 1)
        section["first_prediction_abs_diff"] = abs(results["onnx"][0]["probability"]
                                                   - results["keras"][0]["probability"])
    else:
        section["keras"] = None
        section["keras_missing"] = f"{keras_file} not found: train the model to produce it"
    return section
