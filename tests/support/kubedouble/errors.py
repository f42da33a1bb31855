"""Kubernetes `Status` failures, raised inside the double and rendered as kube-apiserver does."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

# The `reason` kube-apiserver puts in a Status body for each HTTP code it returns.
REASONS: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


class ApiFailure(Exception):
    """A request the double refuses; carries everything a Status body needs."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or REASONS.get(code, HTTPStatus(code).phrase.replace(" ", ""))
        self.details = details

    def body(self) -> dict[str, Any]:
        """The `Status` object kube-apiserver sends with this failure."""
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def not_found(plural: str, name: str, group: str = "") -> ApiFailure:
    """`<plural> "<name>" not found`, as for a missing object or namespace."""
    return ApiFailure(
        404,
        f'{_qualified(plural, group)} "{name}" not found',
        details={"name": name, "group": group, "kind": plural},
    )


def already_exists(plural: str, name: str, group: str = "") -> ApiFailure:
    """409 AlreadyExists for a create of an existing name."""
    return ApiFailure(
        409,
        f'{_qualified(plural, group)} "{name}" already exists',
        reason="AlreadyExists",
        details={"name": name, "group": group, "kind": plural},
    )


def stale(plural: str, name: str, group: str = "") -> ApiFailure:
    """409 Conflict for a write carrying an out-of-date `resourceVersion`."""
    return ApiFailure(
        409,
        f'Operation cannot be fulfilled on {_qualified(plural, group)} "{name}": the object has '
        "been modified; please apply your changes to the latest version and try again",
        details={"name": name, "group": group, "kind": plural},
    )


def invalid(kind: str, name: str, errors: list[str], group: str = "") -> ApiFailure:
    """422 Invalid listing each field error as a cause, like kube-apiserver's validation."""
    causes = [_cause(error) for error in errors]
    # apimachinery's aggregate error: one error bare, several as "[a, b]" (as the real
    # kube-apiserver answered in tests/libs/kube_apply/test_rbac.py).
    listed = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return ApiFailure(
        422,
        f'{kind}{"." + group if group else ""} "{name}" is invalid: ' + listed,
        details={"name": name, "group": group, "kind": kind, "causes": causes},
    )


def _cause(error: str) -> dict[str, str]:
    field, sep, message = error.partition(": ")
    if not sep:
        return {"reason": "FieldValueInvalid", "message": error}
    return {"reason": "FieldValueInvalid", "message": message, "field": field}


def _qualified(plural: str, group: str) -> str:
    return f"{plural}.{group}" if group else plural


class PageNotFound(ApiFailure):
    """A path the server does not serve at all (a kind whose CRD is not installed, say).

    kube-apiserver answers these from its HTTP mux with a plain-text `404 page not found`, not
    a JSON Status, so clients see an HTTP error rather than an API error.
    """

    TEXT = "404 page not found"

    def __init__(self) -> None:
        super().__init__(404, "the server could not find the requested resource", details={})
