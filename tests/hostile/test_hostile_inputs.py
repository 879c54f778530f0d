"""Explicit hostile requests over real HTTP: sizes, encodings, content types, scripts, framing, floods.

Each answer is JSON with the documented status; the host answers health after every abuse.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from service.settings import Settings
from tests.hostile.contract import Contract
from tests.hostile.raw_http import exchange
from tests.http_support import post_json

ROUTES = ("/predict", "/feedback")
CONTRACT = Contract.from_settings(Settings.from_env())
TEXT_LIMIT = Settings.from_env().max_text_chars
RTL_TEXTS = [
    "\u0627\u0644\u0631\u062d\u0644\u0629 \u0645\u062a\u0623\u062e\u0631\u0629 \u062c\u062f\u0627",  # Arabic
    "\u05d4\u05d8\u05d9\u05e1\u05d4 \u05d1\u05d5\u05d8\u05dc\u05d4 \u05e9\u05d5\u05d1",  # Hebrew
    "\u202e!thgilf taerg\u202c",  # right-to-left override
    "\u202dgreat \u05d8\u05d9\u05e1\u05d4\u202c \u200f\u200e",  # left-to-right override, RLM, LRM
    "\u2067\u0645\u0631\u062d\u0628\u0627\u2069 @united \u2066thanks\u2069",  # isolates
]


def post(live_host, route: str, body, headers=None, **kwargs) -> requests.Response:
    return post_json(live_host, route, body, headers=headers, **kwargs)


def assert_answer(route: str, response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text[:500]
    answer = CONTRACT.check_answer(
        route, response.status_code, response.headers.get("Content-Type", ""), response.content, dict(response.headers)
    )
    if code:
        assert answer["error"]["code"] == code
    return answer


def assert_healthy(live_host) -> None:
    response = requests.get(live_host.url("/api/health"), timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def predicted(live_host, text: str) -> dict:
    return assert_answer("/predict", post(live_host, "/predict", {"text": text}), 200)


def feedback_body(**overrides) -> dict:
    body = {
        "prediction_id": str(uuid.uuid4()),
        "text": "late again",
        "sentiment": "negative",
        "probability": 0.2,
        "model_version": "fasttext_lstm@1",
        "is_correct": True,
    }
    return {**body, **overrides}


def raw_exchange(live_host, request: bytes, read_timeout: float = 30) -> bytes:
    """Send bytes as they are on one connection; return everything the host answered."""
    with socket.create_connection(("127.0.0.1", live_host.port), timeout=read_timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                if len(rest) >= length:
                    break
        return b"".join(chunks)


def parse_raw(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


# --- sizes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_body_over_the_byte_limit_is_413(live_host, route):
    body = b'{"text": "' + b"a" * 300_000 + b'"}'
    assert_answer(route, post(live_host, route, body), 413, "body_too_large")


@pytest.mark.parametrize("route", ROUTES)
def test_body_over_the_host_limit_is_413_without_reading_it(live_host, route):
    answer = raw_exchange(
        live_host,
        f"POST /api{route} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {10**12}\r\n\r\n{{".encode(),
    )
    status, headers, body = parse_raw(answer)
    assert status == 413 and json.loads(body)["error"]["code"] == "body_too_large"
    assert_healthy(live_host)


def test_text_at_the_limit_is_answered_and_one_more_character_is_413(live_host):
    predicted(live_host, "a" * TEXT_LIMIT)
    predicted(live_host, "\U0001f600" * TEXT_LIMIT)  # the limit counts characters, not UTF-16 units or bytes
    assert_answer("/predict", post(live_host, "/predict", {"text": "a" * (TEXT_LIMIT + 1)}), 413, "text_too_long")
    too_long = feedback_body(text="\U0001f600" * (TEXT_LIMIT + 1))
    assert_answer("/feedback", post(live_host, "/feedback", too_long), 413, "text_too_long")


def test_full_batch_of_longest_texts_is_answered(live_host):
    texts = ["@crew " * (TEXT_LIMIT // 6)] * Settings.from_env().max_batch_size
    answer = assert_answer("/predict", post(live_host, "/predict", {"texts": texts}), 200)
    assert len(answer["predictions"]) == len(texts)


# --- content types and encodings -------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/json; charset=utf-16"])
def test_json_under_another_content_type_is_read_as_json(live_host, content_type):
    assert_answer(
        "/predict",
        post(live_host, "/predict", json.dumps({"text": "late"}), headers={"Content-Type": content_type}),
        200,
    )


@pytest.mark.parametrize("route", ROUTES)
def test_multipart_form_is_400(live_host, route):
    response = requests.post(
        live_host.url("/api" + route), files={"text": ("t.txt", b"hello")}, data={"text": "hello"}, timeout=30
    )
    assert_answer(route, response, 400, "invalid_json")


def test_json_without_any_content_type_header_is_answered(live_host):
    body = json.dumps({"text": "no content type"}).encode()
    status, headers, answer = parse_raw(
        raw_exchange(
            live_host,
            b"POST /api/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body,
        )
    )
    assert status == 200 and json.loads(answer)["sentiment"] in ("negative", "positive")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "\xff\xfe"}',
        b'{"text": "\xc0\xaf"}',
        b'{"text": "\xed\xa0\x80"}',
        b"\xfe\xff\x00{",
        b'{"text": "caf\xe9"}',  # latin-1, not UTF-8
    ],
    ids=["ff-fe", "overlong", "cesu-surrogate", "utf16-bom", "latin1"],
)
def test_invalid_utf8_is_400(live_host, route, body):
    assert_answer(route, post(live_host, route, body), 400, "invalid_json")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("escaped", ['"\\ud800"', '"a\\udfffb"'], ids=["high", "low"])
def test_escaped_lone_surrogates_are_400(live_host, route, escaped):
    template = {"text": "TEXT"} if route == "/predict" else feedback_body(text="TEXT")
    body = json.dumps(template).replace('"TEXT"', escaped).encode()
    assert_answer(route, post(live_host, route, body), 400, "invalid_field")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_is_400(live_host, route, depth):
    body = b'{"text": ' + b"[" * depth + b"]" * depth + b"}"
    response = post(live_host, route, body)
    assert response.status_code in (400, 413)
    assert_answer(route, response, response.status_code)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("digits", [4301, 100_000])
def test_integers_too_long_for_python_are_400_without_interpreter_advice(live_host, route, digits):
    template = {"text": "hello", "extra": 0} if route == "/predict" else {**feedback_body(), "extra": 0}
    body = json.dumps(template).replace('"extra": 0', '"extra": -' + "9" * digits).encode()
    response = post(live_host, route, body)
    assert_answer(route, response, 400, "invalid_json")
    assert "4300 digits" in response.json()["error"]["message"]
    assert "sys." not in response.text


def test_deep_nesting_in_an_ignored_field_does_not_break_feedback(live_host):
    body = json.dumps(feedback_body()).encode()[:-1] + b', "extra": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = post(live_host, "/feedback", body)
    assert response.status_code in (201, 400)  # 400 when the parser refuses the depth
    assert_answer("/feedback", response, response.status_code)


# --- text content ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hello\x00world",
        "\x00",
        "\x07\x08\x1b[2J\x7f",
        "line\r\nbreak\ttab",
        "\u0085\u2028\u2029",
        "\ufffe\uffff",
    ],
    ids=["nul-inside", "nul-only", "escapes", "crlf-tab", "unicode-line-breaks", "non-characters"],
)
def test_control_characters_are_scored_or_refused_cleanly(live_host, text):
    response = post(live_host, "/predict", {"text": text})
    assert response.status_code in (200, 400)
    assert_answer("/predict", response, response.status_code)


@pytest.mark.parametrize("text", RTL_TEXTS, ids=["arabic", "hebrew", "rlo", "lro-marks", "isolates"])
def test_right_to_left_text_is_scored(live_host, text):
    answer = predicted(live_host, text)
    assert 0.0 <= answer["probability"] <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f621\U0001f621\U0001f621",
        "\U0001f60d",
        "\u2708\ufe0f\U0001f44d",
        "\U0001f469\u200d\U0001f469\u200d\U0001f467\U0001f3f3\ufe0f\u200d\U0001f308",
        "\U0001f1fa\U0001f1f8" * 20,
    ],
)
def test_emoji_only_text_is_scored(live_host, text):
    predicted(live_host, text)


def test_emoji_carry_their_meaning(live_host):
    angry = predicted(live_host, "\U0001f621\U0001f621\U0001f621")["probability"]
    happy = predicted(live_host, "\U0001f60d\U0001f60d\U0001f60d")["probability"]
    # The normaliser turns emoji into words ("angry", "love"), so they reach the model and decide.
    assert angry < 0.5 <= happy, (angry, happy)


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", "late\u200bagain", "\u00ad\u034f"])
def test_zero_width_characters_are_scored(live_host, text):
    predicted(live_host, text)


def test_whitespace_only_text_is_400(live_host):
    assert_answer("/predict", post(live_host, "/predict", {"text": " \t\n\u00a0\u3000"}), 400, "empty_text")


def test_thousands_of_mentions_stay_within_limits_or_get_413(live_host):
    mentions_at_limit = ("@u " * TEXT_LIMIT)[:TEXT_LIMIT]
    predicted(live_host, mentions_at_limit)
    assert_answer("/predict", post(live_host, "/predict", {"text": "@united " * 3000}), 413, "text_too_long")
    batch = {"texts": [mentions_at_limit] * Settings.from_env().max_batch_size}
    assert len(assert_answer("/predict", post(live_host, "/predict", batch), 200)["predictions"]) == len(batch["texts"])
    assert_answer("/feedback", post(live_host, "/feedback", feedback_body(text=mentions_at_limit)), 201)


# --- framing: chunked, partial, slow ----------------------------------------------------------------


def test_chunked_body_reaches_predict_empty_as_in_azure(live_host):
    """The Functions host forwards a body only when Content-Length > 0 (see devhost/dispatch.py)."""

    def chunks():
        yield b'{"text": "'
        yield b"very late, " * 10
        yield b'"}'

    response = post(live_host, "/predict", chunks(), headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert_answer("/predict", response, response.status_code)


def test_chunked_body_over_the_host_limit_is_413(live_host):
    chunk = b"a" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4 * 1024 * 1024 // len(chunk) + 1))
    answered = exchange(
        live_host.port,
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body + b"0\r\n\r\n",
    )
    assert [r.status for r in answered.responses] == [413]
    assert answered.responses[0].json()["error"]["code"] == "body_too_large"
    assert_healthy(live_host)


def test_malformed_chunked_body_is_400(live_host):
    status, _, body = parse_raw(
        raw_exchange(
            live_host,
            b"POST /api/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        )
    )
    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_request"
    assert_healthy(live_host)


def test_bad_content_length_is_400(live_host):
    status, _, body = parse_raw(
        raw_exchange(live_host, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}")
    )
    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_request"


def test_slow_and_partial_bodies_do_not_wedge_the_host(live_host):
    """Clients that stall mid-headers or mid-body hold a thread each, not the host."""
    stalled = []
    try:
        for i in range(24):
            sock = socket.create_connection(("127.0.0.1", live_host.port), timeout=5)
            if i % 2:
                sock.sendall(b'POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"text": "a')
            else:
                sock.sendall(b"POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Le")
            stalled.append(sock)
        for _ in range(3):
            assert_healthy(live_host)
            predicted(live_host, "still answering?")
        # A client that sends its body one byte at a time is still answered.
        body = json.dumps({"text": "slow but complete"}).encode()
        with socket.create_connection(("127.0.0.1", live_host.port), timeout=30) as sock:
            sock.sendall(
                b"POST /api/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
            )
            for byte in body:
                sock.sendall(bytes([byte]))
                time.sleep(0.01)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert parse_raw(answer)[0] == 200
    finally:
        for sock in stalled:
            sock.close()
    assert_healthy(live_host)


def test_client_that_disconnects_mid_body_does_not_hurt_the_host(live_host):
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", live_host.port), timeout=5) as sock:
            sock.sendall(b'POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{"te')
    assert_healthy(live_host)


# --- floods ------------------------------------------------------------------------------------------


def test_many_concurrent_bad_requests_get_json_errors_and_the_host_stays_up(live_host):
    bad_bodies = [
        b"",
        b"{",
        b"\xff" * 100,
        b"[]" * 1000,
        b'{"text": 1}',
        b'{"texts": []}',
        json.dumps({"texts": ["a"] * (Settings.from_env().max_batch_size + 1)}).encode(),
        b'{"text": "' + b"a" * 2000 + b'"}',
        b"[" * 20_000,
        b"null",
    ]
    jobs = [(route, body) for route in ROUTES for body in bad_bodies] * 10  # 200 requests

    def send(job):
        route, body = job
        with requests.Session() as session:
            response = session.post(live_host.url("/api" + route), data=body, timeout=60)
        return route, response

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(send, jobs))
    for route, response in results:
        assert 400 <= response.status_code < 500, response.text[:200]
        CONTRACT.check_answer(
            route, response.status_code, response.headers["Content-Type"], response.content, dict(response.headers)
        )
    assert_healthy(live_host)


def test_good_requests_are_answered_while_bad_ones_flood(live_host):
    stop = threading.Event()

    def flood():
        with requests.Session() as session:
            while not stop.is_set():
                session.post(live_host.url("/api/predict"), data=b"[" * 50_000, timeout=60)

    threads = [threading.Thread(target=flood, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(20):
            predicted(live_host, "is anyone there?")
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert_healthy(live_host)


# --- protocol-level garbage (answered by the local host itself) --------------------------------------


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"FOO /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),  # was an HTML 501
        (b"PROPFIND /api/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 404),
        (b"GET /api/health HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X%d: y\r\n" % i for i in range(150)) + b"\r\n", 431),
        (
            "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: \u00b2\r\n\r\n{}".encode("latin-1"),
            400,
        ),  # was a crash
        (
            b"POST /api/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nab\r\n0\r\n\r\n",
            400,
        ),  # was a hang
    ],
    ids=[
        "unknown-method",
        "unknown-method-unknown-path",
        "header-too-long",
        "too-many-headers",
        "superscript-content-length",
        "negative-chunk-size",
    ],
)
def test_protocol_errors_are_json_and_prompt(live_host, request_bytes, status):
    answered_status, headers, body = parse_raw(raw_exchange(live_host, request_bytes, read_timeout=10))
    assert answered_status == status
    assert headers["Content-Type"].startswith("application/json")
    expected_code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed", 431: "invalid_request"}
    assert json.loads(body)["error"]["code"] == expected_code[status]
    assert_healthy(live_host)
