"""Hypothesis strategies for hostile request bodies: any JSON, any Unicode, wrong types, huge numbers."""

from __future__ import annotations

import json
import uuid

from hypothesis import strategies as st

from tests.hostile.contract import FEEDBACK_FIELDS, SENTIMENTS

# Every code point, lone surrogates included (the default `characters()` leaves category Cs out).
ANY_CHARACTER = st.characters(exclude_categories=())

TRICKY_TEXTS = (
    "",
    " ",
    "\t\n\r",
    "\u00a0",
    "\u200b",
    "\u200b\u200c\u200d\ufeff",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\u202eevil\u202c",
    "\u202d\u05e9\u05dc\u05d5\u05dd\u202c",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0637\u064a\u0631\u0627\u0646",
    "\U0001f600" * 10,
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\ud800",
    "ok\udfffok",
    "\U0010ffff",
    "@a " * 300,
    "#" * 1000,
    "a" * 999,
    "a" * 1000,
    "a" * 1001,
    "é" * 1000,
    "\U0001f600" * 1001,
    ":) " * 333,
    "http://" + "x" * 990,
    "&amp;" * 200,
    "NaN",
    "null",
    "{}",
    "<script>alert(1)</script>",
    "Z\u0351\u0360\u0359" * 100,
    "\u0000\u0001\u0002\u0003\u001f\u007f",
)

texts = st.one_of(
    st.sampled_from(TRICKY_TEXTS),
    st.text(ANY_CHARACTER, max_size=40),
    st.text(ANY_CHARACTER, min_size=990, max_size=1010),
    st.text(st.sampled_from("@abc _#:)\u200b\u202e\U0001f600"), max_size=1100),
)
huge_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**400, -(10**400), 2**63, -(2**63) - 1, 1e308, -1e308, 5e-324, -0.0]),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_scalars = st.one_of(st.none(), st.booleans(), huge_numbers, texts)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6), st.dictionaries(st.text(ANY_CHARACTER, max_size=8), children, max_size=6)
    ),
    max_leaves=20,
)
text_like = st.one_of(texts, texts, json_values)  # mostly strings, sometimes anything

predict_payloads = st.one_of(
    json_values,
    st.fixed_dictionaries({"text": text_like}),
    st.fixed_dictionaries({"texts": st.one_of(st.lists(text_like, max_size=70), json_values)}),
    st.fixed_dictionaries({"text": text_like, "texts": st.lists(texts, max_size=3)}),
    st.fixed_dictionaries({"text": texts}, optional={"extra": json_values, "": json_values}),
    st.fixed_dictionaries({"texts": st.lists(texts, min_size=60, max_size=66)}),
)

_uuids = st.uuids(version=4).map(str)
_valid_feedback_fields = {
    "prediction_id": st.one_of(_uuids, _uuids.map(str.upper)),
    "text": texts,
    "sentiment": st.sampled_from(SENTIMENTS),
    "probability": st.one_of(st.floats(0, 1), st.sampled_from([0, 1])),
    "model_version": st.one_of(st.just("fasttext_lstm@1"), st.text(ANY_CHARACTER, max_size=210)),
    "is_correct": st.booleans(),
}
_hostile_feedback_fields = {
    "prediction_id": st.one_of(
        json_values,
        st.sampled_from(
            [
                "{" + str(uuid.uuid4()) + "}",
                "urn:uuid:" + str(uuid.uuid4()),
                uuid.uuid4().hex,
                str(uuid.uuid4()) + "\n",
                " " + str(uuid.uuid4()),
                "00000000-0000-0000-0000-00000000000\u0661",
            ]
        ),
    ),
    "text": json_values,
    "sentiment": st.one_of(json_values, st.sampled_from(["Negative", "neutral", "positive ", ["positive"]])),
    "probability": st.one_of(
        st.sampled_from([10**400, -(10**400), 2**63, 1e308, True, False, "0.5", -0.0001, 1.0001]),
        huge_numbers,
        json_values,
    ),
    "model_version": json_values,
    "is_correct": st.one_of(json_values, st.sampled_from([0, 1, "true", "false", None])),
}


@st.composite
def feedback_payloads(draw):
    """Mostly well-formed feedback with one or more fields broken, missing, or extra keys added."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    payload = {}
    for name in FEEDBACK_FIELDS:
        choice = draw(st.sampled_from(["valid", "valid", "valid", "hostile", "missing"]))
        if choice == "valid":
            payload[name] = draw(_valid_feedback_fields[name])
        elif choice == "hostile":
            payload[name] = draw(_hostile_feedback_fields[name])
    payload.update(draw(st.dictionaries(st.text(ANY_CHARACTER, max_size=8), json_values, max_size=2)))
    return payload


def encoded_example(payload) -> tuple:
    """(payload, body) for an explicit @example, encoded as `encoded` would."""
    return payload, json.dumps(payload).encode()


@st.composite
def encoded(draw, payloads):
    """(payload, body bytes): JSON escaped or raw UTF-8, lone surrogates raw (invalid UTF-8), NaN allowed."""
    payload = draw(payloads)
    ensure_ascii = draw(st.booleans())
    try:
        text = json.dumps(payload, ensure_ascii=ensure_ascii)
    except ValueError:  # integers too long for str() in Python 3.11
        text = json.dumps(str(payload))
        payload = str(payload)
    return payload, text.encode("utf-8", "surrogatepass")


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.text(ANY_CHARACTER, max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"text": NaN}',
            b'{"text": Infinity}',
            b'{"text": "a"}}',
            b'{"text": "\\ud800"}',
            b'{"text": "a", "text": 1}',
            b'\xef\xbb\xbf{"text": "bom"}',
            b"[" * 5000 + b"]" * 5000,
            b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
            b"\xc3\x28",
            b"\xed\xa0\x80",
            b"\x00" * 64,
            b'{"text": "' + b"\xff" * 10 + b'"}',
            b'{"texts": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        ]
    ),
)
