"""Command line: a thin layer over importable functions.

Each command lives in its own module exposing `register(subparsers)`; adding a command means one module and one line in COMMAND_MODULES.
"""

from __future__ import annotations

import argparse
import importlib
import os

COMMAND_MODULES = (
    "model_build.data_command",
    "model_build.train",
    "model_build.compare",
    "model_build.export",
    "model_build.distill",
    "model_build.ensemble",
    "model_build.rethreshold",
    "model_build.feedback_export",
    "model_build.feedback_delete",
    "model_build.retrain",
    "model_build.robustness",
    "model_build.assess",
    "model_build.teacher_probe",
    "model_build.report",
    "model_build.decisions",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m model_build",
        description="Train, compare, track (MLflow) and export (ONNX) the tweet sentiment models.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    # The bag-of-words pipeline needs NLTK's stop words; the repository's sibling data folder
    # holds them. An explicit NLTK_DATA wins.
    os.environ.setdefault("NLTK_DATA", "../shared/data/nltk_data")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    result = args.handler(args)
    return result if isinstance(result, int) else 0
