"""Deployment size: what `requirements.txt` installs versus the training stack.

The runtime is installed for real into an empty folder (`pip install --target`, as a Functions
remote build does into .python_packages); the training stack is measured where it is installed
(.venv-train's site-packages), since installing 2.5 GB again would prove nothing more. Sizes are
bytes on disk of the files, with and without `__pycache__`, in MB (10^6 bytes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.environment import snapshot
from bench.previous import artefact_label

ROOT = Path(__file__).resolve().parent.parent


def folder_mb(folder: Path) -> dict:
    total = without_cache = 0
    # os.walk ignores entries that vanish meanwhile (pip may be busy in a shared environment).
    for directory, _, files in os.walk(folder):
        for name in files:
            try:
                size = os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                continue
            total += size
            if "__pycache__" not in Path(directory).parts:
                without_cache += size
    return {"mb": round(total / 1e6, 1), "mb_without_pycache": round(without_cache / 1e6, 1)}


def largest_entries(folder: Path, count: int = 6) -> list[dict]:
    sizes = []
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.name.startswith("~") and not entry.name.endswith((".dist-info", "__pycache__")):
            sizes.append({"name": entry.name, **folder_mb(entry)})
    return sorted(sizes, key=lambda e: e["mb"], reverse=True)[:count]


def install_runtime(requirements: Path, target: Path) -> float:
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-warn-script-location",
            "--target",
            str(target),
            "-r",
            str(requirements),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"pip install failed: {completed.stderr[-3000:]}")
    return round(time.monotonic() - started, 1)


def training_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def artefact_entry(model_dir: Path) -> dict:
    folder = model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir
    return {
        "folder": str(folder),
        **folder_mb(model_dir),
        "files": {p.name: round(p.stat().st_size / 1e6, 2) for p in sorted(model_dir.iterdir()) if p.is_file()},
    }


def measure(model_dir: Path, keras_file: Path | None, previous_dir: Path | None = None) -> dict:
    section: dict[str, Any] = {"before": snapshot()}
    with tempfile.TemporaryDirectory(prefix="bench-size-") as workdir:
        target = Path(workdir) / "site-packages"
        section["runtime"] = {
            "what": "pip install --target <empty> -r requirements.txt",
            "install_seconds": install_runtime(ROOT / "requirements.txt", target),
            **folder_mb(target),
            "largest": largest_entries(target),
        }
    site = training_site_packages()
    section["training"] = {
        "what": f"site-packages of the training environment ({site.parent.parent.parent.name})",
        **folder_mb(site),
        "largest": largest_entries(site),
    }
    section["training"]["tensorflow_and_keras_mb"] = round(
        sum(folder_mb(site / name)["mb_without_pycache"] for name in ("tensorflow", "keras") if (site / name).is_dir()),
        1,
    )
    section["training_over_runtime_ratio"] = round(
        section["training"]["mb_without_pycache"] / section["runtime"]["mb_without_pycache"], 1
    )
    section["model_artifact"] = artefact_entry(model_dir)
    if previous_dir is not None:
        section["previous_model_artifact"] = {
            **artefact_entry(previous_dir),
            "folder": f"{artefact_label(previous_dir)} (baseline)",
        }
    if keras_file is not None and keras_file.is_file():
        section["keras_model_mb"] = round(keras_file.stat().st_size / 1e6, 2)
    section["after"] = snapshot()
    print(
        f"  size: runtime {section['runtime']['mb_without_pycache']} MB, "
        f"training {section['training']['mb_without_pycache']} MB",
        flush=True,
    )
    return section
