"""Structured traces: one call per event, a stable event name, a flat dictionary of dimensions.

Traces go through the standard `logging` module on the `tweet_sentiment` logger; the Azure
Monitor OpenTelemetry distro (configured once per worker in `configure_telemetry`) ships them to
Application Insights as `traces` rows whose message is the event name and whose customDimensions
hold the dimensions plus `event`. The exporter sends every dimension as a string, so KQL converts
(`todouble(customDimensions.probability)`). Telemetry never fails or blocks a request: records are
batched and exported by a background thread.

The event names below are a contract with monitoring/*.kql and the alert rule: never rename one.
"""

from __future__ import annotations

import logging
import threading

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

_configure_lock = threading.Lock()
_configured = False


def track(event: str, level: int = logging.INFO, **dimensions) -> None:
    """Emit one trace whose message is the event name."""
    try:
        logger.log(level, event, extra={"event": event, **dimensions})
    except Exception:
        pass


def telemetry_credential(settings):
    """The Entra ID credential that signs ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), or None.

    Built from the same settings path as the storage credential. None means "pass no credential":
    an explicit credential=None would stop the exporter from reading that setting itself.
    """
    identity = getattr(settings, "appinsights_identity", None)
    if identity is None:
        return None
    from service.credentials import build_credential

    return build_credential(identity)


def configure_telemetry(settings) -> bool:
    """Send this worker's traces to Application Insights; True when the exporter is configured.

    Once per worker (later calls are no-ops), off without a connection string, and never raises:
    a broken exporter must not stop the app from serving. `sampling_ratio=1.0` because the
    distro's default rate-limited sampler drops traces; live metrics are off (they open a second,
    long-polling channel that this app does not need).
    """
    global _configured
    connection_string = getattr(settings, "appinsights_connection_string", "")
    if not connection_string:
        return False
    with _configure_lock:
        if _configured:
            return True
        try:
            from azure.monitor.opentelemetry import configure_azure_monitor

            storage_dir = getattr(settings, "telemetry_storage_dir", "")
            credential = telemetry_credential(settings)
            configure_azure_monitor(
                connection_string=connection_string,
                logger_name=LOGGER_NAME,
                sampling_ratio=1.0,
                enable_live_metrics=False,
                **({"storage_directory": storage_dir} if storage_dir else {}),
                **({"credential": credential} if credential is not None else {}),
            )
            if logger.level == logging.NOTSET or logger.level > logging.INFO:
                # The Functions worker's root level may be WARNING; INFO events must still ship.
                logger.setLevel(logging.INFO)
            _configured = True
        except Exception as error:
            logger.warning("telemetry_unavailable", extra={"event": "telemetry_unavailable",
                                                           "reason": f"{type(error).__name__}: {error}"})
        return _configured
