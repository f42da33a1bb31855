"""Across models Juju renames the consumer for the offering side: `remote-<uuid>`, units too."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

import ops
import pytest

from modelsim import DatabagUpdate, RelationView, Simulation, SimulationError, WorkloadRequirer

REMOTE = re.compile(r"^remote-[0-9a-f]{32}$")


class NameWitness(ops.CharmBase):
    """Shows, in its status, what the model called the other end in its last relation event."""

    META: ClassVar[dict[str, Any]] = {
        "name": "witness",
        "provides": {"offered": {"interface": "names"}},
        "requires": {"consumed": {"interface": "names"}},
    }

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        for endpoint in ("offered", "consumed"):
            framework.observe(self.on[endpoint].relation_changed, self._note)

    def _note(self, event: ops.RelationChangedEvent) -> None:
        seen = {
            "app": event.relation.app.name if event.relation.app else None,
            "event_app": event.app.name if event.app else None,
            "unit": event.unit.name if event.unit else None,
            "units": sorted(unit.name for unit in event.relation.units),
        }
        self.unit.status = ops.ActiveStatus(json.dumps(seen, sort_keys=True))


def seen(sim: Simulation, unit: str) -> dict[str, Any]:
    return json.loads(sim.status(unit.split("/", maxsplit=1)[0]).units[unit].message)


def deploy_pair(sim: Simulation, *, same_model: bool = False, units: int = 1) -> None:
    sim.add_app("gateway", NameWitness, NameWitness.META, model="infra", units=units)
    model = "infra" if same_model else "shop"
    sim.add_app("route", NameWitness, NameWitness.META, model=model, units=units)


def test_simple_names_are_the_real_ones() -> None:
    sim = Simulation()
    deploy_pair(sim)
    sim.relate("gateway:offered", "route:consumed")

    assert seen(sim, "gateway/0")["app"] == "route"
    assert seen(sim, "route/0")["app"] == "gateway"


def test_offering_side_sees_the_consumer_as_remote_uuid_and_its_units_under_it() -> None:
    sim = Simulation(cross_model_names="juju")
    deploy_pair(sim, units=2)
    sim.relate("gateway:offered", "route:consumed")

    offering = seen(sim, "gateway/0")
    remote = offering["app"]
    assert REMOTE.match(remote)
    assert offering["event_app"] == remote
    assert offering["units"] == [f"{remote}/0", f"{remote}/1"]
    assert offering["unit"].startswith(f"{remote}/")


def test_consuming_side_sees_the_offer_under_the_offered_application_name() -> None:
    sim = Simulation(cross_model_names="juju")
    deploy_pair(sim, units=2)
    sim.relate("gateway:offered", "route:consumed")

    assert seen(sim, "route/1")["app"] == "gateway"
    assert seen(sim, "route/1")["units"] == ["gateway/0", "gateway/1"]


def test_same_model_relations_keep_real_names() -> None:
    sim = Simulation(cross_model_names="juju")
    deploy_pair(sim, same_model=True)
    sim.relate("gateway:offered", "route:consumed")

    assert seen(sim, "gateway/0")["app"] == "route"


def test_offerer_can_be_the_requiring_end() -> None:
    sim = Simulation(cross_model_names="juju")
    deploy_pair(sim)
    sim.relate("gateway:offered", "route:consumed", offerer="route")

    assert REMOTE.match(seen(sim, "route/0")["app"])
    assert seen(sim, "gateway/0")["app"] == "route"


def test_remote_name_is_stable_per_application() -> None:
    names = []
    for _ in range(2):
        sim = Simulation(cross_model_names="juju")
        deploy_pair(sim)
        sim.relate("gateway:offered", "route:consumed")
        names.append(seen(sim, "gateway/0")["app"])
    assert names[0] == names[1]


def test_databags_and_trace_keep_the_real_names_for_tests() -> None:
    sim = Simulation(cross_model_names="juju")
    deploy_pair(sim)
    relation = sim.relate("gateway:offered", "route:consumed")

    assert sim.databags()[relation]["ends"] == ["gateway:offered", "route:consumed"]
    assert sim.relation_id("route", "gateway") == relation


class Spy(WorkloadRequirer):
    def __init__(self) -> None:
        super().__init__("consumed", "names")
        self.remote_apps: list[str] = []

    def on_relation_data(self, sim: Any, relation: RelationView) -> DatabagUpdate | None:
        self.remote_apps.append(relation.remote_app)
        return super().on_relation_data(sim, relation)


def test_participants_see_what_a_charm_on_their_side_would() -> None:
    sim = Simulation(cross_model_names="juju")
    sim.add_app("route", NameWitness, NameWitness.META, model="shop")
    spy = Spy()
    sim.add_participant("tenant", spy, model="elsewhere")
    sim.relate("route:offered", "tenant:consumed")

    assert spy.remote_apps[-1] == "route"
    assert REMOTE.match(seen(sim, "route/0")["app"])


def test_unknown_naming_is_refused() -> None:
    with pytest.raises(SimulationError, match="cross_model_names"):
        Simulation(cross_model_names="fancy")  # type: ignore[arg-type]


def test_offerer_must_be_an_end() -> None:
    sim = Simulation(cross_model_names="juju")
    deploy_pair(sim)
    with pytest.raises(SimulationError, match="offerer 'nope'"):
        sim.relate("gateway:offered", "route:consumed", offerer="nope")
