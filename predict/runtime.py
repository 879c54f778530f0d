"""The model of this worker: loaded once, on first use, and shared by every request."""

from __future__ import annotations

import logging
import threading

from predict.model import SentimentModel, load_model_artifact
from service import errors
from service.settings import get_settings
from service.telemetry import MODEL_LOAD_FAILED, MODEL_LOADED, track

_lock = threading.Lock()
_model: SentimentModel | None = None


def get_model() -> SentimentModel:
    """The loaded model, or ApiError 503 `model_unavailable` (logged) when it cannot load."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            settings = get_settings()
            try:
                _model = load_model_artifact(settings.model_dir, settings.onnx_threads)
            except Exception as error:
                track(MODEL_LOAD_FAILED, logging.ERROR, model_dir=str(settings.model_dir), reason=str(error))
                raise errors.model_unavailable(settings.retry_after_seconds) from None
            track(MODEL_LOADED, model_version=_model.version)
    return _model


def reset_model() -> None:
    """Forget the loaded model (tests switch MODEL_DIR)."""
    global _model
    with _lock:
        _model = None
