"""Routes: POST /api/predict, GET /api/health."""

from __future__ import annotations

import time

import azure.functions as func

from predict.normalize import NORMALIZATION_VERSION
from predict.runtime import get_model
from predict.scoring import parse_predict_request, predict_texts
from service.errors import ApiError
from service.http import json_endpoint, json_response, read_json_object
from service.settings import get_settings
from service.telemetry import PREDICTION_SERVED, track

bp = func.Blueprint()


@bp.route(route="predict", methods=["POST"])
@json_endpoint
def predict(req: func.HttpRequest) -> func.HttpResponse:
    started = time.perf_counter()
    settings = get_settings()
    texts, is_batch = parse_predict_request(read_json_object(req, settings.max_body_bytes), settings)
    model = get_model()
    records, drift = predict_texts(model, texts)
    latency_ms = round((time.perf_counter() - started) * 1000, 3)
    for record, drift_dimensions in zip(records, drift.dimensions(), strict=True):
        track(
            PREDICTION_SERVED,
            prediction_id=record["prediction_id"],
            sentiment=record["sentiment"],
            probability=record["probability"],
            model_version=record["model_version"],
            latency_ms=latency_ms,
            batch_size=len(records),
            **drift_dimensions,
        )
    if is_batch:
        return json_response({"predictions": records, "model_version": model.version})
    return json_response(records[0])


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@json_endpoint
def health(req: func.HttpRequest) -> func.HttpResponse:
    settings = get_settings()
    try:
        model = get_model()
    except ApiError as error:
        return json_response({"status": "unavailable", **error.to_json()}, status=503, headers=error.headers)
    return json_response(
        {
            "status": "ok",
            "model_version": model.version,
            "threshold": model.threshold,
            "normalization_version": NORMALIZATION_VERSION,
            "limits": {
                "max_text_chars": settings.max_text_chars,
                "max_batch_size": settings.max_batch_size,
                "max_body_bytes": settings.max_body_bytes,
            },
        }
    )
