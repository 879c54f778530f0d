"""Retraining from feedback, end to end on this machine: `make retrain-local`.

Starts Azurite and the function app (python -m devhost, the committed champion served), posts
synthetic airline tweets through POST /api/predict and their judgement through POST /api/feedback
(model_build/local_feedback.py), stops the host, then runs `python -m model_build retrain` against
that Azurite table on a small data slice. Writes artifacts/retrain-local/{decision.json,summary.md}.

    .venv-train/bin/python scripts/retrain_local.py                      # the defaults below
    .venv-train/bin/python scripts/retrain_local.py --feedback 500 -- --train-limit 50000 --epochs 2
Arguments after `--` replace SLICE (they go to `retrain` as they are).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devhost.process import HostProcess  # noqa: E402
from model_build import cli  # noqa: E402
from model_build.local_feedback import post_feedback, synthetic_tweets  # noqa: E402
from tests.fixtures.azurite import Azurite  # noqa: E402

TABLE = "feedbackretrain"
OUTPUT_DIR = ROOT / "artifacts" / "retrain-local"
# A small slice: minutes on a 2-core machine, the same fixed test split as the champion's
# (a 2,000-row test sample is the first 2,000 of its seeded 9,000) and the whole manual set.
SLICE = [
    "--train-limit",
    "20000",
    "--test-rows",
    "2000",
    "--validation-rows",
    "2000",
    "--epochs",
    "2",
    "--fasttext-dim",
    "32",
    "--fasttext-epochs",
    "2",
    "--units",
    "32",
]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    own, passed = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=300, help="tweets to predict and judge (default 300)")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    options = parser.parse_args(own)
    options.output_dir.mkdir(parents=True, exist_ok=True)

    azurite = Azurite(Path(tempfile.mkdtemp(prefix="azurite-retrain-")))
    azurite.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FEEDBACK_", "APPLICATIONINSIGHTS_"))}
        env.update(FEEDBACK_STORAGE_CONNECTION_STRING=azurite.connection_string, FEEDBACK_TABLE_NAME=TABLE)
        with HostProcess(env, options.output_dir / "devhost.log") as host:
            posted = post_feedback(host.base_url, synthetic_tweets(options.feedback))
        print(f"posted through {host.base_url}: {posted}")
        return cli.main(
            [
                "retrain",
                "--connection-string",
                azurite.connection_string,
                "--table",
                TABLE,
                "--since-days",
                "1",
                "--output-dir",
                str(options.output_dir),
                "--tracking-uri",
                f"sqlite:///{options.output_dir / 'mlflow.db'}",
                *(passed or SLICE),
            ]
        )
    finally:
        azurite.stop()


if __name__ == "__main__":
    sys.exit(main())
