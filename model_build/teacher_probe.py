"""`probe-teacher`: a fine-tuned transformer (a teacher run) on the sets `assess` reads for served models.

    python -m model_build probe-teacher --teacher-run <transformer run id> --output probe.json

A student distilled from a teacher rarely does better than its teacher on text unlike the
transfer set, so the teacher's figures on today's tweets (the hand-labelled sets, the behaviour
suites) bound what another student recipe can gain there; a stronger teacher must show its gain
here first. The threshold is chosen on the validation split, as for the students; the figures at
0.5 are given too, since the students' thresholds differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from model_build.assess import held_out_figures, labelled_set_figures, sarcasm_figures, suite_figures


class Scorer(Protocol):
    def score(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class ThresholdedTeacher:
    """A teacher seen as `assess` sees a served model: `predict_proba` and a threshold."""

    teacher: Scorer
    threshold: float

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.teacher.score(list(texts)), dtype=np.float64)


def probe(teacher: Scorer, validation: pd.DataFrame, held_out: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The teacher's figures at the validation-chosen threshold and at 0.5."""
    from model_build import evaluation

    validation_scores = np.asarray(teacher.score(validation["text"].tolist()))
    chosen = evaluation.choose_threshold(validation["label"].to_numpy(), validation_scores)
    result: dict[str, Any] = {}
    for name, threshold in (("validation_threshold", chosen), ("threshold_0.5", 0.5)):
        model = ThresholdedTeacher(teacher, threshold)
        figures: dict[str, Any] = {"threshold": threshold}
        for split, frame in held_out.items():
            figures[split] = held_out_figures(model, frame)
            figures[split].pop("correct")
        figures["hand_labelled_sets"] = labelled_set_figures(model)
        figures["sarcasm"] = sarcasm_figures(model)
        figures.update({suite: suite_figures(model, suite) for suite in ("modern", "emoji_modern")})
        result[name] = figures
    return result


def register(subparsers) -> None:
    from model_build.train import add_data_options

    parser = subparsers.add_parser("probe-teacher", help="a teacher run on the sets assess reads (needs torch)")
    parser.add_argument("--teacher-run", required=True, help="MLflow run id of a fine-tuned transformer")
    add_data_options(parser)
    parser.add_argument("--tracking-uri", default=None)
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    parser.set_defaults(handler=run_from_args)


def run_from_args(args) -> int:
    from model_build import distill
    from model_build.train import SplitSettings

    splits = SplitSettings.from_args(args).build()
    run_id = distill.resolve_run_id(args.teacher_run, args.tracking_uri)
    teacher = distill.load_teacher(run_id, args.tracking_uri)
    result = {
        "teacher_run_id": run_id,
        **probe(teacher, splits.validation, {"test": splits.test, "manual": splits.manual}),
    }
    print(json.dumps(result, indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0
