"""Score one exported artefact on what the retraining gate reads, as served.

Fixed splits (test, manual) and the held-out feedback through serving's own loader at the card's
threshold; the behaviour suites by running their pytest files with MODEL_DIR pointing at the
artefact (the same tests CI runs on the committed model, unchanged).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from model_build.retrain_gate import ModelScores

ROOT = Path(__file__).resolve().parent.parent
# The behaviour suites: tests of what the model does. test_artifact.py and test_readme_examples.py
# are about the committed folder and the README, not about a model's behaviour.
BEHAVIOUR_SUITES = (
    "tests/model/test_behaviour.py",
    "tests/model/test_sarcasm.py",
    "tests/model/test_modern_words.py",
    "tests/model/test_unknown_words.py",
)


def run_behaviour_suites(model_dir: Path, report: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(passed, not passed) test names; an expected failure (xfail) counts as not passed."""
    env = {**os.environ, "MODEL_DIR": str(Path(model_dir).resolve())}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *BEHAVIOUR_SUITES,
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            "-o",
            "junit_family=xunit2",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=1800,
    )
    if not report.is_file():
        raise RuntimeError(f"the behaviour suites did not run on {model_dir} (no {report})")
    passed: list[str] = []
    failed: list[str] = []
    for case in ElementTree.parse(report).iter("testcase"):
        name = f"{Path(case.get('classname', '').replace('.', '/')).name}::{case.get('name')}"
        outcome = {child.tag for child in case}
        (failed if outcome & {"failure", "error", "skipped"} else passed).append(name)
    return tuple(sorted(passed)), tuple(sorted(failed))


def score_artefact(model_dir: Path, splits, feedback_holdout, work_dir: Path, label: str) -> ModelScores:
    """`feedback_holdout`: a frame with `text` and `label` (the export's corrected labels)."""
    from model_build.assess import held_out_figures
    from predict.model import load_model_artifact

    model = load_model_artifact(model_dir)
    test = held_out_figures(model, splits.test)
    manual = held_out_figures(model, splits.manual)
    feedback = held_out_figures(model, feedback_holdout) if len(feedback_holdout) else {"right": 0, "tweets": 0}
    passed, failed = run_behaviour_suites(model_dir, Path(work_dir) / f"behaviour_{label}.xml")
    reported = {
        "test_balanced_accuracy": test["balanced_accuracy"],
        "test_ece": test["ece"],
        "manual_balanced_accuracy": manual["balanced_accuracy"],
    }
    return ModelScores(
        version=model.version,
        threshold=float(model.threshold),
        test_accuracy=test["accuracy"],
        test_tweets=test["tweets"],
        manual_right=manual["right"],
        manual_tweets=manual["tweets"],
        feedback_right=int(feedback["right"]),
        feedback_tweets=int(feedback["tweets"]),
        behaviour_passed=passed,
        behaviour_failed=failed,
        reported=reported,
    )
