"""The baseline model, taken from git, so that `make bench` measures it beside the current one in
the same run (a machine this noisy makes numbers from different runs useless).

The folder is written from `git show <commit>:onnx_models/fasttext_lstm/<file>` into a temporary
directory; serving code loads it like any artefact (format-1 tokenizers still load). A tokenizer
that names an older text normalisation is stamped with the current one: only speed and size are
measured here, and they do not depend on which emoji table the tokenizer names.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from predict.normalize import NORMALIZATION_VERSION

ROOT = Path(__file__).resolve().parent.parent
ARTEFACT = "onnx_models/fasttext_lstm"
# fasttext_lstm@4: the model the unknown-word issue set its serving limits against (cold start,
# latency and size "next to @4's"); fde6851 is the last commit holding it, before @5 replaced it.
# (@5, the previous release, has @6's weights: beside @6 it would measure nothing new.)
PREVIOUS_MODEL = "fasttext_lstm@4"
PREVIOUS_COMMIT = "fde6851"


def committed_artefact(destination: Path, commit: str = PREVIOUS_COMMIT, artefact: str = ARTEFACT) -> Path | None:
    """Write the artefact folder as it was at `commit` into `destination`; None without git
    history (a shallow clone or an exported tree)."""
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{commit}:{artefact}"], cwd=ROOT, capture_output=True, text=True
    )
    if listing.returncode != 0:
        return None
    destination.mkdir(parents=True, exist_ok=True)
    for name in listing.stdout.split():
        blob = subprocess.run(["git", "show", f"{commit}:{artefact}/{name}"], cwd=ROOT, capture_output=True, check=True)
        (destination / name).write_bytes(blob.stdout)
    tokenizer_file = destination / "tokenizer.json"
    if tokenizer_file.is_file():
        tokenizer = json.loads(tokenizer_file.read_text(encoding="utf-8"))
        tokenizer["normalization_version"] = NORMALIZATION_VERSION
        tokenizer_file.write_text(json.dumps(tokenizer), encoding="utf-8")
    return destination


def artefact_label(folder: Path) -> str:
    """`name@version` from the artefact's model card, e.g. "fasttext_lstm@4"."""
    card = json.loads((folder / "model_card.json").read_text(encoding="utf-8"))
    return f"{card['name']}@{card['version']}"
