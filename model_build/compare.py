"""`compare`: one run of each family side by side, as a table and a bar chart.

The family of the deployed model shows the run behind the `champion` alias (a later run of that
family that lost a selection, e.g. another alpha, must not replace it), the transformer family the
teacher that model was distilled from; the others show their latest run.

    python -m model_build compare                     # prints Markdown, writes docs/img/model_comparison.png
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from model_build import tracking
from model_build.evaluation import METRIC_NAMES

DEFAULT_PLOT = Path("docs/img/model_comparison.png")
FAMILY_ORDER = ("simple", "glove-lstm", "fasttext-lstm", "transformer")


def register(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="table and plot of the latest run per family")
    parser.add_argument("--tracking-uri", default=None)
    parser.add_argument("--plot", type=Path, default=DEFAULT_PLOT)
    parser.set_defaults(handler=lambda args: print(compare_runs(args.tracking_uri, args.plot)) or 0)


def latest_runs(uri: str | None) -> pd.DataFrame:
    """One row per family: the champion's run for its family and its teacher's run for the
    teacher's family, else the most recent finished run that has a manual-test metric."""
    rows = []
    seen = set()
    runs = list(tracking.runs_table(uri))
    champion = tracking.champion_run_id(uri)
    pinned = {}  # family -> the run to show: the champion, and the teacher it was distilled from
    for run in runs:
        if run["run_id"] == champion:
            pinned[run.get("tags.family")] = champion
            teacher = run.get("tags.teacher_run_id")
            pinned.update({r.get("tags.family"): teacher for r in runs if r["run_id"] == teacher})
    for run in runs:
        family = run.get("tags.family")
        if (
            family in seen
            or run.get("status") != "FINISHED"
            or pd.isna(run.get("metrics.manual_accuracy"))
            or pinned.get(family, run["run_id"]) != run["run_id"]
        ):
            continue
        seen.add(family)
        row = {
            "family": family,
            "model": run.get("tags.display_name"),
            "run_id": run["run_id"],
            "train_rows": run.get("params.rows_train"),
            "deployed": run["run_id"] == champion,
        }
        for split in ("validation", "test", "manual"):
            for metric in METRIC_NAMES:
                row[f"{split}_{metric}"] = run.get(f"metrics.{split}_{metric}")
        row["training_seconds"] = run.get("metrics.training_seconds")
        row["inference_ms_per_tweet"] = run.get("metrics.inference_ms_per_tweet")
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    order = {f: i for i, f in enumerate(FAMILY_ORDER)}
    return frame.sort_values("family", key=lambda s: s.map(order)).reset_index(drop=True)


def markdown_table(frame: pd.DataFrame) -> str:
    header = (
        "| model | train tweets | validation acc | test acc | test F1 | test ROC AUC | manual acc (359) | "
        "manual F1 | manual ROC AUC | training (s) | inference (ms/tweet) |"
    )
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    for _, r in frame.iterrows():
        model = f"**{r['model']}: deployed**" if r.get("deployed") else r["model"]
        lines.append(
            f"| {model} | {int(r['train_rows']):,} | {r['validation_accuracy']:.3f} | {r['test_accuracy']:.3f} | "
            f"{r['test_f1']:.3f} | {r['test_roc_auc']:.3f} | **{r['manual_accuracy']:.3f}** | "
            f"{r['manual_f1']:.3f} | {r['manual_roc_auc']:.3f} | {r['training_seconds']:.0f} | "
            f"{r['inference_ms_per_tweet']:.3f} |"
        )
    return "\n".join(lines)


def save_plot(frame: pd.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    splits = ("validation", "test", "manual")
    x = np.arange(len(frame))
    width = 0.26
    figure, axes = plt.subplots(figsize=(10, 4.8))
    for i, split in enumerate(splits):
        values = frame[f"{split}_accuracy"].astype(float).to_numpy()
        bars = axes.bar(x + (i - 1) * width, values, width, label=split)
        axes.bar_label(bars, fmt="%.3f", fontsize=7, padding=1)
    axes.axhline(0.83, color="grey", linestyle=":", label="paper, manual (1.6M tweets)")
    axes.set_xticks(x, [textwrap.fill(m, 22) for m in frame["model"]], fontsize=8)
    axes.set_ylim(0.6, 0.95)
    axes.set_ylabel("accuracy")
    axes.set_title("Sentiment140: accuracy by model and split (manual = 359 hand-labelled tweets)", fontsize=9)
    axes.legend(fontsize=8, loc="upper left", ncol=4)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def compare_runs(uri: str | None, plot: Path | None = DEFAULT_PLOT) -> str:
    frame = latest_runs(uri)
    if frame.empty:
        return "no finished runs yet: run `python -m model_build train ...` first"
    if plot is not None:
        save_plot(frame, plot)
    return markdown_table(frame) + (f"\n\nplot: {plot}" if plot is not None else "")
