"""HTTP end to end: the function app behind the local host (devhost), under concurrent clients.

The host runs as its own process (`python -m devhost`, one worker, as `make run` starts it) with
telemetry and storage off, serving POST /api/predict; the clients are threads of this process with
one keep-alive connection each, all on 127.0.0.1. On 2 cores the clients compete with the host
for CPU, so requests/s is a floor for the host, not a ceiling.
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.environment import snapshot
from bench.tweets import SAMPLE_TWEETS
from devhost.process import HOST, HostProcess

ROOT = Path(__file__).resolve().parent.parent


def memory_mb(pid: int) -> dict:
    """Resident (VmRSS) and peak resident (VmHWM) memory of a process, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        parts = stat.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def start_host(model_dir: Path, log_path: Path) -> HostProcess:
    """`python -m devhost` on a free port with the given model, telemetry and storage off."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("APPLICATIONINSIGHTS_", "FEEDBACK_", "AzureWebJobs"))
    }
    env.update(
        MODEL_DIR=str(model_dir),
        DEVHOST_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL="true",
    )
    return HostProcess(env, log_path)


def _client(port: int, deadline: float, seed: int, latencies: list, outcomes: dict, lock: threading.Lock) -> None:
    bodies = [json.dumps({"text": t}).encode() for t in SAMPLE_TWEETS]
    headers = {"Content-Type": "application/json"}
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    mine: list[float] = []
    counts: dict[str, int] = {}
    i = seed
    while time.monotonic() < deadline:
        body = bodies[i % len(bodies)]
        i += 1
        start = time.perf_counter()
        try:
            connection.request("POST", "/api/predict", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            key = str(response.status)
        except (OSError, http.client.HTTPException) as error:
            key = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
        mine.append(time.perf_counter() - start)
        counts[key] = counts.get(key, 0) + 1
    connection.close()
    with lock:
        latencies.extend(mine)
        for key, n in counts.items():
            outcomes[key] = outcomes.get(key, 0) + n


def run_load(port: int, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, deadline, i, latencies, outcomes, lock), daemon=True)
        for i in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    ms = np.asarray(latencies) * 1000 if latencies else np.zeros(1)
    total = sum(outcomes.values())
    return {
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "errors": total - outcomes.get("200", 0),
        "outcomes": dict(sorted(outcomes.items())),
        "latency_ms": {
            "p50": round(float(np.percentile(ms, 50)), 2),
            "p90": round(float(np.percentile(ms, 90)), 2),
            "p99": round(float(np.percentile(ms, 99)), 2),
            "max": round(float(ms.max()), 2),
        },
        "elapsed_s": round(elapsed, 2),
    }


def measure(model_dir: Path, clients: int = 16, seconds: float = 60.0, warmup_seconds: float = 3.0) -> dict:
    section: dict[str, Any] = {
        "clients": clients,
        "duration_s": seconds,
        "endpoint": "POST /api/predict (one tweet)",
        "host": "python -m devhost (h11, a thread per connection, one process), telemetry and storage off",
        "before": snapshot(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-http-") as workdir:
        host = start_host(model_dir, Path(workdir) / "devhost.log")
        try:
            section["memory_started"] = memory_mb(host.process.pid)
            run_load(host.port, 2, warmup_seconds)  # loads the model, warms the code paths
            section["memory_before"] = memory_mb(host.process.pid)
            cpu_before = cpu_seconds(host.process.pid)
            section["load"] = run_load(host.port, clients, seconds)
            section["host_cpu_seconds"] = round(cpu_seconds(host.process.pid) - cpu_before, 2)
            section["memory_after"] = memory_mb(host.process.pid)
            section["host_alive_after"] = host.process.poll() is None
        finally:
            host.stop()
    section["after"] = snapshot()
    load = section["load"]
    print(
        f"  http: {load['requests_per_second']} req/s, p50 {load['latency_ms']['p50']} ms, "
        f"p99 {load['latency_ms']['p99']} ms, errors {load['errors']}",
        flush=True,
    )
    return section
