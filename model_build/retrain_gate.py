"""The gate of retraining from feedback: may a candidate replace the champion?

Written down before any retraining run (issue 14) and copied into every decision file. Pure
functions over numbers both models were measured on in one run (model_build/retrain_evaluation.py);
no TensorFlow, no storage. The outcome is a proposal: a person merges the pull request, and
registering the candidate as `champion` in MLflow is a separate, explicit release step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MIN_FEEDBACK_HOLDOUT_ROWS = 30  # below this the users' own tweets cannot judge anything
MIN_FEEDBACK_GAIN = 0.02  # accuracy on held-out feedback, as a fraction
MAX_TEST_LOSS = 0.005  # accuracy on the fixed test split, as a fraction
MAX_MANUAL_LOSS_TWEETS = 4  # of the 359 manual tweets (its 95% interval is about +-4 points)
REPLACE, KEEP = "replace champion", "keep champion"

DECISION_RULE = (
    "A retrained candidate replaces the champion only if ALL of these hold, both models scored as "
    "served (ONNX graph at its card's threshold) in the same run: "
    f"(1) held-out feedback rows >= {MIN_FEEDBACK_HOLDOUT_ROWS} (the feedback whose prediction id "
    "hashes into the held-out 20%, never used for training); "
    f"(2) candidate accuracy on them >= champion accuracy on them + {MIN_FEEDBACK_GAIN}; "
    f"(3) candidate test accuracy >= champion test accuracy - {MAX_TEST_LOSS} (fixed test split); "
    f"(4) candidate manual tweets right >= champion manual tweets right - {MAX_MANUAL_LOSS_TWEETS} "
    "(the 359 hand-labelled tweets); "
    "(5) every behaviour test (tests/model: behaviour, sarcasm, modern words, unknown words) that "
    "passes on the champion passes on the candidate. "
    "Otherwise the champion stays. Nothing is deployed or registered by the gate."
)


@dataclass(frozen=True)
class ModelScores:
    """One model's figures on what the rule reads (plus what is only reported)."""

    version: str
    threshold: float
    test_accuracy: float
    test_tweets: int
    manual_right: int
    manual_tweets: int
    feedback_right: int
    feedback_tweets: int
    behaviour_passed: tuple[str, ...]
    behaviour_failed: tuple[str, ...]
    reported: dict = field(default_factory=dict)  # balanced accuracy, ECE, sarcasm...: never decide

    @property
    def manual_accuracy(self) -> float:
        return self.manual_right / self.manual_tweets if self.manual_tweets else 0.0

    @property
    def feedback_accuracy(self) -> float | None:
        return self.feedback_right / self.feedback_tweets if self.feedback_tweets else None


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    candidate: float | int | str | None
    champion: float | int | str | None
    passed: bool
    detail: str


@dataclass(frozen=True)
class GateResult:
    decision: str  # REPLACE or KEEP
    checks: tuple[Check, ...]
    candidate: ModelScores
    champion: ModelScores
    rule: str = DECISION_RULE

    @property
    def candidate_wins(self) -> bool:
        return self.decision == REPLACE

    @property
    def reasons(self) -> list[str]:
        """Why the champion stays (the failed checks), in numbers; empty when the candidate wins."""
        return [f"{c.name}: {c.detail}" for c in self.checks if not c.passed]

    def as_json(self) -> dict:
        def scores(model: ModelScores) -> dict:
            return {
                **asdict(model),
                "manual_accuracy": round(model.manual_accuracy, 5),
                "feedback_accuracy": None if model.feedback_accuracy is None else round(model.feedback_accuracy, 5),
            }

        return {
            "decision": self.decision,
            "candidate_wins": self.candidate_wins,
            "reasons": self.reasons,
            "checks": [asdict(c) for c in self.checks],
            "candidate": scores(self.candidate),
            "champion": scores(self.champion),
            "rule": self.rule,
        }


def decide(candidate: ModelScores, champion: ModelScores) -> GateResult:
    """Apply DECISION_RULE; every check is evaluated and recorded, passed or not."""
    held_out = candidate.feedback_tweets
    checks = [
        Check(
            "feedback held out",
            f"rows >= {MIN_FEEDBACK_HOLDOUT_ROWS}",
            held_out,
            champion.feedback_tweets,
            held_out >= MIN_FEEDBACK_HOLDOUT_ROWS and held_out == champion.feedback_tweets,
            f"{held_out} held-out feedback rows (at least {MIN_FEEDBACK_HOLDOUT_ROWS} needed)",
        )
    ]
    cand_fb, champ_fb = candidate.feedback_accuracy, champion.feedback_accuracy
    if cand_fb is None or champ_fb is None:
        checks.append(
            Check(
                "feedback accuracy",
                f"candidate >= champion + {MIN_FEEDBACK_GAIN}",
                None,
                None,
                False,
                "no held-out feedback to compare on",
            )
        )
    else:
        checks.append(
            Check(
                "feedback accuracy",
                f"candidate >= champion + {MIN_FEEDBACK_GAIN}",
                round(cand_fb, 5),
                round(champ_fb, 5),
                cand_fb >= champ_fb + MIN_FEEDBACK_GAIN - 1e-12,
                f"candidate {cand_fb:.4f} ({candidate.feedback_right}/{held_out}) vs champion {champ_fb:.4f} "
                f"({champion.feedback_right}/{champion.feedback_tweets}); needs >= {champ_fb + MIN_FEEDBACK_GAIN:.4f}",
            )
        )
    test_floor = champion.test_accuracy - MAX_TEST_LOSS
    checks.append(
        Check(
            "test accuracy",
            f"candidate >= champion - {MAX_TEST_LOSS}",
            round(candidate.test_accuracy, 5),
            round(champion.test_accuracy, 5),
            candidate.test_tweets == champion.test_tweets and candidate.test_accuracy >= test_floor - 1e-12,
            f"candidate {candidate.test_accuracy:.4f} vs champion {champion.test_accuracy:.4f} on "
            f"{candidate.test_tweets} tweets; needs >= {test_floor:.4f}",
        )
    )
    manual_floor = champion.manual_right - MAX_MANUAL_LOSS_TWEETS
    checks.append(
        Check(
            "manual tweets right",
            f"candidate >= champion - {MAX_MANUAL_LOSS_TWEETS}",
            candidate.manual_right,
            champion.manual_right,
            candidate.manual_right >= manual_floor,
            f"candidate {candidate.manual_right} vs champion {champion.manual_right} of {candidate.manual_tweets}; "
            f"needs >= {manual_floor}",
        )
    )
    regressions = sorted(set(champion.behaviour_passed) - set(candidate.behaviour_passed))
    checks.append(
        Check(
            "behaviour tests",
            "no test passing on the champion fails on the candidate",
            len(candidate.behaviour_passed),
            len(champion.behaviour_passed),
            not regressions,
            (
                f"{len(regressions)} passing on the champion fail on the candidate: {', '.join(regressions)}"
                if regressions
                else f"no regression ({len(candidate.behaviour_passed)} passed on the candidate, "
                f"{len(champion.behaviour_passed)} on the champion)"
            ),
        )
    )
    decision = REPLACE if all(c.passed for c in checks) else KEEP
    return GateResult(decision=decision, checks=tuple(checks), candidate=candidate, champion=champion)


def markdown_summary(result: GateResult, feedback: dict) -> str:
    """The run summary ($GITHUB_STEP_SUMMARY, the pull request body): decision first, then numbers."""
    cand, champ = result.candidate, result.champion
    lines = [f"## Retraining gate: **{result.decision}**", ""]
    lines.append(
        f"Feedback export: {feedback['rows']} rows (sha256 `{feedback['sha256'][:16]}…`); "
        f"{feedback['training_rows']} used for training, {feedback['holdout_rows']} held out "
        f"(prediction id hash), never trained on."
    )
    lines += [
        "",
        f"| check | rule | candidate `{cand.version}` | champion `{champ.version}` | outcome |",
        "| --- | --- | --- | --- | --- |",
    ]
    for check in result.checks:
        lines.append(
            f"| {check.name} | {check.rule} | {_cell(check.candidate)} | {_cell(check.champion)} | "
            f"{'passed' if check.passed else '**failed**'} |"
        )
    if result.reasons:
        lines += ["", "Why the champion stays:", ""] + [f"- {reason}" for reason in result.reasons]
    else:
        lines += [
            "",
            "Every check passed: the pull request proposes the candidate. Nothing is deployed "
            "or registered until a person merges it and runs the release step.",
        ]
    failing = sorted(set(cand.behaviour_failed))
    if failing:
        lines += ["", f"Behaviour tests failing on the candidate: {', '.join(failing)}."]
    lines += ["", "Rule (model_build/retrain_gate.py, DECISION_RULE):", "", f"> {result.rule}", ""]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.4f}" if isinstance(value, float) else str(value)
