"""Cold start: a fresh process → first prediction, the deployed ONNX path vs the Keras model.

Probes: `onnx` (predict.model: onnxruntime and the serving code, nothing else), `libraries` (only
azure.functions, numpy and onnxruntime imported: the floor under the app), `app` (the whole
function app imported as a worker does, one request through the predict function), run twice:
`app_telemetry` with APPLICATIONINSIGHTS_CONNECTION_STRING set, as it always is in Azure, and
`app` with telemetry and storage unset; and `keras` (the same model's .keras file with TensorFlow).

The telemetry probe's connection string points at a local ingestion endpoint on 127.0.0.1 (the
tests' recorder of the exporter's real envelopes): like Azure's, it is reachable and accepts
everything, so the exporter does the same work as in Azure minus the network; an unreachable one
would add retries and disk writes that Azure does not see. Statsbeat and resource detectors that
call out are off (nothing leaves the machine). After each run the endpoint is asked whether that
run's first `prediction_served` trace arrived: the process had exited by then, so it was sent.

Runs alternate the probes (and which goes first alternates per round) so that all see the same
machine load. One unrecorded round first warms the file cache for all: the figures are "warm disk,
cold process", which is what a scaled-out Functions worker sees after the package is mounted;
Azure's own host start and package mount are not part of them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.environment import snapshot
from bench.previous import artefact_label

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("interpreter", "imports", "load", "first_prediction", "to_first_prediction")


def run_probe(args: list[str], timeout: float = 300, settings: dict[str, str] | None = None) -> dict:
    """Spawn one probe with the app's `settings` (none by default); its phase durations in seconds."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("APPLICATIONINSIGHTS_", "FEEDBACK_", "MODEL_", "AzureWebJobs", "TELEMETRY_"))
    }
    env.update(PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1", **(settings or {}))
    spawned = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "bench.cold_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
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
        "prediction_id": probe.get("prediction_id"),
    }


def summarise(runs: list[dict]) -> dict:
    out: dict[str, Any] = {}
    for phase in PHASES:
        values = [r[phase] for r in runs]
        out[phase] = {
            "median_s": round(statistics.median(values), 4),
            "min_s": round(min(values), 4),
            "max_s": round(max(values), 4),
        }
    out["runs_s"] = [round(r["to_first_prediction"], 4) for r in runs]
    out["process_exit_median_s"] = round(statistics.median(r["process_exit"] for r in runs), 4)
    out["model_file"] = runs[0]["model_file"]
    return out


def telemetry_settings(ingestion, storage_dir: str) -> dict[str, str]:
    """The app's settings of the telemetry probe: the connection string set, as in Azure."""
    return {
        "APPLICATIONINSIGHTS_CONNECTION_STRING": ingestion.connection_string,
        "TELEMETRY_STORAGE_DIR": storage_dir,
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
        "OTEL_EXPERIMENTAL_RESOURCE_DETECTORS": "otel",
    }


def was_traced(ingestion, prediction_id: str | None) -> bool:
    """Whether the `prediction_served` trace of this prediction reached the endpoint."""
    return any(
        t["message"] == "prediction_served" and t["properties"].get("prediction_id") == prediction_id
        for t in ingestion.traces()
    )


def keras_source(keras_file: Path) -> str:
    """Who wrote the .keras file: training, or scripts/keras_twin.py (its run.json says so)."""
    beside = keras_file.parent / "run.json"
    note = json.loads(beside.read_text(encoding="utf-8")) if beside.is_file() else {}
    return note.get("rebuilt_by", "written by training")


def measure(model_dir: Path, keras_file: Path | None, runs: int = 7, previous_dir: Path | None = None) -> dict:
    """Interleaved probes; the Keras side is skipped when no .keras file exists.
    `previous_dir`: the previously shipped artefact, probed in the same rounds."""
    from tests.fixtures.ingestion import IngestionEndpoint

    keras_args = None
    if keras_file is not None and keras_file.is_file():
        keras_args = ["keras", str(keras_file), str(model_dir / "tokenizer.json")]
    ingestion = IngestionEndpoint()
    ingestion._thread.start()
    with tempfile.TemporaryDirectory(prefix="bench-telemetry-") as storage_dir:
        try:
            return _measure(
                model_dir,
                keras_file,
                keras_args,
                runs,
                previous_dir,
                ingestion,
                telemetry_settings(ingestion, storage_dir),
            )
        finally:
            ingestion.server.shutdown()


def _measure(model_dir, keras_file, keras_args, runs, previous_dir, ingestion, telemetry) -> dict:
    before = snapshot()
    app = ["app", str(model_dir)]
    probes = [("app_telemetry", app, telemetry), ("app", app, None), ("onnx", ["onnx", str(model_dir)], None)]
    probes += [("libraries", ["libraries"], None)]
    probes += [("onnx_previous", ["onnx", str(previous_dir)], None)] if previous_dir else []
    probes += [("keras", keras_args, None)] if keras_args else []
    for _, args, settings in probes:  # warm the file cache, not recorded
        run_probe(args, settings=settings)
    results: dict[str, list[dict]] = {name: [] for name, _, _ in probes}
    delivered = 0
    for round_index in range(runs):
        order = probes if round_index % 2 == 0 else probes[::-1]
        for name, args, settings in order:
            results[name].append(run_probe(args, settings=settings))
            if settings is telemetry:  # the process has exited: its first trace was sent, or lost
                delivered += was_traced(ingestion, results[name][-1]["prediction_id"])
            print(
                f"  cold start {name} #{round_index + 1}: {results[name][-1]['to_first_prediction']:.3f} s", flush=True
            )
    section: dict[str, Any] = {
        "runs_each": runs,
        "interleaved": True,
        "before": before,
        "after": snapshot(),
        "model_dir": str(model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir),
        "onnx": summarise(results["onnx"]),
        "app": summarise(results["app"]),
        "app_telemetry": summarise(results["app_telemetry"]),
        "telemetry_endpoint": "local ingestion endpoint on 127.0.0.1 (tests/fixtures/ingestion.py)",
        "telemetry_first_traces_delivered": f"{delivered}/{runs}",
    }
    section["app_telemetry_over_app_median_ratio"] = round(
        section["app_telemetry"]["to_first_prediction"]["median_s"] / section["app"]["to_first_prediction"]["median_s"],
        2,
    )
    print(
        f"  telemetry on / off: {section['app_telemetry_over_app_median_ratio']}x; "
        f"first prediction_served delivered in {delivered}/{runs} runs",
        flush=True,
    )
    section["libraries"] = summarise(results["libraries"])
    if previous_dir:
        section["onnx_previous"] = {**summarise(results["onnx_previous"]), "model": artefact_label(previous_dir)}
    if keras_args:
        section["keras"] = summarise(results["keras"])
        section["keras_file"] = str(keras_file)
        section["keras_source"] = keras_source(keras_file)
        section["keras_over_onnx_median_ratio"] = round(
            section["keras"]["to_first_prediction"]["median_s"] / section["onnx"]["to_first_prediction"]["median_s"], 1
        )
        section["keras_over_app_median_ratio"] = round(
            section["keras"]["to_first_prediction"]["median_s"] / section["app"]["to_first_prediction"]["median_s"], 1
        )
        section["first_prediction_abs_diff"] = abs(
            results["onnx"][0]["probability"] - results["keras"][0]["probability"]
        )
    else:
        section["keras"] = None
        section["keras_missing"] = (
            "the served model's Keras twin (model.keras, written by training, 41 MB, never deployed) "
            "is not on this machine; pass --keras-file, or rebuild it from model.onnx with "
            "scripts/keras_twin.py, to measure TensorFlow beside ONNX"
        )
    return section
