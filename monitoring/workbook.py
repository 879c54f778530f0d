"""The operators' Azure Monitor workbook, generated from the .kql files of this folder.

    .venv-train/bin/python -m monitoring.workbook          # rewrite monitoring/workbook.json
    .venv-train/bin/python -m monitoring.workbook --check  # exit 1 when workbook.json is stale

One source: each panel's query is its .kql file, verbatim (KQL keeps `//` comments), so a query
changed in a file changes the workbook, and tests/unit/test_workbook.py fails until workbook.json
is regenerated. The JSON is the workbook's `serializedData` in the public format of
github.com/microsoft/Application-Insights-Workbooks (schema/workbook.json: "Notebook/1.0", items
of type 1 = markdown, type 3 = KqlItem/1.0 with queryType 0 = Logs and resourceType
microsoft.insights/components, as in Workbooks/Performance/Apdex/Apdex.workbook there).
monitoring/deploy_workbook.sh creates or updates it in Azure.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

MONITORING = Path(__file__).resolve().parent
WORKBOOK_FILE = MONITORING / "workbook.json"
DISPLAY_NAME = "Tweet sentiment: operations"
SCHEMA_URL = "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json"


@dataclass(frozen=True)
class Panel:
    name: str  # the item's stable name in the workbook, and docs/img/workbook_<name>.png
    title: str
    query_file: str
    visualization: str  # a workbook chart type: timechart, barchart, areachart, ...
    note: str  # one line under the title: how to read it


PANELS: tuple[Panel, ...] = (
    Panel(
        "predictions",
        "Predictions per hour, by sentiment",
        "sentiment_mix.kql",
        "timechart",
        "One line per sentiment; together they are the hour's predictions.",
    ),
    Panel(
        "rejection_rate",
        "Rejection rate by model version (per day)",
        "rejection_rate_by_model.kql",
        "timechart",
        "Share of stored feedback saying the prediction was wrong.",
    ),
    Panel(
        "unknown_words",
        "Unknown-word share: daily median and 7-day median",
        "unknown_word_share.kql",
        "timechart",
        "Share of a tweet's tokens outside the model's vocabulary; a rising line means "
        "the model is ageing (the drift alert compares a day with its 28-day baseline).",
    ),
    Panel(
        "latency",
        "Prediction latency p50 / p95 (ms, per hour)",
        "latency_percentiles.kql",
        "timechart",
        "Inside the function, per scored tweet.",
    ),
    Panel(
        "feedback",
        "Feedback per day, confirmed vs rejected",
        "feedback_volume.kql",
        "barchart",
        "Feedback stored once per prediction id.",
    ),
    Panel(
        "storage_failures",
        "Feedback storage failures (per hour)",
        "storage_failures_per_hour.kql",
        "barchart",
        "Each failed feedback is kept in its trace: replay with feedback_storage_failures.kql.",
    ),
)


def query_of(panel: Panel) -> str:
    return (MONITORING / panel.query_file).read_text(encoding="utf-8").strip()


def build_workbook() -> dict:
    items: list[dict] = [
        {
            "type": 1,
            "content": {
                "json": f"# {DISPLAY_NAME}\n"
                "Generated from monitoring/*.kql by `python -m monitoring.workbook`: edit the "
                ".kql files, not this workbook (a deploy overwrites portal edits)."
            },
            "name": "intro",
        }
    ]
    for panel in PANELS:
        items.append(
            {
                "type": 3,
                "content": {
                    "version": "KqlItem/1.0",
                    "query": query_of(panel),
                    "size": 0,
                    "title": panel.title,
                    "noDataMessage": "No data in this time range.",
                    "queryType": 0,
                    "resourceType": "microsoft.insights/components",
                    "visualization": panel.visualization,
                },
                "name": panel.name,
            }
        )
        items.append({"type": 1, "content": {"json": panel.note}, "name": f"{panel.name} note"})
    return {"version": "Notebook/1.0", "items": items, "$schema": SCHEMA_URL}


def workbook_json() -> str:
    return json.dumps(build_workbook(), indent=2, ensure_ascii=False) + "\n"


def workbook_resource_name(resource_group: str, app_insights_name: str) -> str:
    """The workbook's resource name: a UUID (the API requires one) fixed by the resource group and
    Application Insights names, so every deploy updates the same workbook. deploy_workbook.sh
    derives it the same way."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tweet-sentiment-workbook/{resource_group}/{app_insights_name}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitoring.workbook", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if workbook.json is not up to date")
    args = parser.parse_args(argv)
    wanted = workbook_json()
    if args.check:
        current = WORKBOOK_FILE.read_text(encoding="utf-8") if WORKBOOK_FILE.is_file() else ""
        if current != wanted:
            print(f"{WORKBOOK_FILE} is stale: run python -m monitoring.workbook", file=sys.stderr)
            return 1
        return 0
    WORKBOOK_FILE.write_text(wanted, encoding="utf-8")
    print(f"wrote {WORKBOOK_FILE} ({len(PANELS)} panels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
