"""Kubernetes API failures by what they mean, as plain exceptions (no client imported).

`kube_apply.classify` turns the client's exceptions into these; each charm's plan turns them into
a status. The API server's own message is always kept: it is what the operator needs to read.
"""

from __future__ import annotations


class ApiFailure(Exception):
    """A Kubernetes API call that failed; never a hook error."""

    retry: bool = True
    """Whether the next event may succeed without anybody acting."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


class Forbidden(ApiFailure):
    """403: RBAC (the application lacks `juju trust`), or an admission policy or webhook."""

    retry = False

    @property
    def rbac(self) -> bool:
        """Whether RBAC said no, rather than an admission webhook or policy.

        The authorizer's denial reads `... cannot <verb> resource "<resource>" ...`; webhooks
        and ValidatingAdmissionPolicies answer 403 too, with their own words.
        """
        return "cannot " in self.message and " resource " in self.message


class NotFound(ApiFailure):
    """404: the object, or the whole kind (its CRD is not installed)."""

    retry = False


class Conflict(ApiFailure):
    """409: somebody else changed the object first; the next event reads it again."""


class Invalid(ApiFailure):
    """422: the API server refused an object we built (a bug, or a CRD version we don't fit)."""

    retry = False


class Unavailable(ApiFailure):
    """5xx, 429, timeouts, resets, no configuration: likely to pass on the next event."""


def by_code(code: int, message: str) -> ApiFailure:
    """The failure an HTTP status code stands for."""
    kinds: dict[int, type[ApiFailure]] = {
        403: Forbidden,
        404: NotFound,
        409: Conflict,
        422: Invalid,
    }
    return kinds.get(code, Unavailable)(message, code)
