"""Every setting and limit of the service, read from the environment in one place.

Blueprints receive values from here; nothing else reads os.environ. Names follow Azure Functions
app settings (`local.settings.json` locally, Function App configuration in Azure).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.connections import (
    StorageConnection,
    TokenIdentity,
    resolve_feedback_storage,
    resolve_telemetry_identity,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    model_dir: Path
    onnx_threads: int
    # Request limits (documented in the README and the OpenAPI document).
    max_text_chars: int
    max_batch_size: int
    max_body_bytes: int
    max_model_version_chars: int
    feedback_table: str
    # Connection string (Azurite) or identity (Azure): service/connections.py decides, from settings.
    feedback_storage: StorageConnection
    storage_timeout_seconds: int
    appinsights_connection_string: str
    # Who signs Application Insights ingestion (Entra ID); None: the connection string alone.
    appinsights_identity: TokenIdentity | None
    # Where the exporter keeps batches that Application Insights refused, to resend later; empty:
    # the exporter's default, a folder under the system temp dir shared by every app of that key.
    telemetry_storage_dir: str
    retry_after_seconds: int

    @classmethod
    def from_env(cls) -> Settings:
        model_dir = Path(os.environ.get("MODEL_DIR", "onnx_models/fasttext_lstm"))
        if not model_dir.is_absolute():
            model_dir = PROJECT_ROOT / model_dir
        return cls(
            model_dir=model_dir,
            onnx_threads=_int("ONNX_INTRA_OP_THREADS", 1),
            max_text_chars=_int("MAX_TEXT_CHARS", 1000),
            max_batch_size=_int("MAX_BATCH_SIZE", 100),
            max_body_bytes=_int("MAX_BODY_BYTES", 256 * 1024),
            max_model_version_chars=_int("MAX_MODEL_VERSION_CHARS", 200),
            feedback_table=os.environ.get("FEEDBACK_TABLE_NAME", "feedback"),
            feedback_storage=resolve_feedback_storage(os.environ),
            storage_timeout_seconds=_int("STORAGE_TIMEOUT_SECONDS", 5),
            appinsights_connection_string=os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING", ""),
            appinsights_identity=resolve_telemetry_identity(os.environ),
            telemetry_storage_dir=os.environ.get("TELEMETRY_STORAGE_DIR", "").strip(),
            retry_after_seconds=_int("RETRY_AFTER_SECONDS", 30),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this worker, read once (tests clear the cache to change them)."""
    return Settings.from_env()
