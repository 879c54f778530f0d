"""bench/results.json: one section per benchmark part, each replaced when that part reruns."""

from __future__ import annotations

import json
from pathlib import Path

from bench.environment import machine, snapshot

RESULTS_FILE = Path(__file__).resolve().parent / "results.json"


def load(path: Path = RESULTS_FILE) -> dict:
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {}


def save_section(name: str, section: dict, path: Path = RESULTS_FILE) -> dict:
    results = load(path)
    results["updated"] = snapshot()["date"]
    results["machine"] = machine()
    results.setdefault("sections", {})[name] = section
    results["sections"] = dict(sorted(results["sections"].items()))
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results
