"""Build the data folder the tests and training read (../shared/data) from public sources.

For a fork's CI, which has no SHARED_DATA_URL (a private tar.gz of the team's copy of that
folder), and for anyone without the team's copy:

    python3 scripts/build_public_data.py OUT_DIR                         # downloads the archive (78 MB)
    python3 scripts/build_public_data.py OUT_DIR --archive trainingandtestdata.zip
    python3 scripts/build_public_data.py OUT_DIR --skip-nltk

Sentiment140 comes from its official archive, checked against ARCHIVE_SHA256 before anything is
read from it. The files are derived from it as ../shared/data/README.md describes the team's copy:
- sentiment140/subset_100k_{negative,positive}.txt.gz: the text of the first and of the last
  50,000 rows, one per line, UTF-8;
- sentiment140/training_sample_20k_original_format.csv.gz: the first 9,999 and last 10,001 rows
  as they are (six columns, latin-1);
- sentiment140/random_union_102k.csv.gz: a seeded random sample of 102,714 rows (UNION_SEED),
  every text `original`; the team's copy is a union of other projects' samples, so its rows differ;
- sentiment140/testdata.manual.2009.06.14.csv: copied from the archive as it is.
NLTK's WordNet and stop words come from NLTK's own downloader, run with --nltk-python (default:
this interpreter), which must have nltk installed. Everything else is the standard library: CI runs
this before any venv exists.

BUILD_REPORT (written into OUT_DIR) lists every file's content sha256 and whether it equals the
team's copy (SHARED_COPY_SHA256): tests marked `exact_rows` run only on files that do
(tests/fixtures/shared_data.py). What was verified and what was not: docs/testing.md, "Data for a
fork's CI".
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

# The official archive (linked from sentiment140.com, "For academics"; 81,363,704 bytes). Its
# sha256 is the value independent public projects record for it (Julia's MLDatasets among them):
# the machines this was written on cannot reach the archive to measure it.
ARCHIVE_URL = "https://cs.stanford.edu/people/alecmgo/trainingandtestdata.zip"
ARCHIVE_SHA256 = "004a3772c8a7ff9bbfeb875880f47f0679d93fc63e5cf9cff72d54a8a6162e57"
TRAINING_MEMBER = "training.1600000.processed.noemoticon.csv"
MANUAL_MEMBER = "testdata.manual.2009.06.14.csv"
UNION_SEED = 2009
NLTK_PACKAGES = ("wordnet", "stopwords")
BUILD_REPORT = "PUBLIC_BUILD.json"

# sha256 of each file's content (decompressed for .gz) in the team's copy, measured on it.
SHARED_COPY_SHA256 = {
    "sentiment140/subset_100k_negative.txt.gz": "91305124952116f2a29e1b1024eb74f74f6bfdf566189ffed2f0bfa9b181a3b7",
    "sentiment140/subset_100k_positive.txt.gz": "9974fca006a8ba35d363f2444712b16479948ba2fc9613a2d42cdd143251769d",
    "sentiment140/training_sample_20k_original_format.csv.gz": (
        "a41c31bc15988dbefe7fcb29e36e36be50eb3b9dc555e5a4cd6f4df4877bf9a7"
    ),
    "sentiment140/random_union_102k.csv.gz": "028f7d9f8604ebf5d7797d0668929f62dff13ace2f2e38f181a009d433993a12",
    "sentiment140/testdata.manual.2009.06.14.csv": "c77669cc86ae85d3807d65fc13fed0c395266db518d4eaa0ff1f19bf6efbbdd3",
    "nltk_data/corpora/wordnet.zip": "1a928ef53abfe3d71ea2c8c30afbb4bfe09e76d56226e5154640cf4cc8a7e1fe",
    "nltk_data/corpora/stopwords.zip": "15c94179887425ca1bedc265608cab9f27d650211f709bb929e320990a4b01d1",
}


@dataclass(frozen=True)
class Sizes:
    """How many rows each slice takes (the defaults are the team's copy's; tests use small ones)."""

    subset: int = 50_000
    sample_head: int = 9_999
    sample_tail: int = 10_001
    union: int = 102_714


def content_sha256(path: Path) -> str:
    """sha256 of the file's content: decompressed for .gz, so gzip headers (names, times) do not count."""
    digest = hashlib.sha256()
    with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, destination: Path, expected_sha256: str) -> Path:
    """Fetch `url` to `destination`, which appears only once its sha256 is the expected one."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=destination.parent, delete=False) as partial:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                while block := response.read(1 << 20):
                    digest.update(block)
                    partial.write(block)
        except BaseException:
            Path(partial.name).unlink()
            raise
    if digest.hexdigest() != expected_sha256:
        Path(partial.name).unlink()
        raise ValueError(f"{url}: sha256 {digest.hexdigest()}, expected {expected_sha256}; nothing was kept")
    return Path(partial.name).replace(destination)


def verify(archive: Path, expected_sha256: str) -> None:
    actual = content_sha256(archive)  # a .zip: its bytes as they are
    if actual != expected_sha256:
        raise ValueError(f"{archive}: sha256 {actual}, expected {expected_sha256}; not the official archive")


def original_lines(archive: Path) -> list[bytes]:
    """The training file's rows as they are (latin-1 bytes), without line ends."""
    data = zipfile.ZipFile(archive).read(TRAINING_MEMBER)
    lines = [line.removesuffix(b"\r") for line in data.split(b"\n")]
    return lines[:-1] if lines and not lines[-1] else lines


def fields_of(line: bytes) -> list[str]:
    """The six columns of one original row: target, id, date, flag, user, text."""
    return next(csv.reader([line.decode("latin-1")]))


def _write_gzip(path: Path, data: bytes) -> None:
    # No name and no time in the header: the same rows give the same bytes.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(data)


def _text_lines(lines: list[bytes]) -> bytes:
    return "".join(fields_of(line)[5] + "\n" for line in lines).encode("utf-8")


def _union_csv(lines: list[bytes], size: int, seed: int) -> bytes:
    chosen = sorted(random.Random(seed).sample(range(len(lines)), size))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["target", "id", "date", "flag", "user", "text", "text_fidelity", "source"])
    for index in chosen:
        writer.writerow([*fields_of(lines[index]), "original", f"sentiment140 archive, seeded sample ({seed})"])
    return out.getvalue().encode("utf-8")


def derive_sentiment140(archive: Path, out: Path, sizes: Sizes = Sizes(), seed: int = UNION_SEED) -> None:
    """Write the sentiment140/ files from a verified archive."""
    folder = out / "sentiment140"
    folder.mkdir(parents=True, exist_ok=True)
    lines = original_lines(archive)
    needed = max(2 * sizes.subset, sizes.sample_head + sizes.sample_tail, sizes.union)
    if len(lines) < needed:
        raise ValueError(f"{archive}: {len(lines)} rows, fewer than the {needed} the slices take")
    _write_gzip(folder / "subset_100k_negative.txt.gz", _text_lines(lines[: sizes.subset]))
    _write_gzip(folder / "subset_100k_positive.txt.gz", _text_lines(lines[-sizes.subset :]))
    sample = lines[: sizes.sample_head] + lines[-sizes.sample_tail :]
    _write_gzip(folder / "training_sample_20k_original_format.csv.gz", b"\n".join(sample))
    _write_gzip(folder / "random_union_102k.csv.gz", _union_csv(lines, sizes.union, seed))
    (folder / MANUAL_MEMBER).write_bytes(zipfile.ZipFile(archive).read(MANUAL_MEMBER))


def download_nltk_data(out: Path, python: str = sys.executable) -> None:
    """WordNet and the stop words by NLTK's downloader (which checks them against its index's
    checksums), kept as the zips NLTK reads."""
    target = out / "nltk_data"
    subprocess.run([python, "-m", "nltk.downloader", "-q", "-e", "-d", str(target), *NLTK_PACKAGES], check=True)
    missing = [name for name in NLTK_PACKAGES if not (target / "corpora" / f"{name}.zip").is_file()]
    if missing:
        raise RuntimeError(f"NLTK's downloader did not fetch {', '.join(missing)} into {target}")


def report(out: Path) -> dict[str, dict[str, object]]:
    """Per file: its content sha256 and whether it is the team's copy's."""
    files = {}
    for name, shared in SHARED_COPY_SHA256.items():
        path = out / name
        if path.is_file():
            actual = content_sha256(path)
            files[name] = {"sha256": actual, "same_as_shared_copy": actual == shared}
    return files


def build(
    out: Path,
    archive: Path | None = None,
    archive_sha256: str = ARCHIVE_SHA256,
    sizes: Sizes = Sizes(),
    nltk_python: str | None = sys.executable,
) -> dict[str, object]:
    """Download (unless `archive` is given) and verify the archive, derive the files, fetch NLTK's
    data (unless `nltk_python` is None), and write BUILD_REPORT. Returns the report."""
    out.mkdir(parents=True, exist_ok=True)
    if archive is None:
        archive = download(ARCHIVE_URL, out / "downloads" / "trainingandtestdata.zip", archive_sha256)
    verify(archive, archive_sha256)
    derive_sentiment140(archive, out, sizes)
    if nltk_python is not None:
        download_nltk_data(out, nltk_python)
    summary: dict[str, object] = {
        "archive": {"url": ARCHIVE_URL, "sha256": archive_sha256},
        "sizes": asdict(sizes),
        "union_seed": UNION_SEED,
        "files": report(out),
    }
    (out / BUILD_REPORT).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the data folder to write (e.g. ../shared/data)")
    parser.add_argument("--archive", type=Path, help="a trainingandtestdata.zip already downloaded")
    parser.add_argument("--skip-nltk", action="store_true", help="do not fetch NLTK's WordNet and stop words")
    parser.add_argument("--nltk-python", default=sys.executable, help="a Python with nltk (default: this one)")
    args = parser.parse_args(argv)
    build(args.out, args.archive, nltk_python=None if args.skip_nltk else args.nltk_python)
    if args.archive is None:
        shutil.rmtree(args.out / "downloads", ignore_errors=True)
    for name, facts in report(args.out).items():
        print(f"{name}: {'same as' if facts['same_as_shared_copy'] else 'differs from'} the team's copy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
