"""Telemetry on the wire: the Azure Monitor exporter's real envelopes, received by a local
ingestion endpoint (tests/fixtures/ingestion.py), from the app served by python -m devhost.

The exporter sends every custom dimension as a string and severityLevel as a number.
"""

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from predict import drift
from predict.normalize import NORMALIZATION_VERSION
from service import telemetry
from tests.fixtures.feedback import feedback_body
from tests.kql_support import SCRIPT, SEVERITY_LEVELS, AlertFilter, severity_number

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "onnx_models" / "fasttext_lstm"  # what the live host serves (MODEL_DIR unset)


def rejection_body(**overrides) -> dict:
    return feedback_body(
        **{
            "text": "Two hours on hold, then they hung up. Classy.",
            "sentiment": "positive",
            "probability": 0.7312,
            **overrides,
        }
    )


def send_feedback(live_host, body) -> requests.Response:
    return requests.post(live_host.url("/api/feedback"), json=body, timeout=30)


def traces_of(ingestion, event: str, prediction_id: str, count: int = 1) -> list[dict]:
    return ingestion.wait_for_traces(
        lambda t: t["properties"].get("event") == event and t["properties"].get("prediction_id") == prediction_id,
        count=count,
    )


def alert_threshold() -> int:
    """The threshold in the rule that configure_alert.sh creates (its dry run)."""
    result = subprocess.run(
        ["bash", str(SCRIPT), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=30,
        env={
            "PATH": "/usr/bin:/bin",
            "RESOURCE_GROUP": "rg",
            "APP_INSIGHTS_NAME": "appi",
            "ALERT_EMAILS": "ops@example.com",
            "LOCATION": "westeurope",
        },
    )
    rule = next(shlex.split(line) for line in result.stdout.splitlines() if "scheduled-query create" in line)
    condition = rule[rule.index("--condition") + 1]  # count 'Placeholder' >= N
    operator, threshold = condition.split()[-2:]
    assert operator == ">="
    return int(threshold)


def test_rejection_is_a_warning_trace_with_the_tweet_and_the_prediction(live_host, ingestion):
    body = rejection_body()
    assert send_feedback(live_host, body).status_code == 201
    (trace,) = traces_of(ingestion, telemetry.PREDICTION_REJECTED, body["prediction_id"])
    assert trace["message"] == "prediction_rejected"
    assert severity_number(trace["severityLevel"]) == SEVERITY_LEVELS["Warning"]
    properties = trace["properties"]
    assert properties["event"] == "prediction_rejected"
    assert properties["text"] == body["text"]
    assert properties["sentiment"] == "positive"
    assert float(properties["probability"]) == pytest.approx(0.7312)
    assert properties["model_version"] == "fasttext_lstm@1"
    assert properties["received_at"].endswith("Z")

    (stored,) = traces_of(ingestion, telemetry.FEEDBACK_STORED, body["prediction_id"])
    assert severity_number(stored["severityLevel"]) == SEVERITY_LEVELS["Information"]
    assert stored["properties"]["is_correct"] == "False"
    assert stored["properties"]["text"] == body["text"]


def test_confirmation_is_traced_but_never_counted_as_a_rejection(live_host, ingestion):
    body = rejection_body(is_correct=True, sentiment="negative", probability=0.02)
    assert send_feedback(live_host, body).status_code == 201
    (stored,) = traces_of(ingestion, telemetry.FEEDBACK_STORED, body["prediction_id"])
    assert stored["properties"]["is_correct"] == "True"
    alert = AlertFilter.from_file()
    assert not [
        t
        for t in ingestion.traces()
        if t["properties"].get("prediction_id") == body["prediction_id"] and alert.matches(t)
    ]


def test_three_rejections_are_three_records_that_fire_the_alert(live_host, ingestion):
    alert, threshold = AlertFilter.from_file(), alert_threshold()
    assert threshold == 3
    rejections = [rejection_body() for _ in range(3)]
    confirmation = rejection_body(is_correct=True)
    for body in [*rejections, confirmation]:
        assert send_feedback(live_host, body).status_code == 201
    assert send_feedback(live_host, rejections[0]).status_code == 200  # a client retry: not a new rejection
    traces_of(ingestion, telemetry.FEEDBACK_ALREADY_STORED, rejections[0]["prediction_id"])
    traces_of(ingestion, telemetry.FEEDBACK_STORED, confirmation["prediction_id"])

    ours = {b["prediction_id"] for b in [*rejections, confirmation]}
    counted = alert.rows([t for t in ingestion.traces() if t["properties"].get("prediction_id") in ours])
    assert sorted(t["properties"]["prediction_id"] for t in counted) == sorted(b["prediction_id"] for b in rejections)
    assert len(counted) >= threshold
    assert len(counted[:2]) < threshold  # two rejections alone would not fire


def test_prediction_is_traced_with_its_dimensions(live_host, ingestion):
    response = requests.post(live_host.url("/api/predict"), json={"text": "Lovely crew, smooth flight"}, timeout=30)
    if not MODEL_DIR.exists():
        assert response.status_code == 503 and response.json()["error"]["code"] == "model_unavailable"
        pytest.skip(
            f"{MODEL_DIR.relative_to(ROOT)} is not committed yet: the prediction envelope is checked "
            "once the model lands (this test then fails if the envelope is missing)"
        )
    assert response.status_code == 200, response.text
    prediction = response.json()
    (trace,) = traces_of(ingestion, telemetry.PREDICTION_SERVED, prediction["prediction_id"])
    assert trace["message"] == "prediction_served"
    assert severity_number(trace["severityLevel"]) == SEVERITY_LEVELS["Information"]
    properties = trace["properties"]
    assert properties["sentiment"] == prediction["sentiment"]
    assert float(properties["probability"]) == pytest.approx(prediction["probability"])
    assert properties["model_version"] == prediction["model_version"]
    assert float(properties["latency_ms"]) >= 0
    assert properties["batch_size"] == "1"


def test_prediction_trace_carries_drift_signals_and_never_the_text(live_host, ingestion):
    text = "the flight was zorbly and the crew was very flumptious " + "ok " * 45  # 55 tokens
    response = requests.post(live_host.url("/api/predict"), json={"texts": [text, "great crew"]}, timeout=30)
    if not MODEL_DIR.exists():
        pytest.skip(f"{MODEL_DIR.relative_to(ROOT)} is not committed")
    assert response.status_code == 200, response.text
    made_up, plain = response.json()["predictions"]
    (trace,) = traces_of(ingestion, telemetry.PREDICTION_SERVED, made_up["prediction_id"])
    properties = trace["properties"]
    # The exporter sends every dimension as a string (module docstring).
    assert float(properties[drift.UNKNOWN_WORD_SHARE]) == pytest.approx(2 / 50, abs=1e-4)
    assert properties[drift.TOKEN_COUNT] == "55"
    assert properties[drift.TRUNCATED] == "True"
    assert properties[drift.NORMALIZATION_VERSION_FIELD] == NORMALIZATION_VERSION
    assert not any("zorbly" in str(value) for value in properties.values())
    (trace,) = traces_of(ingestion, telemetry.PREDICTION_SERVED, plain["prediction_id"])
    assert trace["properties"][drift.UNKNOWN_WORD_SHARE] == "0.0"
    assert trace["properties"][drift.TOKEN_COUNT] == "2"
    assert trace["properties"][drift.TRUNCATED] == "False"


def test_requests_succeed_while_application_insights_is_down(live_host, ingestion):
    ingestion.available = False
    try:
        started = time.monotonic()
        statuses = [send_feedback(live_host, rejection_body()).status_code for _ in range(5)]
        elapsed = time.monotonic() - started
        health = requests.get(live_host.url("/api/health"), timeout=30)
    finally:
        ingestion.available = True
    assert statuses == [201] * 5
    assert health.status_code in (200, 503)  # 503 only while no model is committed
    assert elapsed < 5, f"5 feedbacks took {elapsed:.1f} s with telemetry down"


def read_if_present(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # renamed by the exporter (lease taken or released) since it was listed
        return ""


def test_refused_telemetry_is_kept_on_disk_in_the_configured_folder(live_host, ingestion):
    # The exporter writes a batch that ingestion refused (503) to TELEMETRY_STORAGE_DIR and resends
    # it after its lease (60 s) on a later successful export; here: that the batch is kept there
    # (the resend itself: test_throttled_telemetry_is_sent_again_once_ingestion_accepts).
    folder = Path(live_host.env["TELEMETRY_STORAGE_DIR"])
    # "<time>.blob", or "<time>.blob@<lease end>.lock" while the exporter holds its lease
    before = set(folder.rglob("*.blob*"))
    ingestion.available = False
    try:
        body = rejection_body()
        assert send_feedback(live_host, body).status_code == 201
        deadline = time.monotonic() + 30
        kept = []
        while time.monotonic() < deadline and not kept:
            kept = [b for b in set(folder.rglob("*.blob*")) - before if body["prediction_id"] in read_if_present(b)]
            time.sleep(0.5)
    finally:
        ingestion.available = True
    assert kept, f"no retry file under {folder} holds prediction {body['prediction_id']}"


def test_throttled_telemetry_is_sent_again_once_ingestion_accepts(live_host, ingestion):
    # Throttled (429, Retry-After: 1 s), the exporter keeps the batch on disk with a 1 s lease;
    # the next successful export sends what is kept. The rejection must reach ingestion in the end.
    throttled = rejection_body()
    ingestion.retry_after, ingestion.available = 1, False
    try:
        assert send_feedback(live_host, throttled).status_code == 201
        folder = Path(live_host.env["TELEMETRY_STORAGE_DIR"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
            throttled["prediction_id"] in read_if_present(b) for b in folder.rglob("*.blob*")
        ):
            time.sleep(0.2)
    finally:
        ingestion.retry_after, ingestion.available = None, True
    time.sleep(2.0)  # the 1 s lease runs out
    later = rejection_body()
    assert send_feedback(live_host, later).status_code == 201
    traces_of(ingestion, telemetry.PREDICTION_REJECTED, later["prediction_id"])
    (trace,) = traces_of(ingestion, telemetry.PREDICTION_REJECTED, throttled["prediction_id"])
    assert trace["properties"]["text"] == throttled["text"]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
        "OTEL_EXPERIMENTAL_RESOURCE_DETECTORS": "otel",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


CONFIGURE = """
import json, logging
from types import SimpleNamespace
from service.telemetry import logger, request_answered, start_telemetry, wait_until_started
events = []
logging.getLogger().addHandler(type("Events", (logging.Handler,), {{"emit": lambda self, r: events.append(r.getMessage())}})())
results = [start_telemetry(SimpleNamespace(appinsights_connection_string=cs)) for cs in {strings!r}]
request_answered()
ready = wait_until_started(120)
print(json.dumps({{"results": results, "ready": ready, "events": events,
                  "handlers": [type(h).__name__ for h in logger.handlers]}}))
"""


def test_telemetry_is_off_without_a_connection_string():
    result = run_python(CONFIGURE.format(strings=["", ""]))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"results": [False, False], "ready": False, "events": [], "handlers": []}


def test_telemetry_is_configured_once_per_worker(ingestion, tmp_path):
    result = run_python(
        CONFIGURE.format(strings=[ingestion.connection_string] * 3), TELEMETRY_STORAGE_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    # The early-record buffer was replaced by the exporter's one handler: configured once.
    assert outcome["results"] == [True, True, True] and outcome["ready"] is True
    assert outcome["handlers"] == ["LoggingHandler"]
    assert outcome["events"] == [telemetry.TELEMETRY_STARTED]


def test_a_broken_connection_string_does_not_stop_the_app():
    result = run_python(CONFIGURE.format(strings=["InstrumentationKey=not-a-guid"]))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["ready"] is False and outcome["handlers"] == []
    assert outcome["events"] == [telemetry.TELEMETRY_UNAVAILABLE]
    app = run_python(
        "import function_app; print(len(function_app.app.get_functions()))",
        APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=not-a-guid",
    )
    assert app.returncode == 0 and int(app.stdout.strip()) >= 3, app.stderr
