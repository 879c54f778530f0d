"""Feedback for local retraining runs, posted through the service's own HTTP API.

There is no real user here, so the tweets are synthetic: airline complaints and praise built from
phrases in post-2009 words and emoji ("mid", "ghosted", "no cap", 💀), each with the label its
author meant. Each is sent to POST /api/predict, then the "user" answers POST /api/feedback with
is_correct = (the served sentiment is the meant one), exactly as a front-end would. Used by
`make retrain-local` (scripts/retrain_local.py) and tests/training/test_retrain.py; never by Azure.
"""

from __future__ import annotations

import random

NEGATIVE = [
    "my flight got delayed {n} hours",
    "they lost my bag again",
    "the app crashed at check-in",
    "the wifi was mid the whole flight",
    "the gate agent ghosted us",
    "my seat was broken",
    "rebooked me onto a 5am flight with no warning",
    "charged me twice for one bag",
    "no updates for {n} hours, just vibes",
    "stuck on the tarmac for {n} hours",
    "the lounge was closed and nobody said why",
    "customer service left me on read",
]
NEGATIVE_ENDINGS = ["smh", "💀", "🙄", "never again", "this ain't it", "big L", "#fail", "not the vibe"]
POSITIVE = [
    "the crew was a whole vibe",
    "they upgraded me for free",
    "we landed {n} minutes early",
    "the app rebooked me in seconds",
    "the wifi actually slapped",
    "the gate agent was so kind",
    "smoothest flight of my life",
    "got my refund in {n} days",
    "the new seats are so comfy",
    "they held the plane for my connection",
]
POSITIVE_ENDINGS = ["🔥", "🥰", "no cap", "10/10", "slay", "lowkey the best", "#blessed", "W airline"]
HANDLES = ["@airline ", "@united ", "@JetBlue ", ""]


def synthetic_tweets(count: int, seed: int = 14) -> list[tuple[str, int]]:
    """`count` distinct (text, meant label) pairs, half positive, reproducible from `seed`."""
    rng = random.Random(seed)
    seen: dict[str, int] = {}
    while len(seen) < count:
        label = len(seen) % 2
        phrase = rng.choice(POSITIVE if label else NEGATIVE).format(n=rng.randint(2, 9))
        ending = rng.choice(POSITIVE_ENDINGS if label else NEGATIVE_ENDINGS)
        seen.setdefault(f"{rng.choice(HANDLES)}{phrase} {ending}", label)
    return list(seen.items())


def post_feedback(base_url: str, tweets: list[tuple[str, int]], timeout: float = 30.0) -> dict:
    """Predict then judge each tweet through the API; return counts of what the host stored."""
    import requests

    stored = rejected = 0
    with requests.Session() as session:
        for text, meant in tweets:
            prediction = session.post(f"{base_url}/api/predict", json={"text": text}, timeout=timeout)
            prediction.raise_for_status()
            served = prediction.json()
            body = {
                "prediction_id": served["prediction_id"],
                "text": text,
                "sentiment": served["sentiment"],
                "probability": served["probability"],
                "model_version": served["model_version"],
                "is_correct": served["label"] == meant,
            }
            answer = session.post(f"{base_url}/api/feedback", json=body, timeout=timeout)
            answer.raise_for_status()
            stored += answer.status_code == 201
            rejected += not body["is_correct"]
    return {"posted": len(tweets), "stored": stored, "rejected": rejected}
