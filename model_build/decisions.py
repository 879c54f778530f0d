"""The decision file: what people and commands record about an artefact after `export`.

    python -m model_build split-card onnx_models/fasttext_lstm    # move a card's records into decisions.json

`export` writes `model_card.json` once, from the run, and never touches the decision file beside
it. The card names that file (`"decisions": "decisions.json"`); the records in it (the release
decision, the `assess` results, the candidates not shipped, the normalisation history) are read
by `report`, `docgen.headline` and `retrain`, never by serving.

`split-card` migrates a card written before this split (records inside the card). It is
idempotent: run twice, the second run changes nothing. A record found in the card replaces the
same record in an existing decision file (the card's copy is the one edited last); records only
in the decision file stay.
"""

from __future__ import annotations

import json
from pathlib import Path

CARD_FILE = "model_card.json"
DECISIONS_FILE = "decisions.json"
# Written after export by people or commands; they live in the decision file, never in the card.
DECISION_KEYS = ("decision", "assessment", "candidates_not_shipped", "normalization_history")


class CardNotSplitError(RuntimeError):
    """A card still holds decision records: `split-card` has not been run on its folder."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "split-card", help="move the decision records of a model card into the decision file it names"
    )
    parser.add_argument("artefact_dir", type=Path, help="folder holding model_card.json")
    parser.set_defaults(handler=split_card_from_args)


def split_card_from_args(args) -> int:
    moved = split_card(args.artefact_dir)
    where = Path(args.artefact_dir) / DECISIONS_FILE
    print(f"{where}: {', '.join(moved) if moved else 'nothing to move (already split)'}")
    return 0


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def decisions_path(artefact_dir: Path, card: dict) -> Path:
    return Path(artefact_dir) / card.get("decisions", DECISIONS_FILE)


def read_decisions(card_path: Path) -> dict:
    """The decision records of the card at `card_path` ({} when its folder has none yet)."""
    card_path = Path(card_path)
    card = _read_json(card_path)
    left = [k for k in DECISION_KEYS if k in card]
    if left:
        raise CardNotSplitError(
            f"{card_path} still holds {', '.join(left)}: run `python -m model_build split-card {card_path.parent}`"
        )
    path = decisions_path(card_path.parent, card)
    return _read_json(path) if path.is_file() else {}


def write_decisions(artefact_dir: Path, records: dict) -> Path:
    """Add `records` to the folder's decision file (other records stay)."""
    card = _read_json(Path(artefact_dir) / CARD_FILE)
    path = decisions_path(artefact_dir, card)
    _write_json({**(_read_json(path) if path.is_file() else {}), **records}, path)
    return path


def split_card(artefact_dir: Path) -> list[str]:
    """Move the card's decision records into its decision file; return the keys moved."""
    card_path = Path(artefact_dir) / CARD_FILE
    card = _read_json(card_path)
    moved = {k: card.pop(k) for k in DECISION_KEYS if k in card}
    if card.get("decisions") != DECISIONS_FILE:
        card["decisions"] = DECISIONS_FILE
    elif not moved:
        return []
    path = decisions_path(artefact_dir, card)
    previous = _read_json(path) if path.is_file() else {}
    # the records in the order of DECISION_KEYS, then anything else the file held
    records = {k: moved.get(k, previous.get(k)) for k in DECISION_KEYS if k in moved or k in previous}
    records.update({k: v for k, v in previous.items() if k not in records})
    _write_json(records, path)
    _write_json(card, card_path)
    return list(moved)
