#!/usr/bin/env bash
# Put the Sentiment140 and NLTK data the tests and training read in SHARED/data (by default
# ../shared/data, beside the checkout). Used by ci.yml and retrain.yml, so written once here.
#
#   bash scripts/shared_data.sh [SHARED]
#
# These files may not be redistributed in this repository. With SHARED_DATA_URL set (a private
# tar.gz of the team's `data/` folder, e.g. a SAS URL to a blob; the repository variable of the same
# name in the workflows) it is unpacked: the faster path, and the rows the `exact_rows` tests were
# measured on. Without it (a fork), the folder is built from public sources: the Sentiment140
# archive, checked against its recorded sha256, and NLTK's downloader (scripts/build_public_data.py,
# docs/testing.md, "Data for a fork's CI"). A folder already in place is kept as it is.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$(dirname "$root")/shared}"
if [[ -d "$target/data/sentiment140" ]]; then
  echo "$target/data/sentiment140 is already there: kept"
  exit 0
fi
mkdir -p "$target"
target="$(cd "$target" && pwd)"
cd "$root"
if [[ -n "${SHARED_DATA_URL:-}" ]]; then
  curl -fsSL "$SHARED_DATA_URL" | tar -xz -C "$target"
else
  echo "::notice::SHARED_DATA_URL is not set: building $target/data from public sources (docs/testing.md)"
  # build_public_data.py is standard library only, but runs NLTK's downloader with this Python.
  if ! python3 -c "import nltk" 2>/dev/null; then
    python3 -m pip install -q -c constraints.txt nltk
  fi
  python3 scripts/build_public_data.py "$target/data"
fi
test -d "$target/data/sentiment140"
