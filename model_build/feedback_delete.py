"""`feedback-delete`: remove stored feedback (one person's tweets, or everything past retention).

    python -m model_build feedback-delete --prediction-id 0f8fad5b-d9cb-469f-a165-70867728950e
    python -m model_build feedback-delete --text-contains "@jane_doe" --dry-run
    python -m model_build feedback-delete --older-than 180          # the retention rule

Exactly one way of choosing per run, so a combination never deletes more than meant:
--prediction-id (repeatable; a point delete each), --text-contains (a case-insensitive substring
of the tweet: a handle, a name, a booking reference; Table Storage has no substring filter, so the
table is scanned), or --older-than DAYS (received_at before now - DAYS, filtered by the service).
--dry-run lists what would go and deletes nothing. The same storage options as feedback-export
(model_build/feedback_table.py). Prints a JSON summary; needs azure-data-tables only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from model_build.feedback_table import add_storage_options, open_feedback_store

KEYS_AND_MATCH_FIELDS = ["PartitionKey", "RowKey", "text", "received_at"]


@dataclass
class Deletion:
    criterion: str
    dry_run: bool
    table: str
    matched: list[dict] = field(default_factory=list)  # prediction_id, received_at, text
    deleted: int = 0


def _listing(entity: dict) -> dict:
    received = entity.get("received_at")
    return {
        "prediction_id": entity["RowKey"],
        "text": entity.get("text", ""),
        "received_at": received.astimezone(UTC).isoformat() if isinstance(received, datetime) else received,
    }


def by_prediction_ids(client, prediction_ids: list[str]) -> Iterator[dict]:
    from azure.core.exceptions import ResourceNotFoundError

    from feedback.store import partition_key

    for prediction_id in dict.fromkeys(i.strip().lower() for i in prediction_ids):
        try:
            yield client.get_entity(partition_key(prediction_id), prediction_id, select=KEYS_AND_MATCH_FIELDS)
        except ResourceNotFoundError:
            continue


def by_text(client, fragment: str) -> Iterator[dict]:
    needle = fragment.casefold()
    for entity in client.list_entities(select=KEYS_AND_MATCH_FIELDS):
        if needle in str(entity.get("text", "")).casefold():
            yield entity


def received_before(client, cutoff: datetime) -> Iterator[dict]:
    yield from client.query_entities(
        "received_at lt @cutoff", parameters={"cutoff": cutoff}, select=KEYS_AND_MATCH_FIELDS
    )


def delete_feedback(client, entities: Iterator[dict], criterion: str, table: str, dry_run: bool) -> Deletion:
    """Delete (unless dry_run) every entity given; matches are listed first, then deleted."""
    result = Deletion(criterion=criterion, dry_run=dry_run, table=table)
    matched = list(entities)  # read everything before deleting: no deletion under a running scan
    result.matched = [_listing(e) for e in matched]
    if not dry_run:
        for entity in matched:
            client.delete_entity(entity["PartitionKey"], entity["RowKey"])
            result.deleted += 1
    return result


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "feedback-delete",
        help="delete stored feedback by prediction id, text or age",
        description=__doc__.splitlines()[0],
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--prediction-id",
        action="append",
        default=None,
        metavar="ID",
        help="the prediction id of a feedback to delete (repeatable)",
    )
    which.add_argument(
        "--text-contains",
        default=None,
        metavar="TEXT",
        help="delete every feedback whose tweet contains TEXT (case-insensitive)",
    )
    which.add_argument(
        "--older-than",
        type=_positive_days,
        default=None,
        metavar="DAYS",
        help="delete every feedback received more than DAYS days ago (retention)",
    )
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    add_storage_options(parser)
    parser.set_defaults(handler=run)
    return parser


register = add_parser


def _positive_days(value: str) -> float:
    try:
        days = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}") from None
    if not days > 0:
        raise argparse.ArgumentTypeError("--older-than needs a positive number of days")
    return days


def run(args: argparse.Namespace, now: datetime | None = None) -> int:
    from feedback.store import StorageUnavailable

    if args.text_contains is not None and not args.text_contains.strip():
        print("--text-contains needs a non-blank text (an empty one would match every feedback)", file=sys.stderr)
        return 2
    store = open_feedback_store(args)
    if store is None:
        return 2
    try:
        with store.operator_session() as client:
            if args.prediction_id:
                entities, criterion = (
                    by_prediction_ids(client, args.prediction_id),
                    f"prediction_id in {sorted(set(args.prediction_id))}",
                )
            elif args.text_contains is not None:
                entities, criterion = by_text(client, args.text_contains), f"text contains {args.text_contains!r}"
            else:
                cutoff = (now or datetime.now(UTC)) - timedelta(days=args.older_than)
                entities, criterion = received_before(client, cutoff), f"received_at < {cutoff.isoformat()}"
            result = delete_feedback(client, entities, criterion, store.table_name, args.dry_run)
    except StorageUnavailable as error:
        print(f"feedback storage unreachable: {error}", file=sys.stderr)
        return 1
    print(json.dumps({**asdict(result), "matched_count": len(result.matched)}, indent=2, ensure_ascii=False))
    return 0
