"""API failures sorted into what the charm should tell the operator and whether to retry."""

from __future__ import annotations

import httpx2
from lightkube import ApiError


class KubeError(Exception):
    """A Kubernetes API failure the charm turns into a status instead of a traceback."""

    retry: bool = True

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


class TrustRequired(KubeError):
    """403: the application was deployed without --trust (or lost it)."""

    retry = False


class MissingApi(KubeError):
    """404 on a collection: the kind (usually a Gateway API CRD) is not installed."""

    retry = False


class Rejected(KubeError):
    """422: the API server refused an object we built; a bug or a CRD version we don't fit."""

    retry = False


class Unavailable(KubeError):
    """5xx, 409, timeouts, resets: likely to pass on the next event."""


def classify(error: Exception) -> KubeError:
    """Map a lightkube / HTTP exception to a KubeError; unknown exceptions are not swallowed."""
    if isinstance(error, KubeError):
        return error
    if isinstance(error, ApiError):
        code = error.status.code or error.response.status_code
        message = error.status.message or str(error)
        return _by_code(code, message)
    if isinstance(error, httpx2.HTTPStatusError):
        code = error.response.status_code
        return _by_code(code, f"HTTP {code} from the Kubernetes API")
    if isinstance(error, httpx2.HTTPError):
        return Unavailable(f"Kubernetes API unreachable: {type(error).__name__}: {error}")
    raise error


def _by_code(code: int, message: str) -> KubeError:
    if code == 403:
        return TrustRequired(message, code)
    if code == 404:
        return MissingApi(message, code)
    if code == 422:
        return Rejected(message, code)
    return Unavailable(message, code)


API_ERRORS: tuple[type[Exception], ...] = (httpx2.HTTPError, KubeError)
"""What `except` clauses around API calls catch before passing the exception to classify()."""
