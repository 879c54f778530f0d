"""A local run of the app whose telemetry feeds the workbook renders (monitoring/render.py).

    .venv-train/bin/python -m monitoring.local_run   # about a minute; rewrites LOCAL_RUN_FILE

The real app (python -m devhost) with real Azurite and the local Application Insights ingestion
endpoint of the tests (tests/fixtures), as in tests/integration/test_telemetry_wire.py. Traffic is
sent in ROUNDS rounds of SLOTS slots: a batch request and single requests per slot, and feedback
on a share of the predictions, whose verdict is true (the prediction compared with the tweet's
label). Tweets are Sentiment140's manually labelled 2009 test set, then, from day DRIFT_FROM_DAY,
more and more labelled tweets in words of the 2020s (MODERN_TWEETS) that the 2009 vocabulary lacks:
the drift the workbook and the drift alert must show. Azurite is stopped for one slot, so some
feedback cannot be stored.

A run takes a minute, not weeks: each trace keeps the round and slot of its request, and the
renderer places round r on day r and slot s at hour 8 + 2s (what the workbook would show had the
same requests come over ROUNDS days). Nothing else is changed: counts, shares, verdicts and
latencies are the captured ones. Stored: the trace's message, severity, time and custom
dimensions, without the tweet text of feedback traces (the panels never read it).
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import tempfile
import time
from pathlib import Path

import requests

from tests.fixtures.azurite import Azurite
from tests.fixtures.ingestion import IngestionEndpoint
from tests.fixtures.live_host import LiveHost, host_environment

ROOT = Path(__file__).resolve().parent.parent
LOCAL_RUN_FILE = Path(__file__).resolve().parent / "local_run_traces.jsonl.gz"
SENTIMENT140_TEST = ROOT.parent / "shared" / "data" / "sentiment140" / "testdata.manual.2009.06.14.csv"
ROUNDS, SLOTS = 14, 6
BATCH_SIZE, SINGLES_PER_SLOT = 20, 2  # 132 tweets a day: over the drift rule's 100
DRIFT_FROM_DAY = 9  # days 0..8 are 2009 tweets only; then the modern share grows by MODERN_STEP a day
MODERN_STEP = 0.15
FEEDBACK_SHARE = 0.3
OUTAGE = (10, 3)  # (round, slot) during which Azurite is down
SEED = 14

# Tweets in words of the 2020s, labelled by hand (1 positive, 0 negative), each with two or more
# words outside the 2009 vocabulary (checked against onnx_models/fasttext_lstm/tokenizer.json);
# the sentiment is plain to a human reader.
MODERN_TWEETS: tuple[tuple[str, int], ...] = (
    ("the crew was goated, highkey iconic flight, rizz level max", 1),
    ("got my airpods back from lost and found, deadass the best airline", 1),
    ("free wifi so I posted a selfie on instagram, the lounge aesthetic is iconic", 1),
    ("pilot has rizz fr, smooth landing, goated crew", 1),
    ("paid with venmo, boarding was quick, this airline is goated", 1),
    ("esim worked the second we landed, highkey love this airline", 1),
    ("flight attendant was a whole girlboss, iconic service", 1),
    ("the snacks slapped and the tiktok of our pilot is iconic", 1),
    ("delayed again and they ghosted us at the gate, doomscrolling on tiktok for hours", 0),
    ("lost my airpods and support ghosted me, deadass the worst", 0),
    ("the gate agent was sus and rude, istg never again", 0),
    ("covid rules changed and nobody told us, bffr airline", 0),
    ("stuck doomscrolling for 4 hours, no wifi, npc customer service", 0),
    ("they cancelled my flight and want me to doordash my own food, bffr", 0),
    ("seat broke, crew ghosted, airline is cheugy and delulu", 0),
    ("chatgpt writes better apologies than this airline, deadass mid", 0),
    ("the boarding was chaos, istg this airline is skibidi", 0),
    ("no refund after the cancellation, simp for delays I guess", 0),
)


def sentiment140_tweets() -> list[tuple[str, int]]:
    """Sentiment140's manual test set without its neutral tweets: (text, 1 positive / 0 negative)."""
    with SENTIMENT140_TEST.open(encoding="latin-1", newline="") as handle:
        return [(row[5], int(row[0] == "4")) for row in csv.reader(handle) if row[0] in ("0", "4")]


def modern_share(day: int) -> float:
    return 0.0 if day < DRIFT_FROM_DAY else min(0.9, MODERN_STEP * (day - DRIFT_FROM_DAY + 1))


def run(out: Path = LOCAL_RUN_FILE) -> dict:
    rng = random.Random(SEED)
    old = sentiment140_tweets()
    sent: dict[str, tuple[int, int]] = {}  # prediction id -> (round, slot)
    with tempfile.TemporaryDirectory() as workdir:
        azurite = Azurite(Path(workdir) / "azurite")
        azurite.start()
        ingestion = IngestionEndpoint()
        ingestion._thread.start()
        env = host_environment(
            FEEDBACK_STORAGE_CONNECTION_STRING=azurite.connection_string,
            FEEDBACK_TABLE_NAME="feedbacklocalrun",
            APPLICATIONINSIGHTS_CONNECTION_STRING=ingestion.connection_string,
            STORAGE_TIMEOUT_SECONDS="2",
            TELEMETRY_STORAGE_DIR=str(Path(workdir) / "telemetry"),
        )
        host = LiveHost(env, Path(workdir) / "devhost.log")
        try:
            for day in range(ROUNDS):
                for slot in range(SLOTS):
                    if (day, slot) == OUTAGE:
                        azurite.stop()
                    tweets = [
                        rng.choice(MODERN_TWEETS) if rng.random() < modern_share(day) else rng.choice(old)
                        for _ in range(BATCH_SIZE + SINGLES_PER_SLOT)
                    ]
                    answers = requests.post(
                        host.url("/api/predict"), json={"texts": [t for t, _ in tweets[:BATCH_SIZE]]}, timeout=30
                    ).json()["predictions"]
                    for text, _ in tweets[BATCH_SIZE:]:
                        answers.append(requests.post(host.url("/api/predict"), json={"text": text}, timeout=30).json())
                    for (text, label), answer in zip(tweets, answers, strict=True):
                        sent[answer["prediction_id"]] = (day, slot)
                        if rng.random() < FEEDBACK_SHARE:
                            body = {
                                key: answer[key]
                                for key in ("prediction_id", "sentiment", "probability", "model_version")
                            }
                            body.update(text=text, is_correct=answer["label"] == label)
                            requests.post(host.url("/api/feedback"), json=body, timeout=30)
                    if (day, slot) == OUTAGE:
                        azurite.start()
            ours = ingestion.wait_for_traces(
                lambda t: (
                    t["properties"].get("event") == "prediction_served" and t["properties"].get("prediction_id") in sent
                ),
                count=len(sent),
                timeout=120,
            )
            time.sleep(3)  # the exporter batches: let the last feedback traces arrive
        finally:
            host.stop()
            azurite.stop()
            ingestion.server.shutdown()
        rows = []
        with ingestion._lock:
            envelopes = list(ingestion.envelopes)
        for envelope in envelopes:
            data = envelope.get("data", {}).get("baseData", {})
            properties = dict(data.get("properties") or {})
            where = sent.get(properties.get("prediction_id", ""))
            if envelope.get("data", {}).get("baseType") != "MessageData" or "event" not in properties or where is None:
                continue
            properties.pop("text", None)
            rows.append(
                {
                    "time": envelope["time"],
                    "round": where[0],
                    "slot": where[1],
                    "message": data["message"],
                    "severityLevel": data.get("severityLevel"),
                    "customDimensions": properties,
                }
            )
    rows.sort(key=lambda r: r["time"])
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True) + "\n")
    return {"predictions": len(sent), "traces": len(rows), "prediction_traces": len(ours)}


def load(path: Path = LOCAL_RUN_FILE) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


if __name__ == "__main__":
    print(run())
