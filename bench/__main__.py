"""`python -m bench [cold-start|latency|http|size|normalize|report|all]`: see bench/__init__.py."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from bench import markdown, previous, results

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = ROOT / "onnx_models" / "fasttext_lstm"
# The deployed model as Keras: written by `python -m model_build distill`, not committed; on a
# machine that did not train it, rebuilt from model.onnx by scripts/keras_twin.py.
DEFAULT_KERAS_FILE = ROOT / "artifacts" / "fasttext_lstm_distilled" / "model.keras"
KERAS_TWIN_FILE = ROOT / "artifacts" / "keras_twin" / "model.keras"
PARTS = ("cold-start", "latency", "http", "size", "normalize")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split(":")[0])
    parser.add_argument("part", nargs="?", default="all", choices=(*PARTS, "report", "all"))
    parser.add_argument(
        "--model-dir", type=Path, default=DEFAULT_MODEL_DIR, help="ONNX artefact folder (default: %(default)s)"
    )
    parser.add_argument(
        "--keras-file",
        type=Path,
        default=DEFAULT_KERAS_FILE if DEFAULT_KERAS_FILE.is_file() else KERAS_TWIN_FILE,
        help="the same model as .keras, written by training or rebuilt by scripts/keras_twin.py (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=7, help="cold starts per path (default: %(default)s)")
    parser.add_argument("--calls", type=int, default=2000, help="single-tweet calls (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=60.0, help="HTTP load seconds (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=16, help="HTTP client threads (default: %(default)s)")
    parser.add_argument(
        "--rounds", type=int, default=15, help="interleaved rounds of the normalize part (default: %(default)s)"
    )
    parser.add_argument(
        "--previous-model-dir",
        type=Path,
        default=None,
        help="the previously shipped artefact, measured beside the current one "
        "(default: taken from git, see bench/previous.py)",
    )
    parser.add_argument("--results", type=Path, default=results.RESULTS_FILE)
    parser.add_argument("--doc", type=Path, default=markdown.DOC_FILE)
    return parser


def keras_file_of_artefact(model_dir: Path, keras_file: Path | None) -> Path | None:
    """`keras_file` if it is the artefact's own model (the run.json beside it names the run of
    the model card), else None: a stale training folder must not stand in for the deployed model."""
    if keras_file is None or not keras_file.is_file():
        return None
    beside = keras_file.parent / "run.json"
    card = json.loads((model_dir / "model_card.json").read_text(encoding="utf-8"))
    wanted = card.get("mlflow", {}).get("run_id")
    found = json.loads(beside.read_text(encoding="utf-8")).get("run_id") if beside.is_file() else None
    if wanted and found != wanted:
        print(
            f"{keras_file} is from run {found}, the artefact from run {wanted}: the Keras side is "
            "skipped (pass --keras-file)",
            file=sys.stderr,
        )
        return None
    return keras_file


def run_part(part: str, args) -> dict:
    if part == "cold-start":
        from bench import cold_start

        return cold_start.measure(args.model_dir, args.keras_file, runs=args.runs, previous_dir=args.previous_model_dir)
    if part == "latency":
        from bench import latency

        return latency.measure(args.model_dir, calls=args.calls, previous_dir=args.previous_model_dir)
    if part == "normalize":
        from bench import normalization

        return normalization.measure(args.model_dir, rounds=args.rounds)
    if part == "http":
        from bench import http_load

        return http_load.measure(args.model_dir, clients=args.clients, seconds=args.duration)
    from bench import size

    return size.measure(args.model_dir, args.keras_file, previous_dir=args.previous_model_dir)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.model_dir = args.model_dir.resolve()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.part != "report" and not (args.model_dir / "model_card.json").is_file():
        print(f"no model artefact in {args.model_dir}: train and export it first", file=sys.stderr)
        return 2
    if args.part != "report":
        args.keras_file = keras_file_of_artefact(args.model_dir, args.keras_file)
    parts = PARTS if args.part == "all" else () if args.part == "report" else (args.part,)
    with tempfile.TemporaryDirectory(prefix="bench-previous-") as scratch:
        if parts and args.previous_model_dir is None:
            args.previous_model_dir = previous.committed_artefact(Path(scratch) / "previous")
        for part in parts:
            print(f"{part} …", flush=True)
            results.save_section(part.replace("-", "_"), run_part(part, args), args.results)
    doc = markdown.write(results.load(args.results), args.doc)
    print(f"results: {args.results}\ntable:   {doc}")
    if args.results == results.RESULTS_FILE:
        from docgen import headline

        print(f"headline: {headline.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
