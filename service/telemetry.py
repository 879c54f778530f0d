"""Structured traces: one call per event, a stable event name, a flat dictionary of dimensions.

Traces go through the standard `logging` module on the `tweet_sentiment` logger; the Azure
Monitor OpenTelemetry distro ships them to Application Insights as `traces` rows whose message is
the event name and whose customDimensions hold the dimensions plus `event`. The exporter sends
every dimension as a string, so KQL converts (`todouble(customDimensions.probability)`).
Telemetry never fails or blocks a request: records are batched and exported by a background thread.

Configuring the distro costs more than the whole cold start of the app (importing it alone takes
~0.5 s), so `start_telemetry` does it off the path to the first response (docs/operations.md,
"Telemetry start-up"): a background thread waits until the first response has been produced
(`request_answered`, called by every route) or START_AT_THE_LATEST_S, then configures the exporter.
Until then an EarlyRecordBuffer keeps the records, which are handed to the exporter once it is
ready; a process that exits first configures it on the way out and flushes, so nothing is lost.

The event names below are a contract with monitoring/*.kql and the alert rule: never rename one.
"""

from __future__ import annotations

import _thread
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.early_records import EarlyRecordBuffer

if TYPE_CHECKING:  # typing only: settings and azure-identity stay off the import path
    from azure.core.credentials import TokenCredential

    from service.settings import Settings

LOGGER_NAME = "tweet_sentiment"
logger = logging.getLogger(LOGGER_NAME)

# INFO, one per tweet scored: prediction_id, sentiment, probability, model_version, latency_ms, batch_size,
# and the drift signals named in predict/drift.py (unknown_word_share, token_count, truncated,
# normalization_version). Never the tweet's text.
PREDICTION_SERVED = "prediction_served"
# INFO, one per stored feedback, emitted by the request that claims it on the entity (the one that
# stored it, or the first retry after a write whose answer was lost): prediction_id, is_correct,
# sentiment, probability, model_version, text, received_at, claim ("won"; "unknown" when storage
# could not confirm the claim: a second trace of that prediction_id is then possible, see
# docs/operations.md).
FEEDBACK_STORED = "feedback_stored"
# WARNING, the same for a feedback with is_correct false (what the alert counts, per distinct
# prediction_id): prediction_id, text, sentiment, probability, model_version, received_at, claim.
PREDICTION_REJECTED = "prediction_rejected"
# INFO, a retry of feedback already stored (nothing written; it may carry the two above when the
# first store's were never emitted): prediction_id.
FEEDBACK_ALREADY_STORED = "feedback_already_stored"
# ERROR, storage unreachable: the FULL feedback (prediction_id, text, sentiment, probability,
# model_version, is_correct) and the reason, so it can be replayed from Application Insights.
FEEDBACK_STORAGE_FAILED = "feedback_storage_failed"
# INFO, once per worker when the exporter is ready: records_kept (emitted before, then sent),
# records_dropped (beyond EARLY_RECORD_CAPACITY), seconds_to_ready (since start_telemetry).
TELEMETRY_STARTED = "telemetry_started"
# WARNING, once per worker when the exporter cannot be configured (to the worker's own log only):
# reason, records_not_exported.
TELEMETRY_UNAVAILABLE = "telemetry_unavailable"
# INFO, once per worker when the model is loaded: model_version.
MODEL_LOADED = "model_loaded"
# ERROR, the model could not load (requests get 503 model_unavailable): model_dir, reason.
MODEL_LOAD_FAILED = "model_load_failed"
# ERROR with the stack trace (never shown to the caller): a bug answered 500; route (path only).
UNHANDLED_ERROR = "unhandled_error"
# ERROR with the stack trace: building an error answer failed; a fixed 500 went out instead.
ERROR_RESPONSE_FAILED = "error_response_failed"

# Records kept while the exporter starts (~1-2 s; at 1,650 requests/s that is ~3,300 records).
EARLY_RECORD_CAPACITY = 10_000
# The exporter starts this long after import at the latest, even if no request has been answered.
START_AT_THE_LATEST_S = 10.0
# After the first response, let it leave the worker (its event loop serialises and sends it)
# before the import competes with it for the interpreter lock.
AFTER_FIRST_RESPONSE_S = 0.05
# At exit with records still kept: how long configuring, then flushing, may delay the exit.
EXIT_CONFIGURE_TIMEOUT_S = 15.0
EXIT_FLUSH_TIMEOUT_MS = 10_000
# The distro attaches its LoggingHandler to this unused logger; we move it onto LOGGER_NAME once
# the kept records have been handed to it, so that no record is sent twice.
_EXPORTER_HANDOFF_LOGGER = f"{LOGGER_NAME}.exporter_handoff"
# The exporter polls its control plane (settings.sdk.monitor.azure.com) at start and hourly with
# `requests`, which the distro instruments: the poll would reach Application Insights as a
# dependency of this app, failed with an exception where egress is closed. Off unless set.
CONTROL_PLANE_SETTING = "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED"


@dataclass
class _Startup:
    settings: Settings
    buffer: EarlyRecordBuffer
    began: float = field(default_factory=time.monotonic)
    go: threading.Event = field(default_factory=threading.Event)  # answered, timed out or exiting
    ready: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)  # ready or given up
    exiting: bool = False


_start_lock = threading.Lock()
_startup: _Startup | None = None


def track(event: str, level: int = logging.INFO, **dimensions: Any) -> None:
    """Emit one trace whose message is the event name."""
    try:
        logger.log(level, event, extra={"event": event, **dimensions})
    except Exception:
        pass


def track_exception(event: str, **dimensions: Any) -> None:
    """Emit one ERROR trace with the exception being handled; a failure to log is ignored (the
    caller is answering an error and must not fail again)."""
    try:
        logger.exception(event, extra={"event": event, **dimensions})
    except Exception:
        pass


def telemetry_credential(settings: Settings) -> TokenCredential | None:
    """The Entra ID credential that signs ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), or None.

    Built from the same settings path as the storage credential. None means "pass no credential":
    an explicit credential=None would stop the exporter from reading that setting itself.
    """
    identity = getattr(settings, "appinsights_identity", None)
    if identity is None:
        return None
    from service.credentials import build_credential

    return build_credential(identity)


def start_telemetry(settings: Settings) -> bool:
    """Send this worker's traces to Application Insights, configured in the background; True when
    telemetry is on (a connection string is set). Once per process: later calls are no-ops."""
    global _startup
    if not getattr(settings, "appinsights_connection_string", ""):
        return False
    with _start_lock:
        if _startup is not None:
            return True
        # The exit path may configure the exporter, which imports concurrent.futures.thread; that
        # module cannot be imported for the first time once the interpreter is exiting (it
        # registers a threading exit hook at import). ~1 ms.
        import concurrent.futures.thread  # noqa: F401

        startup = _Startup(settings, EarlyRecordBuffer(EARLY_RECORD_CAPACITY))
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            # The Functions worker's root level may be WARNING; INFO events must still ship.
            logger.setLevel(logging.INFO)
        logger.addHandler(startup.buffer)
        _register_before_exit(_finish_before_exit)
        _startup = startup
        # Not threading.Thread: its start() waits until the new thread has run, a scheduling delay
        # on the cold path of a busy machine. Like a daemon thread, it does not hold up the exit.
        _thread.start_new_thread(_start_in_background, (startup,))
    return True


def request_answered() -> None:
    """A response has been produced: the first one lets the exporter start."""
    startup = _startup
    if startup is not None and not startup.go.is_set():
        startup.go.set()


def wait_until_started(timeout: float) -> bool:
    """Wait until the exporter is ready or has failed to start; True when ready (for tests and
    tools: requests never wait)."""
    startup = _startup
    return startup is not None and startup.done.wait(timeout) and startup.ready.is_set()


def _start_in_background(startup: _Startup) -> None:
    try:
        answered = startup.go.wait(START_AT_THE_LATEST_S)
        if answered and not startup.exiting:
            time.sleep(AFTER_FIRST_RESPONSE_S)
        if startup.exiting and startup.buffer.pending() == 0:
            return  # nothing to send: do not make the exit pay for the import
        _hand_over_to_exporter(startup, _configure_exporter(startup.settings))
        startup.ready.set()
        track(
            TELEMETRY_STARTED,
            records_kept=startup.buffer.kept,
            records_dropped=startup.buffer.dropped,
            seconds_to_ready=round(time.monotonic() - startup.began, 3),
        )
    except Exception as error:
        lost = startup.buffer.discard() + startup.buffer.dropped
        _remove_handler(startup.buffer)
        # The worker's own handlers (root logger) still see this, and saw every kept record.
        track(
            TELEMETRY_UNAVAILABLE, logging.WARNING, reason=f"{type(error).__name__}: {error}", records_not_exported=lost
        )
    finally:
        startup.done.set()


def _configure_exporter(settings: Settings) -> logging.Handler:
    """Configure the distro; its LoggingHandler, detached from any logger.

    `sampling_ratio=1.0` because the distro's default rate-limited sampler drops traces; live
    metrics are off (they open a second, long-polling channel that this app does not need)."""
    from azure.monitor.opentelemetry import configure_azure_monitor

    storage_dir = getattr(settings, "telemetry_storage_dir", "")
    credential = telemetry_credential(settings)  # Entra ID ingestion, when the settings name one
    os.environ.setdefault(CONTROL_PLANE_SETTING, "true")
    configure_azure_monitor(
        connection_string=settings.appinsights_connection_string,
        logger_name=_EXPORTER_HANDOFF_LOGGER,
        sampling_ratio=1.0,
        enable_live_metrics=False,
        **({"storage_directory": storage_dir} if storage_dir else {}),
        **({"credential": credential} if credential is not None else {}),
    )
    handoff = logging.getLogger(_EXPORTER_HANDOFF_LOGGER)
    handlers = list(handoff.handlers)
    if len(handlers) != 1:
        # The distro logs and swallows an ImportError of its logging pipeline.
        raise RuntimeError(f"the distro attached {len(handlers)} logging handlers, expected 1")
    handoff.removeHandler(handlers[0])
    return handlers[0]


def _hand_over_to_exporter(startup: _Startup, exporter_handler: logging.Handler) -> None:
    startup.buffer.hand_over(exporter_handler)
    # One list item assignment: a record being logged meanwhile reaches either the buffer (which
    # now forwards) or the exporter's handler, never both and never neither.
    handlers = logger.handlers
    handlers[handlers.index(startup.buffer)] = exporter_handler


def _remove_handler(handler: logging.Handler) -> None:
    if handler in logger.handlers:
        logger.removeHandler(handler)


def _finish_before_exit() -> None:
    """At exit, records still kept: configure now, hand them over and flush, within a bound."""
    startup = _startup
    if startup is None or startup.done.is_set():
        return  # ready (the SDK flushes at exit itself) or given up
    startup.exiting = True
    startup.go.set()
    startup.done.wait(EXIT_CONFIGURE_TIMEOUT_S)
    if startup.ready.is_set():
        from opentelemetry._logs import get_logger_provider

        provider = get_logger_provider()
        if hasattr(provider, "force_flush"):
            provider.force_flush(EXIT_FLUSH_TIMEOUT_MS)


def _register_before_exit(callback: Callable[[], None]) -> None:
    """Run `callback` when the interpreter starts to exit, before any atexit callback.

    The OpenTelemetry SDK shuts its providers down in atexit callbacks registered when they are
    created; an exit hook of ours registered earlier with atexit would run after them (last in,
    first out) and hand records to a provider already shut down. threading's own exit hooks run
    before atexit (CPython Lib/threading.py, `_shutdown`; concurrent.futures uses the same hook).
    """
    register = getattr(threading, "_register_atexit", None)
    if register is None:
        import atexit

        register = atexit.register
    register(callback)
