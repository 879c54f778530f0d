"""`retrain`: stored feedback → a candidate model → the gate's decision against the champion.

    python -m model_build retrain --since-days 180                       # settings' table, full data
    python -m model_build retrain --account-url https://<account>.table.core.windows.net --table feedback
    python -m model_build retrain --connection-string "$CS" --train-limit 20000 --epochs 1 \\
        --test-rows 2000 --fasttext-dim 32 --units 32                      # a small slice (make retrain-local)

Steps, all in one run:
1. export the feedback received in [since, until) (feedback-export's code and CSV; its sha256
   and row count tag every MLflow run made here);
2. split it by prediction id hash (model_build/feedback_holdout.py): 80% joins the training rows
   (`--extra-data`), 20% is held out, never trained on;
3. train a fasttext-lstm candidate on the fixed splits plus that feedback (never registered: the
   `champion` alias only moves by the explicit release step) and export it to ONNX;
4. score candidate and champion (the committed artefact) as served on the test split, the manual
   set, the held-out feedback and the behaviour suites (model_build/retrain_evaluation.py);
5. apply DECISION_RULE (model_build/retrain_gate.py) and write `decision.json` and `summary.md`
   into --output-dir; the candidate folder carries the decision in its decision file.
The exit status is 0 whatever the decision (a kept champion is an answer, not an error).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from model_build import decisions, tracking
from model_build.feedback_export import parse_time
from model_build.feedback_table import add_storage_options, open_feedback_store
from model_build.tracked_run import TrackingSettings

if TYPE_CHECKING:
    from feedback.store import FeedbackStore
    from model_build.train import LstmRecipe, SplitSettings

DEFAULT_OUTPUT_DIR = Path("artifacts/retrain")
DEFAULT_CHAMPION_DIR = Path("onnx_models/fasttext_lstm")
DEFAULT_SINCE_DAYS = 180  # the retention period (docs/operations.md): all the feedback still kept


@dataclass(frozen=True)
class FeedbackData:
    export: Path
    sha256: str
    rows: int
    training: Path
    holdout: Path
    training_rows: int
    holdout_rows: int

    def as_json(self) -> dict:
        return {
            "export": str(self.export),
            "sha256": self.sha256,
            "rows": self.rows,
            "training_rows": self.training_rows,
            "holdout_rows": self.holdout_rows,
        }

    def mlflow_tags(self) -> dict[str, str]:
        return {
            "feedback_export_sha256": self.sha256,
            "feedback_export_rows": str(self.rows),
            "feedback_training_rows": str(self.training_rows),
            "feedback_holdout_rows": str(self.holdout_rows),
        }


def register(subparsers) -> None:
    from model_build.train import add_data_options, add_unseen_word_options

    parser = subparsers.add_parser(
        "retrain",
        help="feedback export → candidate → gate decision vs the champion",
        description=__doc__.splitlines()[0],
    )
    add_storage_options(parser)
    parser.add_argument(
        "--since", type=parse_time, default=None, help="first reception time exported (default: now - --since-days)"
    )
    parser.add_argument("--since-days", type=float, default=DEFAULT_SINCE_DAYS)
    parser.add_argument("--until", type=parse_time, default=None, help="end of the range, exclusive (default: now)")
    add_data_options(parser)
    add_unseen_word_options(parser)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument(
        "--champion-dir",
        type=Path,
        default=DEFAULT_CHAMPION_DIR,
        help="the artefact serving uses now (default: %(default)s)",
    )
    parser.add_argument("--version", default=None, help="candidate version (default: the next unused one)")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument("--tracking-uri", default=None)
    parser.set_defaults(handler=run_from_args, max_length=None, bidirectional=False, vectors=None)


def next_version(champion_card: dict, champion_decisions: dict) -> str:
    """One past the champion and past every candidate its decision file records as not shipped."""
    used = [int(champion_card["version"])]
    for candidate in champion_decisions.get("candidates_not_shipped", []):
        tail = str(candidate.get("version_as_exported", "")).rpartition("@")[2]
        if tail.isdigit():
            used.append(int(tail))
    return str(max(used) + 1)


def export_and_split(store: FeedbackStore, since: datetime, until: datetime, folder: Path) -> FeedbackData | None:
    from feedback.store import StorageUnavailable
    from model_build.feedback_export import export_feedback
    from model_build.feedback_holdout import split_export

    try:
        summary = export_feedback(store, since, until, folder / "feedback.csv")
    except StorageUnavailable as error:
        print(f"feedback storage unreachable: {error}", file=sys.stderr)
        return None
    print(f"feedback export: {json.dumps(summary)}")
    split = split_export(folder / "feedback.csv", folder)
    return FeedbackData(
        folder / "feedback.csv",
        summary["sha256"],
        summary["rows"],
        split.training,
        split.holdout,
        split.training_rows,
        split.holdout_rows,
    )


def train_candidate(
    split_settings: SplitSettings,
    recipe: LstmRecipe,
    tracking_uri: str | None,
    feedback: FeedbackData,
    folder: Path,
) -> dict:
    """The fasttext-lstm recipe on the fixed splits plus the training share of the feedback."""
    from model_build import train

    with_feedback = dataclasses.replace(split_settings, extra_files=(feedback.training, *split_settings.extra_files))
    splits = with_feedback.build()
    print(f"data: {json.dumps(splits.description['rows'])}")
    settings = train.TrainSettings(
        tracking=TrackingSettings(tracking_uri, folder / "train"),
        seed=split_settings.seed,
        lstm=recipe,
        register_champion=False,  # the champion alias only moves by the release step
    )
    summary = train.run_training("fasttext-lstm", splits, settings)
    set_tags(summary["tracking_uri"], summary["run_id"], {**feedback.mlflow_tags(), "retrain": "candidate"})
    run_dir = folder / "train" / "fasttext_lstm"
    # the feedback's provenance in run.json, from which `export` writes the card's training data
    summary["feedback"] = feedback.as_json()
    tracking.dump_json(summary, run_dir / "run.json")
    return {"summary": summary, "splits": splits, "run_dir": run_dir}


def set_tags(uri: str, run_id: str, tags: dict[str, str]) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking.tracking_uri(uri))
    for key, value in tags.items():
        client.set_tag(run_id, key, value)


def log_gate_run(uri: str | None, result, feedback: FeedbackData, candidate_run_id: str) -> str:
    """One MLflow run per gate: both models' numbers, the decision, the feedback's provenance."""
    import mlflow

    tags = {
        **feedback.mlflow_tags(),
        "retrain": "gate",
        "decision": result.decision,
        "candidate_run_id": candidate_run_id,
    }
    with tracking.start_run(uri, run_name="retrain-gate", tags=tags) as run:
        metrics = {}
        for side, scores in (("candidate", result.candidate), ("champion", result.champion)):
            metrics.update(
                {
                    f"{side}_test_accuracy": scores.test_accuracy,
                    f"{side}_manual_right": scores.manual_right,
                    f"{side}_feedback_holdout_right": scores.feedback_right,
                    f"{side}_behaviour_passed": len(scores.behaviour_passed),
                }
            )
        mlflow.log_metrics(metrics)
        mlflow.log_dict(result.as_json(), "decision.json")
        return run.info.run_id


def record_decision(candidate_dir: Path, decision: dict) -> Path:
    """The candidate's decision file records why it was (or was not) proposed, and by which rule."""
    fields = ("rule", "decision", "reasons", "checks", "decided_at")
    return decisions.write_decisions(candidate_dir, {"decision": {k: decision[k] for k in fields}})


def run_from_args(args: argparse.Namespace) -> int:
    from model_build import export
    from model_build.feedback_export import read_feedback_csv
    from model_build.retrain_evaluation import score_artefact
    from model_build.retrain_gate import decide, markdown_summary
    from model_build.train import LstmRecipe, SplitSettings

    split_settings = SplitSettings.from_args(args)
    recipe = LstmRecipe.from_args(args)
    folder = Path(args.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    until = args.until or datetime.now(UTC)
    since = args.since or until - timedelta(days=args.since_days)
    store = open_feedback_store(args)
    if store is None:
        return 1
    feedback = export_and_split(store, since, until, folder)
    if feedback is None:
        return 1
    if feedback.training_rows == 0:
        print("no feedback to train on in the range: nothing to retrain", file=sys.stderr)
        return 0
    trained = train_candidate(split_settings, recipe, args.tracking_uri, feedback, folder)
    champion_card_path = Path(args.champion_dir) / decisions.CARD_FILE
    champion_card = json.loads(champion_card_path.read_text(encoding="utf-8"))
    candidate_dir = folder / "candidate"
    export.export_artifact(
        trained["run_dir"],
        candidate_dir,
        name=champion_card["name"],
        version=args.version or next_version(champion_card, decisions.read_decisions(champion_card_path)),
    )
    holdout = read_feedback_csv(feedback.holdout)[["text", "label"]]
    scores = {
        label: score_artefact(model_dir, trained["splits"], holdout, folder, label)
        for label, model_dir in (("candidate", candidate_dir), ("champion", Path(args.champion_dir)))
    }
    result = decide(scores["candidate"], scores["champion"])
    run_id = trained["summary"]["run_id"]
    gate_run_id = log_gate_run(args.tracking_uri, result, feedback, run_id)
    decision = {
        **result.as_json(),
        "feedback": feedback.as_json(),
        "decided_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "candidate_dir": str(candidate_dir),
        "champion_dir": str(args.champion_dir),
        "data": trained["splits"].description["rows"],
        "mlflow": {
            "tracking_uri": trained["summary"]["tracking_uri"],
            "candidate_run_id": run_id,
            "gate_run_id": gate_run_id,
            "registered": False,
        },
    }
    tracking.dump_json(decision, folder / "decision.json")
    (folder / "summary.md").write_text(markdown_summary(result, decision["feedback"]), encoding="utf-8")
    record_decision(candidate_dir, decision)
    print((folder / "summary.md").read_text(encoding="utf-8"))
    print(f"decision: {result.decision} → {folder / 'decision.json'}")
    return 0
