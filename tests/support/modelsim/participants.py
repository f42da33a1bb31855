"""Non-charm applications: plain Python objects that answer relation data.

A participant stands in for an application whose charm is not under test (a workload, a TLS
provider). It declares its endpoints like charm metadata and is called whenever a relation it is
on changes (data, remote units); it answers with the keys it wants to write. It is called once per
relation per change, for the whole application, not once per unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from modelsim.records import DatabagUpdate, RelationView

if TYPE_CHECKING:
    from modelsim.simulation import Simulation


class Participant:
    """Base class: set `meta` (endpoints, as in metadata.yaml) and override the hooks you need."""

    meta: Mapping[str, Any]

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        """Called after the relation changed; return keys to write, or None."""
        del sim, relation
        return None

    def on_relation_removed(self, sim: Simulation, relation: RelationView) -> None:
        """Called when the relation is broken (its data is still in `relation`)."""
        del sim, relation


UnitData = Mapping[str, str] | Callable[[int], Mapping[str, str]]


class WorkloadRequirer(Participant):
    """Writes fixed app and unit databags on one endpoint and records every answer it gets.

    `unit_data` is either one mapping for every unit or a function of the unit number (so each
    unit can publish its own host or IP).
    """

    def __init__(
        self,
        endpoint: str,
        interface: str,
        *,
        app_data: Mapping[str, str] | None = None,
        unit_data: UnitData | None = None,
        role: str = "requires",
    ) -> None:
        self.endpoint = endpoint
        self.meta = {role: {endpoint: {"interface": interface}}}
        self.app_data: dict[str, str] = dict(app_data or {})
        self.unit_data = unit_data
        self.answers: list[dict[str, str]] = []  # remote app databag, each time it changed
        self.removed: list[int] = []  # relation ids that were broken

    @property
    def answer(self) -> dict[str, str]:
        """The provider's latest app databag ({} before it wrote anything)."""
        return self.answers[-1] if self.answers else {}

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        """Record the answer and (re)state this workload's own databags."""
        del sim
        if not self.answers or self.answers[-1] != relation.remote_app_data:
            self.answers.append(dict(relation.remote_app_data))
        units = {number: self._unit_data(number) for number in relation.local_units_data}
        return DatabagUpdate(app=self.app_data, units=units)

    def on_relation_removed(self, sim: Simulation, relation: RelationView) -> None:
        """Remember the relation went away."""
        del sim
        self.removed.append(relation.id)

    def _unit_data(self, number: int) -> Mapping[str, str]:
        if self.unit_data is None:
            return {}
        if callable(self.unit_data):
            return self.unit_data(number)
        return self.unit_data
