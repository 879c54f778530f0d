"""Route: POST /api/feedback (contract in DESIGN.md; schema in api_spec/document.py)."""

from __future__ import annotations

import azure.functions as func

from feedback.recording import record_feedback
from feedback.store import get_feedback_store
from feedback.validation import parse_feedback
from service.http import json_endpoint, json_response, read_json_object
from service.settings import get_settings

bp = func.Blueprint()


@bp.route(route="feedback", methods=["POST"])
@json_endpoint
def feedback(req: func.HttpRequest) -> func.HttpResponse:
    """201 with the stored feedback, 200 with what was stored before for a repeated prediction_id."""
    settings = get_settings()
    parsed = parse_feedback(read_json_object(req, settings.max_body_bytes), settings)
    record, created = record_feedback(parsed, get_feedback_store(settings), settings.retry_after_seconds)
    return json_response(record, status=201 if created else 200)
