"""EarlyRecordBuffer: records kept before the exporter is ready are handed over in order; none
is sent twice; beyond its capacity records are counted, not kept."""

import logging

from service.early_records import EarlyRecordBuffer


class Collected(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("tweet_sentiment", logging.INFO, __file__, 1, message, None, None)


def test_kept_records_are_handed_over_in_order_then_new_ones_forwarded():
    buffer, exporter = EarlyRecordBuffer(capacity=10), Collected()
    for message in ("model_loaded", "prediction_served"):
        buffer.handle(record(message))
    assert exporter.messages == [] and buffer.pending() == 2
    assert buffer.hand_over(exporter) == 2
    buffer.handle(record("feedback_stored"))
    assert exporter.messages == ["model_loaded", "prediction_served", "feedback_stored"]
    assert (buffer.kept, buffer.dropped, buffer.pending()) == (2, 0, 0)


def test_records_beyond_the_capacity_are_counted_as_dropped():
    buffer, exporter = EarlyRecordBuffer(capacity=2), Collected()
    for i in range(5):
        buffer.handle(record(f"event {i}"))
    assert (buffer.kept, buffer.dropped) == (2, 3)
    buffer.hand_over(exporter)
    assert exporter.messages == ["event 0", "event 1"]


def test_discarded_records_are_counted_and_later_ones_ignored():
    buffer = EarlyRecordBuffer(capacity=10)
    buffer.handle(record("prediction_served"))
    assert buffer.discard() == 1
    buffer.handle(record("feedback_stored"))
    assert buffer.pending() == 0
