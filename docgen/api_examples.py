"""The README's API examples, rewritten with what the served model answers.

    python -m docgen.api_examples      # after a new model ships; tests/model/test_readme_examples.py checks

The example requests stay as written; the probabilities, sentiments, model version and threshold
printed under them are computed by the served artefact (one thread, the same batches as the
requests, so the int8 graph is deterministic).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ARTIFACT = ROOT / "onnx_models" / "fasttext_lstm"
# "sentiment": ..., optionally "label": ..., then "probability": ..., possibly across "# " lines
_PROBABILITY = re.compile(
    r'"sentiment": "(positive|negative)"(?P<between>,[\s#]*(?:"label": [01],[\s#]*)?)"probability": [0-9.]+'
)


def _api_block(text: str) -> tuple[int, int]:
    start = text.index("```bash", text.index("## The API"))
    return start, text.index("```\n", start + len("```bash"))


def _request(block: str, field: str) -> dict:
    match = re.search(r"-d '(\{\"" + field + r"\": .*?\})'", block)
    if match is None:
        raise SystemExit(f"README's API block has no request with {field!r}")
    return json.loads(match.group(1))


def _answers(model, block: str) -> list[tuple[str, float]]:
    """(sentiment, probability) for every answer printed in the block, in order: the single text,
    then the batch's texts."""
    single = _request(block, "text")["text"]
    batch = _request(block, "texts")["texts"]
    answers = []
    for texts in ([single], batch):
        for probability in model.predict_proba(texts):
            p = round(float(probability), 6)
            answers.append(("negative" if probability < model.threshold else "positive", p))
    return answers


def rewrite(text: str, model) -> str:
    start, end = _api_block(text)
    block = text[start:end]
    answers = _answers(model, block)
    shown = _PROBABILITY.findall(block)
    if len(shown) < len(answers):
        raise SystemExit(f"README's API block prints {len(shown)} answers, expected {len(answers)}")
    single = answers[0]
    queue = iter(answers)

    def answer(match: re.Match) -> str:
        sentiment, p = next(queue, single)  # the feedback example repeats the single answer
        return f'"sentiment": "{sentiment}"{match.group("between")}"probability": {p:.6f}'

    block = _PROBABILITY.sub(answer, block)
    block = re.sub(r'"model_version": "[^"]+"', f'"model_version": "{model.version}"', block)
    block = re.sub(r'"threshold": [0-9.]+', f'"threshold": {model.threshold}', block)
    version = model.tokenizer.normalization_version
    block = re.sub(r'"normalization_version": "[^"]+"', f'"normalization_version": "{version}"', block)
    return text[:start] + block + text[end:]


def main() -> None:
    from predict.model import load_model_artifact

    README.write_text(rewrite(README.read_text(encoding="utf-8"), load_model_artifact(ARTIFACT)), encoding="utf-8")
    print(f"{README}: API examples rewritten from {ARTIFACT.name}")


if __name__ == "__main__":
    main()
