"""Feedback in Azure Table Storage (Azurite locally): one entity per prediction id, written once.

Keys. RowKey = the prediction id (lower-case UUID); PartitionKey = its first two hex digits.
- The id alone locates the entity, so "store once" is a point insert and "what is stored" a
  point read: the cheapest Table operations, and exactly what idempotency needs.
- Prediction ids are random (uuid4), so the 256 partitions share the load evenly; a date or
  model-version key would pile every write of a day or a release onto one hot partition.
- The cost: reading a time range (the feedback export) scans the table with a filter on
  `received_at`. That runs offline, never in a request, and feedback volumes are small.

Properties: is_correct (bool), sentiment, probability (double), text, model_version, received_at
(UTC datetime, millisecond precision so the 201 and 200 answers are identical), and the state of
the first-store telemetry: telemetry_sent (False when inserted; True once a request has claimed
the right to emit `feedback_stored` / `prediction_rejected`) and telemetry_claim (that request's
token). Entities written before these existed have neither and count as sent: the code of the
time traced them when it stored them. Why a claim, and what is emitted when storage fails
mid-claim: docs/operations.md, "Rejections reach the alert exactly once".

The SDK is imported on first use only: the predict cold path never pays for it. Its retries are
kept short (one retry, sub-second backoff, connection and read timeouts from settings) so an
unreachable storage becomes a 503 within seconds instead of holding the request.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from feedback.table_client import build_table_client
from feedback.validation import Feedback
from service.connections import StorageConnection

if TYPE_CHECKING:  # imported on first use at run time (see the module doc)
    from azure.data.tables import TableClient

    from service.settings import Settings

_RETRY = {"retry_total": 1, "retry_backoff_factor": 0.2, "retry_backoff_max": 1}
TELEMETRY_SENT = "telemetry_sent"
TELEMETRY_CLAIM = "telemetry_claim"


class StorageUnavailable(Exception):
    """The feedback could not be written or read; the message says why (for telemetry, not callers)."""


class StoredFeedback(NamedTuple):
    record: dict[str, Any]  # as the API answers it
    created: bool  # stored by this call (201), or found stored (200)
    telemetry_pending: bool  # no request has claimed its first-store telemetry yet
    # The entity version this call wrote or read: the claim is conditional on it. The service sends
    # one with every entity; the SDK's EntityMetadata types it Optional.
    etag: str | None


class Claim(Enum):
    """Outcome of claiming an entity's first-store telemetry."""

    WON = "won"  # this request set telemetry_sent: it emits
    TAKEN = "taken"  # another request set it: that one emits
    UNKNOWN = "unknown"  # storage did not say (unreachable, hung): the flag may or may not be set


def partition_key(prediction_id: str) -> str:
    return prediction_id[:2]


def utc_now() -> datetime:
    """Now in UTC, truncated to the millisecond (what is stored and answered)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def to_entity(feedback: Feedback, received_at: datetime) -> dict[str, Any]:
    return {
        "PartitionKey": partition_key(feedback.prediction_id),
        "RowKey": feedback.prediction_id,
        "is_correct": feedback.is_correct,
        "sentiment": feedback.sentiment,
        "probability": float(feedback.probability),  # an int would be stored as Edm.Int32
        "text": feedback.text,
        "model_version": feedback.model_version,
        "received_at": received_at,
        TELEMETRY_SENT: False,
    }


def to_record(entity: dict[str, Any]) -> dict[str, Any]:
    """The stored feedback as the API answers it (and as the export reads it)."""
    return {
        "id": entity["RowKey"],
        "prediction_id": entity["RowKey"],
        "is_correct": bool(entity["is_correct"]),
        "sentiment": entity["sentiment"],
        "probability": float(entity["probability"]),
        "text": entity["text"],
        "model_version": entity["model_version"],
        "received_at": format_time(entity["received_at"]),
    }


def _is_precondition_failed(error: Exception) -> bool:
    """412: the entity's etag no longer matches (the SDK raises ResourceModifiedError for the
    codes it knows, a plain HttpResponseError otherwise)."""
    return getattr(error, "status_code", None) == 412


def _reason(error: Exception) -> str:
    first_line = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}"[:500]


class FeedbackStore:
    """The feedback table of one storage account; safe to share between threads of a worker."""

    def __init__(self, connection: StorageConnection | str, table_name: str, timeout_seconds: float):
        # A bare string is a connection string (the export's --connection-string, tests on Azurite).
        self.connection = StorageConnection(connection_string=connection) if isinstance(connection, str) else connection
        self.table_name = table_name
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._client: TableClient | None = None
        self._table_ready = False

    def _table(self) -> TableClient:
        """The TableClient, the table created on first success (retried after a failure)."""
        if not self.connection.configured:
            raise StorageUnavailable(
                "no feedback storage is configured (FEEDBACK_STORAGE_CONNECTION_STRING, "
                "FEEDBACK_STORAGE__accountName or AzureWebJobsStorage)"
            )
        with self._lock:
            if self._client is None:
                self._client = build_table_client(
                    self.connection,
                    self.table_name,
                    connection_timeout=self.timeout_seconds,
                    read_timeout=self.timeout_seconds,
                    **_RETRY,
                )
            if not self._table_ready:
                from azure.core.exceptions import ResourceExistsError

                try:
                    self._client.create_table()
                except ResourceExistsError:
                    pass
                self._table_ready = True
            return self._client

    def _insert(self, entity: dict[str, Any]) -> dict[str, Any]:
        """The service's metadata of the inserted entity (its etag)."""
        from azure.core.exceptions import ResourceNotFoundError

        try:
            return self._table().create_entity(entity)
        except ResourceNotFoundError:  # the table was deleted since this worker created it
            with self._lock:
                self._table_ready = False
            return self._table().create_entity(entity)

    def add(self, feedback: Feedback, received_at: datetime) -> StoredFeedback:
        """Store the feedback unless its prediction id is stored already.

        The record is the stored one: the first time, this feedback (created True); afterwards the
        feedback stored earlier (created False): a retry never duplicates nor overwrites. A found
        entity may still have its first-store telemetry pending: stored by a request that never
        saw the answer (storage hung, then completed the write). Raises StorageUnavailable.
        """
        entity = to_entity(feedback, received_at)
        with _unavailable_on_error():
            from azure.core.exceptions import ResourceExistsError

            try:
                written = self._insert(entity)
                return StoredFeedback(to_record(entity), True, True, written["etag"])
            except ResourceExistsError:
                found = self._table().get_entity(entity["PartitionKey"], entity["RowKey"])
                return StoredFeedback(
                    to_record(found), False, found.get(TELEMETRY_SENT) is False, found.metadata["etag"]
                )

    def claim_first_store_telemetry(self, stored: StoredFeedback) -> Claim:
        """Set telemetry_sent on the entity unless another request has: of any number of
        concurrent claimers exactly one is told WON. Never raises.

        The merge is conditional on the etag that `add` wrote or read (If-Match: a 412 when the
        entity changed since). It carries a token of this call, so that a 412 caused by this
        call's own merge (applied, then answered 500/503/504, and sent again by the SDK's retry,
        which retries PATCH on those codes: azure-core pipeline/policies/_retry.py,
        `_is_method_retryable`) is recognised as a win, not as another claimer's.
        """
        token = uuid.uuid4().hex
        keys = {"PartitionKey": partition_key(stored.record["prediction_id"]), "RowKey": stored.record["prediction_id"]}
        etag = stored.etag
        for _ in range(2):  # a second round only if the entity changed without being claimed
            try:
                self._merge_if_unchanged({**keys, TELEMETRY_SENT: True, TELEMETRY_CLAIM: token}, etag)
                return Claim.WON
            except Exception as error:
                if not _is_precondition_failed(error):
                    return Claim.UNKNOWN
            try:
                current = self._table().get_entity(keys["PartitionKey"], keys["RowKey"])
            except Exception:
                return Claim.UNKNOWN
            if current.get(TELEMETRY_CLAIM) == token:
                return Claim.WON
            if current.get(TELEMETRY_SENT) is not False:
                return Claim.TAKEN
            etag = current.metadata["etag"]
        return Claim.UNKNOWN

    def _merge_if_unchanged(self, properties: dict[str, Any], etag: str | None) -> None:
        from azure.core import MatchConditions
        from azure.data.tables import UpdateMode

        self._table().update_entity(
            properties, mode=UpdateMode.MERGE, etag=etag, match_condition=MatchConditions.IfNotModified
        )

    @contextmanager
    def operator_session(self) -> Iterator[Any]:
        """The TableClient for operator tools (feedback-delete), storage errors as StorageUnavailable."""
        with _unavailable_on_error():
            yield self._table()

    def received_between(self, since: datetime, until: datetime) -> Iterator[dict[str, Any]]:
        """Every record with since <= received_at < until (a filtered scan; see the module doc)."""
        with _unavailable_on_error():
            entities = self._table().query_entities(
                "received_at ge @since and received_at lt @until",
                parameters={"since": since.astimezone(UTC), "until": until.astimezone(UTC)},
            )
            for entity in entities:
                yield to_record(entity)


@contextmanager
def _unavailable_on_error() -> Iterator[None]:
    """Any failure of the storage path (the SDK's errors, the network, a malformed connection
    string) becomes StorageUnavailable: the caller answers 503 and keeps the feedback in telemetry."""
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as error:
        raise StorageUnavailable(_reason(error)) from error


_store_lock = threading.Lock()
_store: FeedbackStore | None = None


def get_feedback_store(settings: Settings) -> FeedbackStore:
    """The store of this worker, built from settings on first use and shared by every request."""
    global _store
    with _store_lock:
        if _store is None:
            _store = FeedbackStore(settings.feedback_storage, settings.feedback_table, settings.storage_timeout_seconds)
        return _store


def reset_feedback_store() -> None:
    """Forget the store (tests change the settings)."""
    global _store
    with _store_lock:
        _store = None
