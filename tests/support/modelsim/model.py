"""What the simulated controller remembers about applications, units and relations."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

import ops
from ops import testing

from modelsim.errors import SimulationError
from modelsim.metadata import CharmMeta
from modelsim.participants import Participant


def model_uuid(model: str) -> str:
    """A stable UUID per model name, so reruns produce the same secret and relation views."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"modelsim:{model}"))


_MODEL_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
MODEL_UUID_ANNOTATION = "model.juju.is/id"
"""Juju annotates each model's namespace with the model's UUID (juju/juju caas/kubernetes)."""


def namespace_annotations(model: str) -> dict[str, str]:
    """The annotations Juju puts on the namespace of `model`."""
    return {MODEL_UUID_ANNOTATION: model_uuid(model)}


def juju_unit_keys(address: str) -> dict[str, str]:
    """The keys Juju itself puts in every unit databag."""
    return {
        "egress-subnets": f"{address}/32",
        "ingress-address": address,
        "private-address": address,
    }


@dataclasses.dataclass
class Unit:
    """One unit and what Juju keeps for it between hooks."""

    name: str
    app: str
    number: int
    address: str
    stored_states: frozenset[testing.StoredState] = frozenset()
    deferred: list[testing.DeferredEvent] = dataclasses.field(default_factory=list)
    status: ops.StatusBase = dataclasses.field(default_factory=ops.UnknownStatus)
    workload_version: str = ""
    opened_ports: frozenset[testing.Port] = frozenset()
    # relation id -> remote units this unit has seen join, in order; a key means "in scope"
    # (relation-created delivered), which is when the relation shows up in relation-ids.
    joined: dict[int, list[str]] = dataclasses.field(default_factory=dict)
    context: testing.Context[Any] | None = None
    dying: bool = False  # being removed: still runs its last hooks, no longer planned


@dataclasses.dataclass
class App:
    """One application: a charm under test, or a participant."""

    name: str
    model: str
    meta: CharmMeta
    charm: type[ops.CharmBase] | None
    participant: Participant | None
    trusted: bool
    index: int  # order of deployment, used for addresses
    config: dict[str, Any] = dataclasses.field(default_factory=dict)
    units: dict[str, Unit] = dataclasses.field(default_factory=dict)
    leader: str | None = None
    status: ops.StatusBase = dataclasses.field(default_factory=ops.UnknownStatus)
    next_unit: int = 0
    dying: bool = False

    @property
    def planned_units(self) -> int:
        """What `Application.planned_units()` answers: 0 once removal started."""
        return 0 if self.dying else len(self.live_units)

    @property
    def live_units(self) -> list[str]:
        """Units not being removed, in order."""
        return [name for name, unit in self.units.items() if not unit.dying]

    def unit(self, name: str) -> Unit:
        """The unit called `name` in this app."""
        try:
            return self.units[name]
        except KeyError:
            raise SimulationError(f"no unit {name!r} (units: {list(self.units)})") from None


@dataclasses.dataclass(frozen=True)
class End:
    """One side of a relation."""

    app: str
    endpoint: str
    interface: str

    def __str__(self) -> str:
        return f"{self.app}:{self.endpoint}"


@dataclasses.dataclass
class RelationRecord:
    """One relation and every databag on it, as the controller stores them."""

    id: int
    ends: tuple[End, End]  # both ends name the same app for a peer relation
    app_data: dict[str, dict[str, str]]
    unit_data: dict[str, dict[str, str]]
    dying: bool = False
    # observer app -> the name it knows the other end by, where Juju renames it (cross-model)
    seen_as: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def peer(self) -> bool:
        """True for a peer relation (one app talking to itself)."""
        return self.ends[0].app == self.ends[1].app

    def end(self, app: str) -> End:
        """The end that belongs to `app`."""
        return self.ends[0] if self.ends[0].app == app else self.ends[1]

    def remote(self, app: str) -> End:
        """The end on the other side from `app` (itself, for a peer relation)."""
        return self.ends[1] if self.ends[0].app == app else self.ends[0]

    def remote_name(self, app: str) -> str:
        """The other end's application name as `app`'s charm sees it (`relation.app.name`)."""
        return self.seen_as.get(app, self.remote(app).app)

    def involves(self, app: str) -> bool:
        """True when `app` is one of the ends."""
        return app in (self.ends[0].app, self.ends[1].app)

    def to_json(self) -> dict[str, Any]:
        """Every databag, JSON-serialisable."""
        return {
            "id": self.id,
            "ends": [str(end) for end in self.ends],
            "interface": self.ends[0].interface,
            "app_data": {app: dict(data) for app, data in sorted(self.app_data.items())},
            "unit_data": {unit: dict(data) for unit, data in sorted(self.unit_data.items())},
        }


def unit_number(unit_name: str) -> int:
    """`app/3` -> 3."""
    return int(unit_name.rsplit("/", 1)[1])


def claimed_models(relations: Iterable[object]) -> set[str]:
    """The models gateway-route requesters in `relations` name (testing.Relation objects).

    Test rigs that run the gateway alone use it to make those models' namespaces exist, as
    Juju does for every model before anything in it can relate.
    """
    found: set[str] = set()
    for relation in relations:
        if getattr(relation, "endpoint", None) != "gateway-route":
            continue
        raw = (getattr(relation, "remote_app_data", None) or {}).get("namespace", "null")
        try:
            name = json.loads(raw)
        except (ValueError, TypeError, RecursionError):
            continue
        if isinstance(name, str) and _MODEL_NAME.fullmatch(name):
            found.add(name)
    return found
