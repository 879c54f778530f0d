"""Prediction without HTTP: validated texts in, prediction records out."""

from __future__ import annotations

import os
import uuid
from typing import Any

from predict.drift import DriftSignals
from predict.model import SentimentModel
from service import errors
from service.request_fields import SENTIMENTS, TextBatch
from service.settings import Settings


def parse_predict_request(payload: dict[str, Any], settings: Settings) -> tuple[list[str], bool]:
    """The texts to score and whether the caller asked for a batch (rules: service/request_fields.py)."""
    batch = TextBatch.from_settings(settings)
    has_text, has_texts = "text" in payload, "texts" in payload
    if has_text and has_texts:
        raise errors.invalid_field("Send either 'text' or 'texts', not both.")
    if has_text:
        return [batch.item.check(payload["text"], "text")], False
    if not has_texts:
        raise errors.missing_field('Send {"text": "..."} or {"texts": ["...", ...]}.')
    return batch.check(payload["texts"], "texts"), True


def _prediction_ids(count: int) -> list[str]:
    """`count` random UUID4 strings from one read of the OS's random source (uuid.uuid4 reads
    16 bytes per call)."""
    random = os.urandom(16 * count)
    return [str(uuid.UUID(bytes=random[i : i + 16], version=4)) for i in range(0, 16 * count, 16)]


def predict_texts(model: SentimentModel, texts: list[str]) -> tuple[list[dict[str, Any]], DriftSignals]:
    """One prediction record per text, in order, each with a fresh prediction id; and the texts'
    drift signals, for telemetry only (they are not part of the answer)."""
    threshold = model.threshold
    probabilities, drift = model.score(texts)
    records = []
    for probability, prediction_id in zip(probabilities.tolist(), _prediction_ids(len(texts)), strict=True):
        p = round(probability, 6)
        label = int(p >= threshold)
        records.append(
            {
                "prediction_id": prediction_id,
                "sentiment": SENTIMENTS[label],
                "label": label,
                "probability": p,
                "threshold": threshold,
                "model_version": model.version,
            }
        )
    return records, drift
