"""Metrics and evaluation images shared by every model family.

A model is evaluated through one function: `probabilities(texts) -> P(positive)`, so the TF-IDF
pipeline, the Keras LSTM, the ONNX graph and the transformer are scored by the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, log_loss, roc_auc_score, roc_curve

Scorer = Callable[[Sequence[str]], np.ndarray]
METRIC_NAMES = ("accuracy", "f1", "roc_auc", "log_loss")


def binary_metrics(labels: np.ndarray, probabilities: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    probabilities = np.clip(np.asarray(probabilities, dtype=np.float64).ravel(), 1e-7, 1 - 1e-7)
    predicted = (probabilities >= threshold).astype(int)
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "f1": float(f1_score(labels, predicted)),
        "roc_auc": float(roc_auc_score(labels, probabilities)),
        "log_loss": float(log_loss(labels, probabilities, labels=[0, 1])),
    }


THRESHOLD_GRID = np.round(np.arange(0.30, 0.7001, 0.005), 3)
CALIBRATION_BINS = 15


def balanced_accuracy(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> float:
    labels = np.asarray(labels).ravel()
    predicted = np.ravel(probabilities) >= threshold
    return float(np.mean([np.mean(predicted[labels == c] == c) for c in (0, 1)]))


def choose_threshold(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """The operating threshold: the best balanced accuracy on VALIDATION data (never test or
    manual), ties going to the threshold nearest 0.5."""
    return choose_threshold_over([(labels, probabilities)])


def choose_threshold_over(sets: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """The threshold with the best MEAN balanced accuracy over several validation sets (labels,
    probabilities), each weighing the same whatever its size; ties to the value nearest 0.5."""
    scores = [(float(np.mean([balanced_accuracy(y, p, t) for y, p in sets])), -abs(t - 0.5), t) for t in THRESHOLD_GRID]
    return float(max(scores)[2])


def calibration(labels: np.ndarray, probabilities: np.ndarray, bins: int = CALIBRATION_BINS) -> dict:
    """Expected calibration error of P(positive) over equal-width bins, and the bins themselves
    (mean predicted, observed positive share, count) for a reliability plot."""
    labels = np.asarray(labels, dtype=np.float64).ravel()
    probabilities = np.asarray(probabilities, dtype=np.float64).ravel()
    index = np.minimum((probabilities * bins).astype(int), bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = index == b
        if not inside.any():
            continue
        predicted, observed = probabilities[inside].mean(), labels[inside].mean()
        ece += inside.mean() * abs(predicted - observed)
        table.append(
            {
                "mean_predicted": round(float(predicted), 4),
                "observed_positive": round(float(observed), 4),
                "count": int(inside.sum()),
            }
        )
    return {"ece": round(float(ece), 5), "bins": bins, "table": table}


def save_reliability_plot(curves: dict[str, dict], title: str, path: Path) -> Path:
    """Reliability diagram: observed positive share against mean predicted P(positive)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4.2, 4.0))
    for split, result in curves.items():
        x = [row["mean_predicted"] for row in result["table"]]
        y = [row["observed_positive"] for row in result["table"]]
        axes.plot(x, y, marker="o", markersize=3, label=f"{split} (ECE {result['ece']:.3f})")
    return _save_with_diagonal(figure, axes, "mean predicted P(positive)", "observed positive share", title, path)


def inference_ms_per_tweet(score: Scorer, texts: Sequence[str], batch_size: int = 64) -> float:
    """Wall time per tweet, normalisation included, scoring in batches as serving does."""
    texts = list(texts)
    score(texts[:batch_size])  # warm-up: graph building, lazy imports
    start = time.perf_counter()
    for begin in range(0, len(texts), batch_size):
        score(texts[begin : begin + batch_size])
    return 1000.0 * (time.perf_counter() - start) / max(1, len(texts))


def save_confusion_matrix(
    labels: np.ndarray, probabilities: np.ndarray, title: str, path: Path, threshold: float = 0.5
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = confusion_matrix(labels, (np.ravel(probabilities) >= threshold).astype(int), labels=[0, 1])
    figure, axes = plt.subplots(figsize=(3.6, 3.2))
    axes.imshow(matrix, cmap="Blues")
    for (row, col), count in np.ndenumerate(matrix):
        axes.text(
            col, row, str(count), ha="center", va="center", color="white" if count > matrix.max() / 2 else "black"
        )
    axes.set_xticks([0, 1], ["negative", "positive"])
    axes.set_yticks([0, 1], ["negative", "positive"])
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def save_roc_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], title: str, path: Path) -> Path:
    """One ROC curve per split: {split: (labels, probabilities)}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4.2, 4.0))
    for split, (labels, probabilities) in curves.items():
        fpr, tpr, _ = roc_curve(labels, np.ravel(probabilities))
        auc = roc_auc_score(labels, np.ravel(probabilities))
        axes.plot(fpr, tpr, label=f"{split} (AUC {auc:.3f})")
    return _save_with_diagonal(figure, axes, "false positive rate", "true positive rate", title, path)


def _save_with_diagonal(figure, axes, xlabel: str, ylabel: str, title: str, path: Path) -> Path:
    """The dotted y = x reference, labels, legend; saved and closed."""
    import matplotlib.pyplot as plt

    axes.plot([0, 1], [0, 1], color="grey", linestyle=":")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize=9)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def evaluate_splits(
    score: Scorer, splits: dict, image_dir: Path, model_label: str
) -> tuple[dict[str, float], dict[str, np.ndarray], list[Path]]:
    """Score every named split; return flat metrics (`test_accuracy`, ...), probabilities, images."""
    image_dir.mkdir(parents=True, exist_ok=True)
    metrics, probabilities, images = {}, {}, []
    for split, frame in splits.items():
        probabilities[split] = np.asarray(score(frame["text"].tolist())).ravel()
        labels = frame["label"].to_numpy()
        for name, value in binary_metrics(labels, probabilities[split]).items():
            metrics[f"{split}_{name}"] = value
        images.append(
            save_confusion_matrix(
                labels,
                probabilities[split],
                f"{model_label}: {split} ({len(frame)} tweets)",
                image_dir / f"confusion_{split}.png",
            )
        )
    images.append(
        save_roc_curves(
            {s: (f["label"].to_numpy(), probabilities[s]) for s, f in splits.items()},
            f"{model_label}: ROC",
            image_dir / "roc.png",
        )
    )
    if "validation" in splits:
        threshold = choose_threshold(splits["validation"]["label"].to_numpy(), probabilities["validation"])
        metrics["threshold"] = threshold
        curves = {}
        for split, frame in splits.items():
            labels = frame["label"].to_numpy()
            metrics[f"{split}_balanced_accuracy"] = balanced_accuracy(labels, probabilities[split], threshold)
            curves[split] = calibration(labels, probabilities[split])
            metrics[f"{split}_ece"] = curves[split]["ece"]
        images.append(
            save_reliability_plot(
                {s: c for s, c in curves.items() if s in ("test", "manual")},
                f"{model_label}: reliability",
                image_dir / "reliability.png",
            )
        )
    return metrics, probabilities, images
