"""Child process of the cold-start benchmark: import, load, predict once, print the timestamps.

    python -m bench.cold_probe onnx  MODEL_DIR
    python -m bench.cold_probe app   MODEL_DIR
    python -m bench.cold_probe keras MODEL_KERAS TOKENIZER_JSON
    python -m bench.cold_probe libraries

Timestamps are time.monotonic(), the system-wide clock the parent also reads, so the parent can
subtract the moment it spawned this process. Nothing is imported before the clock starts except
what the interpreter itself needs.
"""

import time

STARTED = time.monotonic()

import json  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import sys  # noqa: E402


def onnx_first_prediction(model_dir: str, tweet: str) -> dict:
    # The serving path exactly: predict.model as the function app loads it (one ONNX thread).
    from predict.model import load_model_artifact

    imported = time.monotonic()
    model = load_model_artifact(model_dir)
    loaded = time.monotonic()
    probability = float(model.predict_proba([tweet])[0])
    return {
        "imported": imported,
        "loaded": loaded,
        "predicted": time.monotonic(),
        "probability": probability,
        "model_file": model.card.get("serving_model", "model.onnx"),
    }


def app_first_prediction(model_dir: str, tweet: str) -> dict:
    # The whole function app as a worker imports it (every blueprint, telemetry set-up), the
    # model loaded by the health function, then one request through the predict function.
    os.environ["MODEL_DIR"] = model_dir
    import azure.functions as func

    import function_app

    imported = time.monotonic()
    functions = {f.get_function_name(): f.get_user_function() for f in function_app.app.get_functions()}
    health = functions["health"](func.HttpRequest("GET", "http://localhost/api/health", body=b""))
    if health.status_code != 200:
        raise RuntimeError(health.get_body())
    loaded = time.monotonic()
    answer = functions["predict"](
        func.HttpRequest("POST", "http://localhost/api/predict", body=json.dumps({"text": tweet}).encode())
    )
    body = json.loads(answer.get_body())
    return {
        "imported": imported,
        "loaded": loaded,
        "predicted": time.monotonic(),
        "probability": body["probability"],
        "model_file": body["model_version"],
        "prediction_id": body["prediction_id"],
    }


def keras_first_prediction(keras_file: str, tokenizer_file: str, tweet: str) -> dict:
    # The same model as trained, served the straightforward Keras way; the same tokenizer.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import keras
    import numpy as np

    from model_build.lstm import serving_call, word_embedding_class
    from predict.tokenizer import SUBWORD_IDS, TOKEN_IDS, TweetTokenizer

    imported = time.monotonic()
    tokenizer = TweetTokenizer.load(pathlib.Path(tokenizer_file))
    word_embedding_class()  # registers the FastText n-gram embedding layer for loading
    model = keras.saving.load_model(keras_file)
    loaded = time.monotonic()
    # A direct call, not model.predict(): predict() builds a dataset pipeline and is slower for
    # one tweet, so this is the fair, fastest Keras first answer.
    feeds = tokenizer.feeds([tweet], dtype=np.int32)
    probability = float(np.asarray(serving_call(model, feeds[TOKEN_IDS], feeds.get(SUBWORD_IDS))).reshape(-1)[0])
    return {
        "imported": imported,
        "loaded": loaded,
        "predicted": time.monotonic(),
        "probability": probability,
        "model_file": os.path.basename(keras_file),
    }


def libraries_imported() -> dict:
    # The floor under `app`: only the third-party libraries any Python Functions app serving an
    # ONNX model imports (the Functions library, numpy, onnxruntime), none of this repository.
    import azure.functions  # noqa: F401
    import numpy  # noqa: F401
    import onnxruntime  # noqa: F401

    imported = time.monotonic()
    return {"imported": imported, "loaded": imported, "predicted": imported, "probability": None, "model_file": None}


def main(argv: list[str]) -> int:
    from bench.tweets import FIRST_TWEET

    kind, *paths = argv
    if kind == "onnx":
        result = onnx_first_prediction(paths[0], FIRST_TWEET)
    elif kind == "app":
        result = app_first_prediction(paths[0], FIRST_TWEET)
    elif kind == "libraries":
        result = libraries_imported()
    elif kind == "keras":
        result = keras_first_prediction(paths[0], paths[1], FIRST_TWEET)
    else:
        raise SystemExit(f"unknown probe {kind!r}")
    result["started"] = STARTED
    print("COLD_PROBE " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
