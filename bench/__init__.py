"""Benchmarks of the deployed model and service: measured, written down, never asserted.

    make bench                                    # every part, about 3 minutes on 2 cores
    .venv-train/bin/python -m bench cold-start    # fresh process → first prediction, ONNX vs Keras
    .venv-train/bin/python -m bench latency       # in-process p50/p99 and batch-64 throughput
    .venv-train/bin/python -m bench http --duration 60 --clients 16
    .venv-train/bin/python -m bench normalize     # predict split at a full batch; worst-case normalisation
    .venv-train/bin/python -m bench size          # pip install --target of requirements.txt vs training
    .venv-train/bin/python -m bench report        # docs/benchmarks.md from bench/results.json

Each part replaces its own section of bench/results.json (with the machine and its load at the
time) and regenerates docs/benchmarks.md, so parts can be rerun alone.
"""
