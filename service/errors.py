"""The one exception type that becomes an HTTP error answer."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the caller can fix (4xx) or wait out (503): mapped to JSON once, in service.http."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def bad_request(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def too_large(code: str, message: str) -> ApiError:
    return ApiError(413, code, message)


def unavailable(code: str, message: str, retry_after_seconds: int) -> ApiError:
    return ApiError(503, code, message, {"Retry-After": str(retry_after_seconds)})
