"""Pictures of each workbook panel's data, from the traces of a local run (not portal screenshots).

    .venv-train/bin/python -m monitoring.render            # from monitoring/local_run_traces.jsonl.gz
    .venv-train/bin/python -m monitoring.local_run         # first, to capture a new local run

Each function below is the pandas equivalent of one panel's .kql file (monitoring/workbook.py),
evaluated over the captured traces: same event filters, same dimensions, same bins and
aggregations. Two known differences: KQL's percentile() is an estimate (T-Digest) where pandas is
exact, and a time chart in the portal draws its own axes and colours. The tables are written to
docs/img/workbook_panels.json (tests/unit/test_workbook_render.py fails when they are stale) and
the figures to docs/img/workbook_<panel>.png. The drift alert's rule is evaluated the same way,
day by day, into the same JSON and the table between the drift-alert-table markers of
docs/operations.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from monitoring import local_run
from monitoring.workbook import PANELS
from predict.drift import TOKEN_COUNT, UNKNOWN_WORD_SHARE
from service import telemetry

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "img"
PANELS_FILE = IMAGES / "workbook_panels.json"
# configure_alert.sh defaults: DRIFT_MAX_RISE, DRIFT_MIN_TWEETS, DRIFT_MIN_BASELINE_TWEETS.
DRIFT_MAX_RISE, DRIFT_MIN_TWEETS, DRIFT_MIN_BASELINE_TWEETS = 0.05, 100, 1000
BASELINE_DAYS = 28


def traces_frame(rows: list[dict]) -> pd.DataFrame:
    """One row per trace: `timestamp` with round r on day r and slot s at hour 8 + 2s (see
    monitoring/local_run.py), `event`, and every custom dimension as the string it arrived as."""
    frame = pd.DataFrame(
        [{**row["customDimensions"], "time": row["time"], "round": row["round"], "slot": row["slot"]} for row in rows]
    )
    time = pd.to_datetime(frame["time"], utc=True)
    slot_start = time.groupby([frame["round"], frame["slot"]]).transform("min")
    day0 = time.min().floor("D")
    frame["timestamp"] = (
        day0
        + pd.to_timedelta(frame["round"], unit="D")
        + pd.to_timedelta(8 + 2 * frame["slot"], unit="h")
        + (time - slot_start)
    )
    return frame.drop(columns=["time"])


def of_event(frame: pd.DataFrame, event: str) -> pd.DataFrame:
    return frame[frame["event"] == event]


def predictions_by_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """sentiment_mix.kql: tweets per hour and sentiment."""
    served = of_event(frame, telemetry.PREDICTION_SERVED)
    return served.groupby([served["timestamp"].dt.floor("h").rename("hour"), "sentiment"]).size().unstack(fill_value=0)


def rejection_rate_by_model(frame: pd.DataFrame) -> pd.DataFrame:
    """rejection_rate_by_model.kql: share of feedback with is_correct "False", per day and version."""
    stored = of_event(frame, telemetry.FEEDBACK_STORED)
    rejected = stored["is_correct"].str.lower() == "false"
    return (
        rejected.groupby([stored["timestamp"].dt.floor("D").rename("day"), stored["model_version"]])
        .mean()
        .round(3)
        .unstack()
    )


def unknown_word_share(frame: pd.DataFrame) -> pd.DataFrame:
    """unknown_word_share.kql: daily median and trailing 7-day median (each tweet in the 7 windows
    that contain its day), tweets with no token left out."""
    served = of_event(frame, telemetry.PREDICTION_SERVED)
    served = served[served[TOKEN_COUNT].astype(int) > 0]
    share = served[UNKNOWN_WORD_SHARE].astype(float)
    day = served["timestamp"].dt.floor("D")
    days = sorted(day.unique())
    return pd.DataFrame(
        {
            "daily_median": [share[day == d].median() for d in days],
            "median_7d": [share[(day > d - pd.Timedelta(days=7)) & (day <= d)].median() for d in days],
        },
        index=pd.Index(days, name="day"),
    )


def latency_percentiles(frame: pd.DataFrame) -> pd.DataFrame:
    """latency_percentiles.kql: p50 and p95 of latency_ms per hour, one value per scored tweet."""
    served = of_event(frame, telemetry.PREDICTION_SERVED)
    latency = served["latency_ms"].astype(float).groupby(served["timestamp"].dt.floor("h").rename("hour"))
    return pd.DataFrame({"p50": latency.quantile(0.5), "p95": latency.quantile(0.95)}).round(1)


def feedback_volume(frame: pd.DataFrame) -> pd.DataFrame:
    """feedback_volume.kql: stored feedback per day, confirmed vs rejected."""
    stored = of_event(frame, telemetry.FEEDBACK_STORED)
    verdict = stored["is_correct"].str.lower().map({"false": "rejected"}).fillna("confirmed").rename("verdict")
    return stored.groupby([stored["timestamp"].dt.floor("D").rename("day"), verdict]).size().unstack(fill_value=0)


def storage_failures(frame: pd.DataFrame) -> pd.DataFrame:
    """storage_failures_per_hour.kql: feedback_storage_failed traces per hour."""
    failed = of_event(frame, telemetry.FEEDBACK_STORAGE_FAILED)
    return failed.groupby(failed["timestamp"].dt.floor("h").rename("hour")).size().to_frame("failures")


PANEL_DATA: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "predictions": predictions_by_sentiment,
    "rejection_rate": rejection_rate_by_model,
    "unknown_words": unknown_word_share,
    "latency": latency_percentiles,
    "feedback": feedback_volume,
    "storage_failures": storage_failures,
}


def drift_alert_days(frame: pd.DataFrame) -> pd.DataFrame:
    """The drift rule as configure_alert.sh sets it up, run once per day: the baseline is the median
    over the (up to) 28 days before (unknown_word_baseline.kql), the day's median and tweet count
    come from alert_unknown_word_drift.kql, and the rule fires when the day has enough tweets and
    rises more than DRIFT_MAX_RISE above a baseline of at least DRIFT_MIN_BASELINE_TWEETS tweets."""
    served = of_event(frame, telemetry.PREDICTION_SERVED)
    served = served[served[TOKEN_COUNT].astype(int) > 0]
    share, day = served[UNKNOWN_WORD_SHARE].astype(float), served["timestamp"].dt.floor("D")
    rows = []
    for d in sorted(day.unique()):
        before = share[(day >= d - pd.Timedelta(days=BASELINE_DAYS)) & (day < d)]
        today = share[day == d]
        baseline = before.median() if len(before) >= DRIFT_MIN_BASELINE_TWEETS else float("nan")
        rise = round(today.median() - baseline, 4)
        rows.append(
            {
                "day": d,
                "tweets": len(today),
                "daily_median": today.median(),
                "baseline_tweets": len(before),
                "baseline": baseline,
                "rise": rise,
                "fires": bool(len(today) >= DRIFT_MIN_TWEETS and rise > DRIFT_MAX_RISE),
            }
        )
    return pd.DataFrame(rows).set_index("day")


def to_json_table(table: pd.DataFrame) -> dict:
    table = table.copy()
    table.index = [i.strftime("%Y-%m-%d %H:%M") if hasattr(i, "strftime") else str(i) for i in table.index]
    table = table.astype(object).where(table.notna(), None)
    return {
        "columns": [str(c) for c in table.columns],
        "rows": {
            i: [round(v, 4) if isinstance(v, float) else v for v in row]
            for i, row in zip(table.index, table.itertuples(index=False), strict=True)
        },
    }


def panel_tables(rows: list[dict]) -> dict:
    frame = traces_frame(rows)
    tables = {name: to_json_table(compute(frame)) for name, compute in PANEL_DATA.items()}
    tables["drift_alert"] = to_json_table(drift_alert_days(frame))
    return tables


def plot(name: str, title: str, table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.2), dpi=110)
    if name in ("predictions", "feedback", "storage_failures"):
        width = 0.8 if name == "feedback" else 0.07
        bottom = None
        for column in table.columns:
            ax.bar(table.index, table[column], width=width, bottom=bottom, label=str(column))
            bottom = table[column] if bottom is None else bottom + table[column]
    else:
        for column in table.columns:
            ax.plot(table.index, table[column], marker="o", markersize=3, label=str(column))
    ax.set_title(f"{title}  [local render, not the portal]", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


DOC_FILE = ROOT / "docs" / "operations.md"
DOC_START, DOC_END = "<!-- drift-alert-table:start -->", "<!-- drift-alert-table:end -->"


def drift_alert_markdown(tables: dict) -> str:
    """The drift rule's day-by-day evaluation over the local run, as the table in docs/operations.md."""
    alert = tables["drift_alert"]
    index = {name: i for i, name in enumerate(alert["columns"])}
    lines = [
        "| day of the run | tweets | daily median | baseline (tweets) | rise | fires |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for number, row in enumerate(alert["rows"].values()):
        baseline = row[index["baseline"]]
        shown = "n/a" if baseline is None else f"{baseline:.3f}"
        rise = row[index["rise"]]
        lines.append(
            f"| {number} | {row[index['tweets']]} | {row[index['daily_median']]:.3f} | "
            f"{shown} ({row[index['baseline_tweets']]}) | {'n/a' if rise is None else f'{rise:+.3f}'} | "
            f"{'**yes**' if row[index['fires']] else 'no'} |"
        )
    return "\n".join(lines)


def doc_with_table(doc: str, tables: dict) -> str:
    before, rest = doc.split(DOC_START, 1)
    _, after = rest.split(DOC_END, 1)
    return f"{before}{DOC_START}\n{drift_alert_markdown(tables)}\n{DOC_END}{after}"


def render(rows: list[dict], images: Path = IMAGES) -> dict:
    frame = traces_frame(rows)
    titles = {panel.name: panel.title for panel in PANELS}
    for name, compute in PANEL_DATA.items():
        plot(name, titles[name], compute(frame), images / f"workbook_{name}.png")
    tables = panel_tables(rows)
    (images / PANELS_FILE.name).write_text(json.dumps(tables, indent=1) + "\n", encoding="utf-8")
    if DOC_FILE.is_file() and DOC_START in DOC_FILE.read_text(encoding="utf-8"):
        DOC_FILE.write_text(doc_with_table(DOC_FILE.read_text(encoding="utf-8"), tables), encoding="utf-8")
    return tables


if __name__ == "__main__":
    result = render(local_run.load())
    fired = [day for day, row in result["drift_alert"]["rows"].items() if row[-1]]
    print(f"wrote {len(PANEL_DATA)} figures and {PANELS_FILE}; drift alert fires on: {fired or 'no day'}")
