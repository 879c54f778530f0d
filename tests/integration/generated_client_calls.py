"""Calls the local API through a client generated from its OpenAPI document.

Run by tests/integration/test_generated_client.py with the client venv's Python (which has httpx):
    python generated_client_calls.py <folder holding tweet_sentiment_client> <base URL ending in /api>
Prints one JSON object: for each call, the status, the type the client parsed the answer into, and
that object written back with the client's own `to_dict`.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def answered(response: Any) -> dict[str, Any]:
    parsed = response.parsed
    return {
        "status": int(response.status_code),
        "type": type(parsed).__name__,
        "body": parsed.to_dict() if hasattr(parsed, "to_dict") else parsed,
    }


def main(package_parent: str, base_url: str) -> dict[str, Any]:
    sys.path.insert(0, package_parent)
    from tweet_sentiment_client import AuthenticatedClient, Client
    from tweet_sentiment_client.api.default import feedback, health, predict
    from tweet_sentiment_client.models import (
        FeedbackRequest,
        FeedbackRequestSentiment,
        PredictTextRequest,
        PredictTextsRequest,
    )

    # In Azure the key goes in x-functions-key; the local host (like `func start`) checks none.
    keyed = AuthenticatedClient(
        base_url=base_url,
        token="unused-locally",
        prefix="",
        auth_header_name="x-functions-key",
        raise_on_unexpected_status=True,
    )
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)

    one = predict.sync_detailed(client=keyed, body=PredictTextRequest(text="lost my bag again, worst airline"))
    batch = predict.sync_detailed(
        client=keyed, body=PredictTextsRequest(texts=["Thanks for the upgrade, lovely crew!", "lost my bag again :("])
    )
    prediction = one.parsed
    verdict = FeedbackRequest(
        prediction_id=prediction.prediction_id,
        text="lost my bag again, worst airline",
        sentiment=FeedbackRequestSentiment(prediction.sentiment.value),
        probability=prediction.probability,
        model_version=prediction.model_version,
        is_correct=False,
    )
    first = feedback.sync_detailed(client=keyed, body=verdict)
    again = feedback.sync_detailed(client=keyed, body=verdict)
    empty = predict.sync_detailed(client=keyed, body=PredictTextRequest(text=" "))
    too_long = predict.sync_detailed(client=keyed, body=PredictTextsRequest(texts=["a"] * 101))
    ready = health.sync_detailed(client=anonymous)
    return {
        "single": answered(one),
        "batch": answered(batch),
        "feedback_first": answered(first),
        "feedback_again": answered(again),
        "empty_text": answered(empty),
        "batch_too_large": answered(too_long),
        "health": answered(ready),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
