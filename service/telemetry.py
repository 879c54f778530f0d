"""Structured traces: one call per event, a stable event name, a flat dictionary of dimensions.

Traces go through the standard `logging` module on the `tweet_sentiment` logger; the Azure
Monitor exporter (configured once per worker in `configure_telemetry`) ships them to Application
Insights, where `extra` becomes customDimensions. Telemetry never fails a request.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("tweet_sentiment")

PREDICTION_SERVED = "prediction_served"


def track(event: str, level: int = logging.INFO, **dimensions) -> None:
    """Emit one trace whose message is the event name."""
    try:
        logger.log(level, event, extra={"event": event, **dimensions})
    except Exception:
        pass
