"""The typed settings the training commands read: the command line is read once, at the entry
function, into `SplitSettings` (every command with the data options) and distill's
`ScoringSettings`; everything below them takes those, never the argparse Namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from model_build import augment, cli, data, distill
from model_build.train import SplitSettings

# A command line of each command that takes the data options, with nothing else about the data.
COMMANDS = {
    "data": ["data"],
    "train": ["train", "simple"],
    "distill": ["distill", "--teacher-run", "abc"],
    "retrain": ["retrain"],
    "assess": ["assess", "onnx_models/fasttext_lstm"],
    "robustness": ["robustness", "onnx_models/fasttext_lstm"],
}
DATA_OPTIONS = [
    "--data-dir", "some/dir", "--original-format-file", "full.csv", "--seed", "7", "--test-rows", "10",
    "--validation-rows", "5", "--train-limit", "100", "--extra-data", "a.csv", "--extra-data", "b.csv",
]  # fmt: skip


def parse(argv: list[str]):
    return cli.build_parser().parse_args(argv)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_defaults_are_the_command_lines(command):
    assert SplitSettings.from_args(parse(COMMANDS[command])) == SplitSettings()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_data_option_is_read(command):
    settings = SplitSettings.from_args(parse(COMMANDS[command] + DATA_OPTIONS))
    assert settings == SplitSettings(
        data_dir=Path("some/dir"),
        seed=7,
        test_rows=10,
        validation_rows=5,
        train_limit=100,
        original_format_file=Path("full.csv"),
        extra_files=(Path("a.csv"), Path("b.csv")),
    )


def test_build_is_build_splits_with_the_same_settings(data_dir):
    settings = SplitSettings(data_dir=data_dir, seed=3, test_rows=500, validation_rows=200, train_limit=300)
    built = settings.build()
    direct = data.build_splits(data_dir, seed=3, test_rows=500, validation_rows=200, train_limit=300)
    assert built.description == direct.description
    for name in ("train", "validation", "test", "manual"):
        assert getattr(built, name)["text"].tolist() == getattr(direct, name)["text"].tolist()


def test_distill_scoring_settings_read_the_command_line_once():
    args = parse(
        ["distill", "--teacher-run", "abc", "--seed", "5", "--transfer-rows", "50", "--augment-copies", "2"]
        + ["--output-dir", "out", "--tracking-uri", "sqlite:///x.db"]
    )
    settings = distill.ScoringSettings.from_args(args, "f" * 32)
    assert settings == distill.ScoringSettings(
        teacher_run_id="f" * 32,
        tracking_uri="sqlite:///x.db",
        output_dir=Path("out"),
        transfer_rows=50,
        augment=augment.AugmentSettings(copies=2, seed=5),
        seed=5,
    )
    assert settings.cache == distill.cache_path(Path("out"), "f" * 32)
    assert settings.augmented_cache == distill.augmented_cache_path(Path("out"), "f" * 32)
