"""The unit status as a value, and the messages shared by both charms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kube_objects.failures import ApiFailure, Forbidden, Invalid, NotFound

Level = Literal["active", "waiting", "blocked", "maintenance"]

MAX_SHOWN = 120
"""Characters of a quoted value or API message kept in a status line."""


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
        return f"config {self.option}={short(self.value, 40)!r} {self.reason}; run: {self.fix}"

    @property
    def status(self) -> Status:
        """Blocked, naming the option, why, and the command."""
        return blocked(str(self))


def api_failure(failure: ApiFailure, app: str) -> Status:
    """A Kubernetes API failure, in the API server's words, with what to do about it.

    Only an RBAC denial means `juju trust`: admission webhooks and policies answer 403 too.
    """
    said = short(failure.message)
    if isinstance(failure, Forbidden):
        if failure.rbac:
            return blocked(f"no access to the Kubernetes API ({said}); run: {trust_command(app)}")
        return blocked(
            f"the Kubernetes API refused a request ({said}): "
            "an admission policy or webhook said no; ask the cluster's administrator"
        )
    if isinstance(failure, Invalid):
        return blocked(f"Kubernetes rejected an object ({said}): report this as a bug of {app}")
    if isinstance(failure, NotFound):
        return blocked(f"Kubernetes API: not found ({said}); check the cluster's Gateway API CRDs")
    return waiting(f"Kubernetes API unavailable ({said}); retrying on the next event")


def not_owned(names: Sequence[str], app: str) -> Status:
    """Somebody else's objects hold names we need; we never touch them."""
    return blocked(
        f"{', '.join(names)} exists and is not managed by {app}: "
        "delete or rename it (kubectl), or deploy this charm under another application name"
    )


LogLevel = Literal["debug", "info", "warning", "error"]
Log = tuple[LogLevel, str]
"""A line a plan wants logged: (level, message)."""


def gateway_api_missing() -> Status:
    """The cluster serves no Gateway API kinds (the CRDs are not installed)."""
    return blocked(
        "Gateway API CRDs missing from the cluster: the cluster's administrator must install "
        "Gateway API v1.2 or later, with a controller that implements it"
    )
