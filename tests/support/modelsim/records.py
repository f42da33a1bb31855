"""Plain values the simulation hands to tests and participants."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class TraceEntry:
    """One delivered event: who got it, what it was, and on which relation."""

    target: str  # a unit name ("app/0"), or an app name for a non-charm participant
    event: str  # Juju hook name ("relation-changed"), "action:<name>" or "participant"
    relation_id: int | None = None
    remote: str | None = None  # JUJU_REMOTE_UNIT, or the secret id of a secret event
    round: int | None = None  # settle round; None when delivered by an operation directly

    def __str__(self) -> str:
        where = "" if self.relation_id is None else f" rel={self.relation_id}"
        remote = "" if self.remote is None else f" remote={self.remote}"
        rnd = "" if self.round is None else f" [round {self.round}]"
        return f"{self.target}: {self.event}{where}{remote}{rnd}"


@dataclasses.dataclass(frozen=True)
class Status:
    """A Juju status: name (active, blocked, waiting, maintenance, unknown, error) + message."""

    name: str
    message: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.message else self.name


@dataclasses.dataclass(frozen=True)
class AppStatus:
    """What `juju status` shows for one application."""

    app: Status
    units: Mapping[str, Status]
    leader: str | None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable form (for statuses.json)."""
        return {
            "status": self.app.name,
            "message": self.app.message,
            "leader": self.leader,
            "units": {
                name: {"status": st.name, "message": st.message} for name, st in self.units.items()
            },
        }


@dataclasses.dataclass(frozen=True)
class ActionOutcome:
    """What `juju run` reports: results and logs, or the failure message."""

    unit: str
    results: Mapping[str, Any]
    logs: list[str]
    failure: str | None = None

    @property
    def ok(self) -> bool:
        """True when the charm did not call `event.fail()`."""
        return self.failure is None


@dataclasses.dataclass(frozen=True)
class DatabagUpdate:
    """Keys a participant writes: a value of None or "" deletes the key, as relation-set does."""

    app: Mapping[str, str | None] | None = None
    units: Mapping[int, Mapping[str, str | None]] = dataclasses.field(default_factory=dict)

    def merged_app(self, current: Mapping[str, str]) -> dict[str, str]:
        """The app databag after this update."""
        return self.merged(current, self.app or {})

    @staticmethod
    def merged(current: Mapping[str, str], keys: Mapping[str, str | None]) -> dict[str, str]:
        """`current` with `keys` written; None or "" deletes, as `relation-set key=` does."""
        result = dict(current)
        for key, value in keys.items():
            if value is None or value == "":
                result.pop(key, None)
            else:
                result[key] = value
        return result


@dataclasses.dataclass(frozen=True)
class RelationView:
    """A participant's view of one relation: copies, safe to keep."""

    id: int
    app: str
    endpoint: str
    interface: str
    remote_app: str
    remote_endpoint: str
    local_app_data: Mapping[str, str]
    local_units_data: Mapping[int, Mapping[str, str]]
    remote_app_data: Mapping[str, str]
    remote_units_data: Mapping[int, Mapping[str, str]]
