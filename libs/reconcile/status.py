"""The unit status as a value, and the messages shared by both charms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kube_objects.failures import ApiFailure, Forbidden, Invalid, NotFound

Level = Literal["active", "waiting", "blocked", "maintenance"]

MAX_SHOWN = 120
"""Characters of a quoted value or API message kept in a status line."""

ENABLE_GATEWAY = "on Canonical K8s run: sudo k8s enable gateway"
"""How a cluster gets Gateway API CRDs and a controller, where a command does it."""
CRD_CHECK = "kubectl get crd | grep gateway.networking.k8s.io"


@dataclass(frozen=True)
class Status:
    """A unit status: Juju's level name and the message."""

    level: Level
    message: str

    @property
    def is_blocked(self) -> bool:
        """Whether an operator must act."""
        return self.level == "blocked"


def active(message: str) -> Status:
    """Serving: the message says where traffic goes."""
    return Status("active", message)


def waiting(message: str) -> Status:
    """Something outside the charm is awaited and will arrive without anybody acting."""
    return Status("waiting", message)


def blocked(message: str) -> Status:
    """Somebody must act; the message says who and how."""
    return Status("blocked", message)


STANDBY = active("standby")
"""Non-leader units: the leader does all the work."""


def short(text: str, limit: int = MAX_SHOWN) -> str:
    """`text` cut to `limit` characters, marked when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def some(names: Sequence[str], limit: int = 3) -> str:
    """Up to `limit` names and a count of the rest: `a, b, c and 4 more`."""
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def trust_command(app: str) -> str:
    """The command that grants an application access to the Kubernetes API."""
    return f"juju trust {app} --scope=cluster"


@dataclass(frozen=True)
class ConfigProblem:
    """One config option's value is unusable: the charm keeps serving what it served before."""

    option: str
    value: str
    reason: str
    fix: str
    """The command that fixes it, e.g. `juju config <app> <option>=<value>`."""

    def __str__(self) -> str:
        value = short(self.value, 40)
        return f"this charm's config {self.option}={value!r} {self.reason}; run: {self.fix}"

    @property
    def status(self) -> Status:
        """Blocked, naming the option, why, and the command."""
        return blocked(str(self))


def api_failure(failure: ApiFailure, app: str) -> Status:
    """A Kubernetes API failure, in the API server's words, with who must act and how.

    Only an RBAC denial means `juju trust`: admission webhooks and policies answer 403 too.
    """
    said = short(failure.message)
    if isinstance(failure, Forbidden):
        if failure.rbac:
            return blocked(
                f"no access to the Kubernetes API ({said}): {app} needs trust; "
                f"run: {trust_command(app)}"
            )
        return blocked(
            f"the Kubernetes API refused a request ({said}): an admission policy or webhook "
            "said no; the cluster's administrator must allow it, see: "
            "kubectl get validatingadmissionpolicies,validatingwebhookconfigurations"
        )
    if isinstance(failure, Invalid):
        return blocked(
            f"Kubernetes rejected an object ({said}): a bug of {app} or a CRD version it does "
            f"not fit; report it with: juju debug-log --include {app} --replay"
        )
    if isinstance(failure, NotFound):
        return blocked(
            f"Kubernetes API: not found ({said}): the cluster's administrator must install the "
            f"Gateway API CRDs; see: {CRD_CHECK}"
        )
    return waiting(f"Kubernetes API unavailable ({said}); retrying on the next event")


def _delete_command(name: str) -> str:
    """`kubectl -n ns delete kind name` for `Kind ns/name`; empty if it does not read so."""
    kind, _, where = name.partition(" ")
    namespace, _, obj = where.partition("/")
    if not (kind and namespace and obj):
        return ""
    return f"kubectl -n {namespace} delete {kind.lower()} {obj}"


def not_owned(names: Sequence[str], app: str) -> Status:
    """Somebody else's objects hold names we need; we never touch them."""
    command = _delete_command(names[0]) if names else ""
    fix = f"; if stale, run: {command}" if command else ""
    verb = "exist and are" if len(names) > 1 else "exists and is"
    return blocked(
        f"{some(list(names))} {verb} not managed by {app}: its owner must delete or rename "
        f"it (or deploy this charm under another name){fix}"
    )


LogLevel = Literal["debug", "info", "warning", "error"]
Log = tuple[LogLevel, str]
"""A line a plan wants logged: (level, message)."""


def gateway_api_missing() -> Status:
    """The cluster serves no Gateway API kinds (the CRDs are not installed)."""
    return blocked(
        "Gateway API CRDs missing from the cluster: the cluster's administrator must install "
        f"Gateway API v1.2 or later and a controller; e.g. {ENABLE_GATEWAY}"
    )
