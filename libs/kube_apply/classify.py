"""The client's exceptions, sorted into `kube_objects` failures by what they mean."""

from __future__ import annotations

import httpx2
from lightkube import ApiError

from kube_objects.failures import ApiFailure, Unavailable, by_code


def classify(error: Exception) -> ApiFailure:
    """Map a lightkube / HTTP exception to an ApiFailure; unknown exceptions are not swallowed."""
    if isinstance(error, ApiFailure):
        return error
    if isinstance(error, ApiError):
        code = error.status.code or error.response.status_code
        return by_code(code, error.status.message or str(error))
    if isinstance(error, httpx2.HTTPStatusError):
        code = error.response.status_code
        body = error.response.text.strip()[:200]
        return by_code(
            code, f"HTTP {code} from the Kubernetes API" + (f": {body}" if body else "")
        )
    if isinstance(error, httpx2.HTTPError):
        return Unavailable(f"Kubernetes API unreachable: {type(error).__name__}: {error}")
    raise error


API_ERRORS: tuple[type[Exception], ...] = (httpx2.HTTPError, ApiError, ApiFailure)
"""What `except` clauses around API calls catch before passing the exception to classify()."""
