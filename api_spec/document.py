"""Build the OpenAPI 3.1 document from the live settings, so the limits it states are the real ones.

The request fields' schemas come from the rules the handlers check (service/request_fields.py), so
the document and the checks cannot disagree. Every schema a `$ref` names is a component of its
own: client generators resolve `#/components/schemas/<Name>` and nothing deeper. Tests check live
answers against these schemas (tests/integration/test_openapi_contract.py) and generate a client
from the served document (tests/integration/test_generated_client.py).
"""

from __future__ import annotations

from typing import Any

from service.request_fields import PredictionId, Probability, Sentiment, TextBatch, feedback_fields
from service.settings import Settings

# Answered by the local host (`python -m devhost`) before any function runs. In Azure the Functions
# host answers a malformed request or a connection flood itself, without this JSON. (A wrong method
# or an unknown path is answered by the app's catch-all function, catch_all/, on both hosts.)
LOCAL_HOST_ERROR_CODES = ["invalid_request", "too_many_connections"]
# Every code either side can send; tests/unit/test_error_codes_documented.py reads the source to keep it so.
ERROR_CODES = [
    "invalid_json",
    "missing_field",
    "invalid_field",
    "empty_text",
    "empty_batch",
    "text_too_long",
    "batch_too_large",
    "body_too_large",
    "length_required",
    "model_unavailable",
    "storage_unavailable",
    "not_found",
    "method_not_allowed",
    "internal_error",
    *LOCAL_HOST_ERROR_CODES,
]


def _error_response(description: str, retry_after: bool = False) -> dict[str, Any]:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    return response


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _request_schemas(s: Settings) -> dict[str, Any]:
    """The request bodies, from the same rules the handlers check; unknown fields are ignored."""
    batch = TextBatch.from_settings(s)
    feedback = {name: rule.schema() for name, rule in feedback_fields(s).items()}
    return {
        "PredictRequest": {
            "description": "Either one text or a batch of texts, never both.",
            "oneOf": [_ref("PredictTextRequest"), _ref("PredictTextsRequest")],
        },
        "PredictTextRequest": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": batch.item.schema()},
        },
        "PredictTextsRequest": {
            "type": "object",
            "required": ["texts"],
            "properties": {"texts": batch.schema()},
        },
        "FeedbackRequest": {
            "type": "object",
            "required": list(feedback),
            "properties": feedback,
        },
    }


def _schemas(s: Settings) -> dict[str, Any]:
    sentiment = Sentiment().schema()
    probability = Probability().schema()
    model_version = {
        "type": "string",
        "minLength": 1,
        "examples": ["fasttext_lstm@4"],
        "description": "`<model name>@<version>` of the model that answered.",
    }
    return {
        "Error": {
            "description": (
                "Every error answer: JSON, `Cache-Control: no-store`, `X-Content-Type-Options: "
                "nosniff`. "
                + ", ".join(f"`{c}`" for c in LOCAL_HOST_ERROR_CODES)
                + " come only from the local host (`python -m devhost`), not from Azure."
            ),
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
        },
        # Named on its own: client generators resolve references to components, not into them.
        "ErrorDetail": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "enum": ERROR_CODES},
                "message": {"type": "string", "minLength": 1},
            },
        },
        "Prediction": {
            "type": "object",
            "additionalProperties": False,
            "required": ["prediction_id", "sentiment", "label", "probability", "threshold", "model_version"],
            "properties": {
                "prediction_id": {"type": "string", "format": "uuid", "description": "Send it back with the feedback."},
                "sentiment": sentiment,
                "label": {"type": "integer", "enum": [0, 1], "description": "1 = positive."},
                "probability": {**probability, "description": "P(positive)."},
                "threshold": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "description": "positive when probability >= threshold.",
                },
                "model_version": model_version,
            },
        },
        "PredictionBatch": {
            "type": "object",
            "required": ["predictions", "model_version"],
            "additionalProperties": False,
            "properties": {
                "predictions": {"type": "array", "items": {"$ref": "#/components/schemas/Prediction"}},
                "model_version": model_version,
            },
        },
        "FeedbackStored": {
            "description": "What is stored (for a repeat: what was stored the first time).",
            "type": "object",
            "additionalProperties": False,
            "required": [
                "id",
                "prediction_id",
                "is_correct",
                "sentiment",
                "probability",
                "text",
                "model_version",
                "received_at",
            ],
            "properties": {
                "id": {"type": "string", "format": "uuid", "description": "The stored id (= prediction_id)."},
                "prediction_id": PredictionId().schema(),
                "is_correct": {"type": "boolean"},
                "sentiment": sentiment,
                "probability": probability,
                "text": {"type": "string"},
                "model_version": {"type": "string"},
                "received_at": {"type": "string", "format": "date-time", "description": "UTC, when first stored."},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {
                "status": {"type": "string", "enum": ["ok", "unavailable"]},
                "model_version": model_version,
                "threshold": {"type": "number"},
                "normalization_version": {"type": "string"},
                "limits": _ref("HealthLimits"),
                "error": _ref("ErrorDetail"),
            },
        },
        # Named on its own, like ErrorDetail: generators handle named schemas best.
        "HealthLimits": {
            "description": "The limits the service checks requests against.",
            "type": "object",
            "properties": {
                "max_text_chars": {"type": "integer"},
                "max_batch_size": {"type": "integer"},
                "max_body_bytes": {"type": "integer"},
            },
        },
        **_request_schemas(s),
    }


def _json_body(ref: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _json_answer(description: str, ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def build_openapi(settings: Settings, server_url: str = "/api") -> dict[str, Any]:
    limits = (
        f"Limits: text {settings.max_text_chars} characters, batch {settings.max_batch_size} texts, "
        f"body {settings.max_body_bytes} bytes."
    )
    bad_input = _error_response("Malformed JSON, a missing or wrongly typed field, or an empty text.")
    # Azure's Functions host forwards a body only when Content-Length > 0 (azure-functions-host#7930).
    length_required = _error_response(
        "No Content-Length: send the body with one (a chunked body is not supported; in Azure it would arrive empty)."
    )
    # Answered by the Functions host before the function runs; no body, so no schema.
    no_key = {
        "description": "No function key, or a wrong one (`x-functions-key` header or `code` query "
        "parameter). Sent by the Functions host with an empty body; the local host "
        "sends it only with REQUIRE_FUNCTION_KEYS=1."
    }
    too_large = _error_response(f"Over a limit. {limits}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tweet sentiment",
            "version": "1.0.0",
            "description": (
                "Predicts whether an English tweet is negative or positive and records whether "
                "users agree. In Azure, predict and feedback need a function key "
                "(`x-functions-key` header or `code` query parameter); without one the host "
                "answers an empty 401. Any other path under the prefix, or a method a path does "
                "not serve (HEAD included), gets the JSON `not_found` 404 or `method_not_allowed` "
                "405 with `Allow`. " + limits
            ),
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": _schemas(settings),
            "securitySchemes": {
                "functionKeyHeader": {"type": "apiKey", "in": "header", "name": "x-functions-key"},
                "functionKeyQuery": {"type": "apiKey", "in": "query", "name": "code"},
            },
        },
        "paths": {
            "/predict": {
                "post": {
                    "operationId": "predict",
                    "summary": 'Sentiment of one tweet ({"text"}) or of a batch ({"texts"}).',
                    "security": [{"functionKeyHeader": []}, {"functionKeyQuery": []}],
                    "requestBody": _json_body("PredictRequest"),
                    "responses": {
                        "200": {
                            "description": "One prediction, or a batch in the order sent.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/Prediction"},
                                            {"$ref": "#/components/schemas/PredictionBatch"},
                                        ]
                                    }
                                }
                            },
                        },
                        "400": bad_input,
                        "401": no_key,
                        "411": length_required,
                        "413": too_large,
                        "503": _error_response("The model is not loaded.", retry_after=True),
                    },
                }
            },
            "/feedback": {
                "post": {
                    "operationId": "feedback",
                    "summary": "Record whether a prediction was right (idempotent per prediction_id).",
                    "security": [{"functionKeyHeader": []}, {"functionKeyQuery": []}],
                    "requestBody": _json_body("FeedbackRequest"),
                    "responses": {
                        "201": _json_answer("Stored.", "FeedbackStored"),
                        "200": _json_answer("Already stored: nothing was duplicated.", "FeedbackStored"),
                        "400": bad_input,
                        "401": no_key,
                        "411": length_required,
                        "413": too_large,
                        "503": _error_response(
                            "Storage is unreachable; the feedback was written to telemetry. "
                            "Retry after Retry-After seconds.",
                            retry_after=True,
                        ),
                    },
                }
            },
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the model is loaded, its version and the request limits.",
                    "responses": {
                        "200": _json_answer("Ready.", "Health"),
                        "503": {
                            **_json_answer("The model is not loaded.", "Health"),
                            "headers": {"Retry-After": {"schema": {"type": "string"}}},
                        },
                    },
                }
            },
            "/ui": {
                "get": {
                    "operationId": "page",
                    "summary": "The page to try the model and give feedback (HTML; `?code=KEY` in Azure).",
                    "responses": {
                        "200": {"description": "The page.", "content": {"text/html": {}}},
                        "304": {"description": "Not modified (ETag)."},
                    },
                }
            },
            "/ui/assets/{name}": {
                "get": {
                    "operationId": "page_asset",
                    "summary": "The page's stylesheet, script and icon.",
                    "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "The file (CSS, JavaScript or SVG)."},
                        "304": {"description": "Not modified (ETag)."},
                        "404": _error_response("No such file."),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }
