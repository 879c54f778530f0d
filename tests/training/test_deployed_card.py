"""The deployed card's prose that export writes from code says what export says today.

Its measured fields stay as export recorded them; only text such as the known limitations is
refreshed when the code's wording is corrected, so a reader of the deployed card is not told
something the project no longer believes.
"""

from __future__ import annotations

import json
from pathlib import Path

from model_build.export import known_limitations

CARD = Path(__file__).resolve().parents[2] / "onnx_models" / "fasttext_lstm" / "model_card.json"


def test_deployed_card_states_the_current_known_limitations():
    card = json.loads(CARD.read_text(encoding="utf-8"))
    assert card["known_limitations"] == known_limitations(card["tokenizer"]["max_length"])
