"""The machine a benchmark ran on and how busy it was: recorded with every result."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from importlib import metadata

LIBRARIES = ("onnxruntime", "numpy", "azure-functions", "emoji", "tensorflow-cpu", "tensorflow", "keras", "psutil")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def machine() -> dict:
    return {
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": memory_total_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "libraries": library_versions(),
    }


def snapshot() -> dict:
    """When, and the load average (1, 5, 15 min): other jobs share these cores."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
