"""A logging handler that keeps the records emitted before the exporter is ready, then hands them over.

It sits on the app's logger while Application Insights is configured in the background
(service/telemetry.py). Emitting never waits for the exporter: a record is appended to a bounded
list (beyond `capacity` it is counted in `dropped`, never blocking the request). `hand_over`
passes every kept record, oldest first and with its original timestamp, to the exporter's handler;
from then on the few records that still reach this handler go straight to it.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager


class EarlyRecordBuffer(logging.Handler):
    def __init__(self, capacity: int):
        super().__init__(level=logging.NOTSET)
        self.capacity = capacity
        self.dropped = 0
        self.kept = 0  # records held at some point, handed over or not
        self._pending: list[logging.LogRecord] = []
        self._target: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # logging.Handler.handle already holds self.lock around emit.
        if self._target is not None:
            self._target.handle(record)
        elif len(self._pending) < self.capacity:
            self._pending.append(record)
            self.kept += 1
        else:
            self.dropped += 1

    def _emit_lock(self) -> AbstractContextManager[object]:
        """The lock logging.Handler.handle holds around emit (created by Handler.__init__)."""
        lock = self.lock
        assert lock is not None
        return lock

    def pending(self) -> int:
        with self._emit_lock():
            return len(self._pending)

    def hand_over(self, target: logging.Handler) -> int:
        """Send the kept records to `target` in order, then forward new ones; how many were sent.

        Records are moved in batches outside the lock, so a request emitting meanwhile only
        appends; the target is switched on once the list is empty, which keeps the order."""
        sent = 0
        while True:
            with self._emit_lock():
                batch, self._pending = self._pending, []
                if not batch:
                    self._target = target
                    return sent
            for record in batch:
                target.handle(record)
            sent += len(batch)

    def discard(self) -> int:
        """Forget the kept records and ignore later ones (no exporter will come); how many."""
        with self._emit_lock():
            lost, self._pending = len(self._pending), []
            self._target = logging.NullHandler()
            return lost
