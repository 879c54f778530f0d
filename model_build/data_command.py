"""`data`: load every source, build the splits and print what the models would train on."""

from __future__ import annotations

import argparse
import json

from model_build import train


def register(subparsers) -> None:
    parser = subparsers.add_parser("data", help="build the splits and describe them (no training)")
    train.add_data_options(parser)
    parser.set_defaults(handler=describe_data)


def describe_data(args: argparse.Namespace) -> int:
    splits = train.SplitSettings.from_args(args).build()
    print(json.dumps(splits.description, indent=2))
    for name, frame in {"train": splits.train, **splits.named()}.items():
        print(f"{name:<10} rows {len(frame):>7}  positive share {frame['label'].mean():.3f}")
    return 0
