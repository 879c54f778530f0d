#!/usr/bin/env bash
# Build the folder that is deployed to Azure Functions:
#   - the repository files that .funcignore lets through (tracked and untracked, never gitignored);
#   - the runtime dependencies of requirements.txt in .python_packages/lib/site-packages, the
#     folder the Python worker puts on sys.path.
# Fails if a training dependency (TensorFlow, Keras, tf2onnx, MLflow, PyTorch, gensim,
# scikit-learn) ends up in it, and prints its installed size.
#
#   scripts/build_package.sh [OUTPUT_DIR]        # default: build/package
#   PYTHON=.venv/bin/python scripts/build_package.sh /tmp/package
#
# Needs git, tar and a Python with pip; the network only for PyPI (10-45 s with a warm pip cache).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
output="${1:-$repo_root/build/package}"

# The Python 3.11 Functions host runs Debian 11 (glibc 2.31). Wheels are chosen for that host,
# not for the build machine: on Debian 12 or Ubuntu 24.04 pip picks a cryptography wheel that
# needs glibc 2.34 and fails at import in Azure (azure-functions-python-worker#1651). pip does
# not widen a manylinux_2_28 tag to older glibc versions by itself, hence the explicit list.
python_version="3.11"
platforms=(manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_26_x86_64 manylinux_2_24_x86_64
           manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux_2_12_x86_64 manylinux_2_5_x86_64)

# Top-level names in site-packages (import packages, .dist-info, .libs) that only training needs.
forbidden='^(tensorflow|tf_keras|keras|tf2onnx|mlflow|torch|gensim|sklearn|scikit_learn)([-_.]|$)'

# The output folder is emptied first: refuse anything that is not an earlier package.
mkdir -p "$output"
output="$(cd "$output" && pwd)"
if [[ "$repo_root/" == "${output%/}/"* ]]; then
  echo "refusing to build into $output: it contains the repository" >&2
  exit 2
fi
if [[ -n "$(ls -A "$output")" && ! -e "$output/host.json" && ! -d "$output/.python_packages" ]]; then
  echo "refusing to empty $output: it is not an earlier deployment package" >&2
  exit 2
fi
rm -rf "$output"
mkdir -p "$output"

cd "$repo_root"
file_list="$(mktemp)"
trap 'rm -f "$file_list"' EXIT

# git applies .funcignore with exactly the gitignore rules Core Tools uses. check-ignore prints
# source, line, pattern and path per file; an empty or negated ("!") pattern means "deploy it".
git ls-files -z --cached --others --exclude-standard \
  | git -c core.excludesFile="$repo_root/.funcignore" check-ignore --no-index --stdin -z --verbose --non-matching \
  | while IFS= read -r -d '' _source && IFS= read -r -d '' _line \
          && IFS= read -r -d '' pattern && IFS= read -r -d '' path; do
      if [[ -f "$path" && ( -z "$pattern" || "$pattern" == '!'* ) ]]; then
        printf '%s\0' "$path"
      fi
    done >"$file_list"

if [[ ! -s "$file_list" ]]; then
  echo "no files to package: is $repo_root a git checkout?" >&2
  exit 1
fi
tar -cf - --null -T "$file_list" | tar -xf - -C "$output"

site_packages="$output/.python_packages/lib/site-packages"
platform_args=()
for platform in "${platforms[@]}"; do
  platform_args+=(--platform "$platform")
done
"$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  --target "$site_packages" \
  --python-version "$python_version" --implementation cp "${platform_args[@]}" --only-binary=:all: \
  -c constraints.txt -r requirements.txt

found="$(find "$site_packages" -mindepth 1 -maxdepth 1 -printf '%f\n' | tr '[:upper:]' '[:lower:]' \
  | grep -E "$forbidden" || true)"
if [[ -n "$found" ]]; then
  echo "training dependencies in the deployment package (check requirements.txt):" >&2
  echo "$found" >&2
  exit 1
fi

total_mb="$(du -sm "$output" | cut -f1)"
deps_mb="$(du -sm "$site_packages" | cut -f1)"
echo "Deployment package: $output"
echo "Installed size: ${total_mb} MB (dependencies ${deps_mb} MB, $(tr -cd '\0' <"$file_list" | wc -c) app files)"
