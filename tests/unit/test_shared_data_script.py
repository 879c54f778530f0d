"""scripts/shared_data.sh: the one place ci.yml and retrain.yml get ../shared/data from.

With SHARED_DATA_URL it unpacks the tar.gz (here a file:// URL); without it it runs
scripts/build_public_data.py (here a stand-in python3 on PATH that records its arguments, so
nothing is downloaded); a folder already in place is kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "shared_data.sh"
WORKFLOWS = ("ci.yml", "retrain.yml")

# Stands in for python3: `-c "import nltk"` succeeds, build_public_data.py makes the folder.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >>"$CALLS"
if [[ "$1" == scripts/build_public_data.py ]]; then mkdir -p "$2/sentiment140"; fi
"""


def run(shared: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), str(shared)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=shared.parent,
    )


@pytest.mark.parametrize("workflow", WORKFLOWS)
def test_both_workflows_get_the_data_from_the_script_with_the_variable(workflow):
    text = (ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8")
    assert "run: bash scripts/shared_data.sh" in text
    assert "SHARED_DATA_URL: ${{ vars.SHARED_DATA_URL }}" in text
    assert "::error::" not in text


def test_with_the_url_the_archive_is_unpacked(tmp_path):
    source = tmp_path / "source" / "data" / "sentiment140"
    source.mkdir(parents=True)
    (source / "testdata.csv").write_text("row\n", encoding="utf-8")
    archive = tmp_path / "shared-data.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source.parent, arcname="data")
    shared = tmp_path / "shared"

    result = run(shared, {"SHARED_DATA_URL": archive.as_uri()})

    assert result.returncode == 0, result.stderr
    assert (shared / "data" / "sentiment140" / "testdata.csv").read_text(encoding="utf-8") == "row\n"


def test_without_the_url_the_folder_is_built_from_public_sources(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(0o755)
    calls = tmp_path / "calls.txt"
    shared = tmp_path / "shared"

    result = run(
        shared,
        {"SHARED_DATA_URL": "", "CALLS": str(calls), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )

    assert result.returncode == 0, result.stderr
    assert "::notice::SHARED_DATA_URL is not set" in result.stdout
    assert f"scripts/build_public_data.py {shared}/data" in calls.read_text(encoding="utf-8").splitlines()
    assert (shared / "data" / "sentiment140").is_dir()


def test_a_folder_in_place_is_kept(tmp_path):
    shared = tmp_path / "shared"
    (shared / "data" / "sentiment140").mkdir(parents=True)

    result = run(shared, {"SHARED_DATA_URL": "file:///nonexistent.tar.gz"})

    assert result.returncode == 0, result.stderr
    assert "kept" in result.stdout


def test_script_passes_shellcheck():
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
