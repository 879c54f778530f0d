"""`assess`: exported artefacts side by side, on what the decision rule reads, in one run.

    python -m model_build assess onnx_models/fasttext_lstm /tmp/candidate --output assess.json

For each artefact, through serving's own loader (the served graph, at the card's threshold):
accuracy and balanced accuracy on the held-out test split and the manual set, ECE, the
unknown-word shift (tests/model/test_unknown_words.py), the robustness stresses, and the
hand-written suites in tests/model/cases/ (sarcasm, modern words: reported, never a criterion),
and the hand-labelled sets in LABELLED_SETS (the seventh, ninth and tenth rules read their balanced accuracy).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "model" / "cases"
MODERN_SETS = ("modern_tweets", "modern_tweets_2", "modern_tweets_3")  # evaluation_data/, in order written
# text,target CSVs written by hand, scored as they are. The airline set is training data only
# for candidates 3 and 4 (--extra-data); for every other model it is unseen.
LABELLED_SETS = {
    **{name: ROOT / "evaluation_data" / f"{name}.csv" for name in MODERN_SETS},
    "handwritten_airline": ROOT / "training_data" / "handwritten_airline.csv",
}


def register(subparsers) -> None:
    from model_build.train import add_data_options

    parser = subparsers.add_parser("assess", help="compare ONNX artefacts on held-out data")
    parser.add_argument("artefacts", type=Path, nargs="+", help="onnx_models/<name> folders")
    add_data_options(parser)
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    parser.set_defaults(handler=run_from_args)


def held_out_figures(model, frame) -> dict:
    from model_build import evaluation

    labels = frame["label"].to_numpy()
    probabilities = model.predict_proba(frame["text"].tolist())
    predicted = probabilities >= model.threshold
    return {
        "tweets": len(frame),
        "right": int((predicted == labels).sum()),
        "accuracy": round(float(np.mean(predicted == labels)), 5),
        "balanced_accuracy": round(evaluation.balanced_accuracy(labels, probabilities, model.threshold), 5),
        "positive_share_predicted": round(float(predicted.mean()), 4),
        "ece": evaluation.calibration(labels, probabilities)["ece"],
        "correct": predicted == labels,
    }


def labelled_set_figures(model) -> dict:
    """`held_out_figures` on each hand-labelled set of LABELLED_SETS that exists."""
    from model_build import data

    figures = {}
    for name, path in LABELLED_SETS.items():
        if path.is_file():
            figures[name] = held_out_figures(model, data.load_extra_labelled(path))
            figures[name].pop("correct")
    return figures


def sarcasm_figures(model) -> dict:
    """tests/model/cases/sarcasm.json: complaints called negative, sincere thanks positive."""
    cases = json.loads((CASES_DIR / "sarcasm.json").read_text(encoding="utf-8"))
    sarcastic = model.predict_proba(cases["sarcastic_complaints"]) < model.threshold
    sincere = model.predict_proba(cases["sincere_thanks"]) >= model.threshold
    return {
        "complaints_negative": int(sarcastic.sum()),
        "complaints": len(sarcastic),
        "sincere_positive": int(sincere.sum()),
        "sincere": len(sincere),
    }


def suite_figures(model, suite: str) -> dict:
    """A tests/model/cases suite of positive and negative tweets: how many of each are right."""
    cases = json.loads((CASES_DIR / f"{suite}.json").read_text(encoding="utf-8"))
    return {
        "positive_right": int((model.predict_proba(cases["positive"]) >= model.threshold).sum()),
        "negative_right": int((model.predict_proba(cases["negative"]) < model.threshold).sum()),
        "each": len(cases["positive"]),
    }


def assess(model, splits, seed: int = 42) -> dict:
    from model_build import robustness
    from predict.normalize import normalize_tweet

    test = [normalize_tweet(t) for t in splits.test["text"]]
    return {
        "threshold": model.threshold,
        "test": held_out_figures(model, splits.test),
        "manual": held_out_figures(model, splits.manual),
        "unknown_words": robustness.unknown_word_shift(model, test),
        "robustness": robustness.stressed_accuracies(
            model, splits.test["text"].tolist(), splits.test["label"].to_numpy(), seed=seed
        ),
        "sarcasm": sarcasm_figures(model),
        "modern_words": suite_figures(model, "modern"),
        "hand_labelled_sets": labelled_set_figures(model),
    }


def run_from_args(args) -> int:
    from model_build.train import SplitSettings
    from predict.model import load_model_artifact

    splits = SplitSettings.from_args(args).build()
    table: dict[str, dict] = {}
    for folder in args.artefacts:
        model = load_model_artifact(folder)
        table[model.version] = assess(model, splits, seed=args.seed)
    names = list(table)
    if len(names) == 2:  # tweets of the manual set only one of the two gets right
        a, b = (table[n]["manual"]["correct"] for n in names)
        table[names[1]]["manual_disagreement_with"] = {
            "model": names[0],
            f"only_{names[0]}_right": int((a & ~b).sum()),
            f"only_{names[1]}_right": int((b & ~a).sum()),
        }
    for row in table.values():
        for split in ("test", "manual"):
            row[split].pop("correct")
    print(json.dumps(table, indent=2))
    if args.output:
        args.output.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0
