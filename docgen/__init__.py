"""Generated blocks in the documents: the figures people read are rendered from their source
(the model card, bench/results.json), never retyped.

A block is the text between a BEGIN and an END marker line; only it is rewritten, and tests
compare it with a fresh rendering so a stale document fails CI.
"""

from __future__ import annotations

from pathlib import Path


def read_block(path: Path, begin: str, end: str) -> str:
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{path} has no block between {begin!r} and {end!r}")
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def replace_block(path: Path, begin: str, end: str, content: str) -> Path:
    read_block(path, begin, end)  # fails clearly when the markers are missing
    text = path.read_text(encoding="utf-8")
    before, rest = text.split(begin, 1)
    after = rest.split(end, 1)[1]
    path.write_text(f"{before}{begin}\n{content.strip(chr(10))}\n{end}{after}", encoding="utf-8")
    return path
