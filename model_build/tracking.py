"""MLflow: one experiment, a local SQLite store by default, one place that logs a finished run.

Tracking happens here and only in training commands; serving never imports MLflow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

EXPERIMENT = "tweet-sentiment"
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
REGISTERED_MODEL = "tweet-sentiment-fasttext-lstm"
CHAMPION_ALIAS = "champion"


def tracking_uri(option: str | None = None) -> str:
    """`--tracking-uri`, else MLFLOW_TRACKING_URI, else mlflow.db in the working directory."""
    return option or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def start_run(uri: str | None, run_name: str, tags: dict[str, str] | None = None):
    import mlflow

    uri = tracking_uri(uri)
    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name(EXPERIMENT) is None:
        mlflow.create_experiment(EXPERIMENT, artifact_location=_artifact_location(uri))
    mlflow.set_experiment(EXPERIMENT)
    return mlflow.start_run(run_name=run_name, tags=tags or {})


def _artifact_location(uri: str) -> str | None:
    """Artefacts beside a SQLite store (`mlruns/` next to the .db) rather than in the cwd."""
    if not uri.startswith("sqlite:///"):
        return None
    database = Path(uri.removeprefix("sqlite:///"))
    return (database.parent.resolve() / "mlruns").as_uri()


def log_data_description(description: dict) -> None:
    """Sources with sha256, row counts and split seed: as params (searchable) and as JSON."""
    import mlflow

    params = {"split_seed": description["split_seed"]}
    params.update({f"rows_{k}": v for k, v in description["rows"].items()})
    params.update({f"sha256_{name}": meta["sha256"][:16] for name, meta in description["sources"].items()})
    mlflow.log_params(params)
    mlflow.log_dict(description, "data/description.json")


def log_evaluation(metrics: dict[str, float], images: list[Path]) -> None:
    import mlflow

    mlflow.log_metrics(metrics)
    for image in images:
        mlflow.log_artifact(str(image), artifact_path="evaluation")


def register_champion(
    run_id: str, artifact_path: str, name: str = REGISTERED_MODEL, alias: str = CHAMPION_ALIAS
) -> str:
    """Register the run's logged model and point the alias at the new version."""
    import mlflow
    from mlflow import MlflowClient

    version = mlflow.register_model(f"runs:/{run_id}/{artifact_path}", name)
    MlflowClient().set_registered_model_alias(name, alias, version.version)
    return str(version.version)


def champion_run_id(uri: str | None, name: str = REGISTERED_MODEL, alias: str = CHAMPION_ALIAS) -> str | None:
    """The run behind the alias, or None when nothing is registered under it yet."""
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(tracking_uri(uri))
    try:
        return MlflowClient().get_model_version_by_alias(name, alias).run_id
    except MlflowException:
        return None


def runs_table(uri: str | None) -> Iterator[dict]:
    """Finished runs of the experiment, newest first, as flat dictionaries."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri(uri))
    frame = mlflow.search_runs(experiment_names=[EXPERIMENT], order_by=["start_time DESC"])
    for _, row in frame.iterrows():
        yield {key: row[key] for key in frame.columns}


def dump_json(data: dict, path: Path) -> Path:
    path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    return path
