"""The previously shipped model, taken from git, so that `make bench` measures it beside the
current one in the same run (a machine this noisy makes numbers from different runs useless).

The folder is written from `git show <commit>:onnx_models/fasttext_lstm/<file>` into a temporary
directory; serving code loads it like any artefact (format-1 tokenizers still load).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTEFACT = "onnx_models/fasttext_lstm"
# fasttext_lstm@4, the model shipped before the unknown-word recipe: the last commit holding it.
PREVIOUS_MODEL = "fasttext_lstm@4"
PREVIOUS_COMMIT = "3e10dc5"


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
    return destination
