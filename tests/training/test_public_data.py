"""scripts/build_public_data.py, offline: on a tiny synthetic archive shaped like the official one,
and (rule by rule) against the team's copy of the data.

The real archive cannot be reached from the machines this was written on: nothing here downloads
it, and the recorded ARCHIVE_SHA256 was not measured here (docs/testing.md says where it is from).
"""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from pathlib import Path

import pytest

from model_build import data
from scripts import build_public_data as public
from tests.fixtures.shared_data import differing_files

SIZES = public.Sizes(subset=10, sample_head=3, sample_tail=4, union=40)
ROWS = 60


def original_row(i: int) -> str:
    target = 0 if i < ROWS // 2 else 4
    text = f'tweet {i}: caf\xe9, "quoted" &amp; more'
    quoted = text.replace('"', '""')
    return f'"{target}","{1000 + i}","Mon Apr 06 22:19:45 PDT 2009","NO_QUERY","user{i}","{quoted}"'


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A zip with the official members: 60 rows (30 negative, then 30 positive), latin-1, CRLF."""
    path = tmp_path_factory.mktemp("archive") / "trainingandtestdata.zip"
    manual = [
        '"4","3","Mon May 11 03:17:40 UTC 2009","kindle2","tpryan","manual positive"',
        '"0","4","Mon May 11 03:18:03 UTC 2009","kindle2","vcu451","manual negative"',
        '"2","5","Mon May 11 03:18:54 UTC 2009","kindle2","chadfu","manual neutral"',
    ]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            public.TRAINING_MEMBER, "\r\n".join(map(original_row, range(ROWS))).encode("latin-1") + b"\r\n"
        )
        archive.writestr(public.MANUAL_MEMBER, "\n".join(manual).encode("latin-1") + b"\n")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data")
    public.build(out, archive, archive_sha256=sha256(archive), sizes=SIZES, nltk_python=None)
    return out


def test_an_archive_with_another_sha256_is_refused_before_anything_is_written(archive, tmp_path):
    with pytest.raises(ValueError, match="not the official archive"):
        public.build(tmp_path, archive, archive_sha256="0" * 64, sizes=SIZES, nltk_python=None)
    assert not (tmp_path / "sentiment140").exists()


def test_a_download_is_kept_only_when_its_sha256_is_the_recorded_one(archive, tmp_path):
    kept = public.download(archive.as_uri(), tmp_path / "ok" / "a.zip", sha256(archive))
    assert sha256(kept) == sha256(archive)
    with pytest.raises(ValueError, match="nothing was kept"):
        public.download(archive.as_uri(), tmp_path / "bad" / "a.zip", "0" * 64)
    assert list((tmp_path / "bad").iterdir()) == []


def test_the_files_are_the_slices_the_shared_readme_describes(built, archive):
    folder = built / "sentiment140"
    texts = [f'tweet {i}: caf\xe9, "quoted" &amp; more' for i in range(ROWS)]
    negative = gzip.decompress((folder / "subset_100k_negative.txt.gz").read_bytes()).decode("utf-8")
    positive = gzip.decompress((folder / "subset_100k_positive.txt.gz").read_bytes()).decode("utf-8")
    assert negative.split("\n") == [*texts[:10], ""] and positive.split("\n") == [*texts[-10:], ""]
    sample = gzip.decompress((folder / "training_sample_20k_original_format.csv.gz").read_bytes())
    expected = [original_row(i).encode("latin-1") for i in [*range(3), *range(ROWS - 4, ROWS)]]
    assert sample.split(b"\n") == expected  # as they are, line ends aside
    manual = zipfile.ZipFile(archive).read(public.MANUAL_MEMBER)
    assert (folder / public.MANUAL_MEMBER).read_bytes() == manual


def test_the_random_union_is_a_seeded_sample_of_exact_rows(built, archive, tmp_path):
    union = data.load_random_union(built / "sentiment140" / data.UNION_FILE)
    assert len(union) == SIZES.union and union["id"].is_unique
    assert set(union["text_fidelity"]) == {"original"}
    again = tmp_path / "again"
    public.build(again, archive, archive_sha256=sha256(archive), sizes=SIZES, nltk_python=None)
    for name in public.SHARED_COPY_SHA256:
        if name.startswith("sentiment140/"):
            assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_the_projects_loaders_and_splits_read_the_built_folder(built):
    folder = built / "sentiment140"
    subset = data.load_text_subset(*(folder / name for name in data.SUBSET_FILES))
    assert subset["label"].value_counts().to_dict() == {0: 10, 1: 10}
    assert subset["text"].iloc[0] == 'tweet 0: caf\xe9, "quoted" & more'
    sample = data.load_original_format(folder / "training_sample_20k_original_format.csv.gz")
    assert sample["label"].tolist() == [0] * 3 + [1] * 4
    assert len(data.load_manual_test(folder / data.MANUAL_FILE)) == 2
    splits = data.build_splits(folder, test_rows=6, validation_rows=4)
    assert (len(splits.test), len(splits.validation)) == (6, 4)


def test_nltk_data_comes_from_nltks_downloader_and_is_checked(tmp_path):
    """A stand-in for `python -m nltk.downloader` (the real one needs the network): the arguments
    it gets, and a refusal when the zips NLTK reads did not arrive."""
    calls = tmp_path / "calls"
    fake = tmp_path / "python"
    fake.write_text(
        f'#!/bin/sh\necho "$@" >> "{calls}"\n'
        'case "$*" in *fetch*) mkdir -p "$6/corpora" && touch "$6/corpora/wordnet.zip" "$6/corpora/stopwords.zip";; esac\n'
    )
    fake.chmod(0o755)
    public.download_nltk_data(tmp_path / "fetch", str(fake))
    assert calls.read_text().split() == [
        "-m",
        "nltk.downloader",
        "-q",
        "-e",
        "-d",
        str(tmp_path / "fetch" / "nltk_data"),
    ] + list(public.NLTK_PACKAGES)
    with pytest.raises(RuntimeError, match="wordnet, stopwords"):
        public.download_nltk_data(tmp_path / "nothing", str(fake))


def test_the_report_says_which_files_are_not_the_teams_copy(built):
    report = public.report(built)
    assert set(report) == {n for n in public.SHARED_COPY_SHA256 if n.startswith("sentiment140/")}
    assert not any(facts["same_as_shared_copy"] for facts in report.values())
    assert differing_files(("sentiment140/random_union_102k.csv.gz",), built) == [
        "sentiment140/random_union_102k.csv.gz"
    ]
    assert (built / public.BUILD_REPORT).is_file()


@pytest.mark.exact_rows(
    "sentiment140/training_sample_20k_original_format.csv.gz",
    "sentiment140/subset_100k_negative.txt.gz",
    "sentiment140/subset_100k_positive.txt.gz",
)
def test_the_text_rule_gives_the_teams_subset_from_the_teams_original_rows(data_dir):
    """The team's 20k sample holds, as they are, rows whose texts the team's subset also holds:
    the script's rule (the sixth CSV field, latin-1 in, UTF-8 out) turns one into the other.

    Except 12 rows of the tail, where the sample carries U+FFFD ("ï¿½" read as latin-1), or once a
    plain space, in place of bytes the subset keeps (a no-break space there): the sample went
    through a lossy decoding once. A sample built from the archive copies its bytes, so it can
    differ from the team's in those rows.
    """
    rows = gzip.decompress((data_dir / "training_sample_20k_original_format.csv.gz").read_bytes()).split(b"\n")
    texts = [public.fields_of(row)[5] for row in rows]
    negative = gzip.decompress((data_dir / data.SUBSET_FILES[0]).read_bytes()).decode("utf-8").split("\n")
    positive = gzip.decompress((data_dir / data.SUBSET_FILES[1]).read_bytes()).decode("utf-8").split("\n")
    assert texts[:9_999] == negative[:9_999]
    differing = [(t, s) for t, s in zip(texts[9_999:], positive[-10_002:-1], strict=True) if t != s]
    assert len(differing) == 12
    assert all("\xef\xbf\xbd" in sample or "\xa0" in subset for sample, subset in differing)
