"""`juju refresh`: config, relations, databags and secrets kept, unit local state dropped.

The new charm's first hooks are upgrade-charm, config-changed, start, on every unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import ops
import pytest

from modelsim import (
    DatabagUpdate,
    Participant,
    RelationView,
    Simulation,
    SimulationError,
    TraceEntry,
)

ECHO = {"interface": "echo"}


class Successor(ops.CharmBase):
    """Counts its hooks in stored state and shows what it found: config, echo data, secret."""

    META: ClassVar[dict[str, Any]] = {
        "name": "successor",
        "provides": {"echo": ECHO, "vault": {"interface": "vault"}},
        "config": {"options": {"value": {"type": "int", "default": 1}}},
    }
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(hooks=0)
        for event in (
            self.on.upgrade_charm,
            self.on.config_changed,
            self.on.start,
            self.on.echo_relation_changed,
        ):
            framework.observe(event, self._reconcile)

    def _reconcile(self, _: ops.EventBase) -> None:
        self._stored.hooks += 1
        shown = [f"hooks {self._stored.hooks}", f"value {self.config['value']}"]
        for relation in self.model.relations["echo"]:
            asked = relation.data[relation.app].get("value") if relation.app else None
            shown.append(f"asked {asked}")
            if self.unit.is_leader() and asked is not None:
                relation.data[self.app]["doubled"] = str(int(asked) * 2)
        try:
            token = self.model.get_secret(label="token").peek_content()["token"]
            shown.append(f"token {token}")
        except ops.SecretNotFoundError:
            pass
        self.unit.status = ops.ActiveStatus(", ".join(shown))


class OldEcho(Participant):
    """The charm before the refresh, as a stand-in: it answered `doubled: old`."""

    meta: Mapping[str, Any] = {
        "provides": {"echo": ECHO},
        "config": {"options": {"value": {"type": "int"}, "gone": {"type": "string"}}},
    }

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        del sim, relation
        return DatabagUpdate(app={"doubled": "old"}, units={0: {"old": "yes"}})


@pytest.fixture
def stand_in(sim: Simulation, deploy, charms) -> int:
    """A two-unit stand-in led by unit 1, configured, related to a requirer asking 7."""
    sim.add_participant("prov", OldEcho(), units=2, config={"value": 5, "gone": "x"})
    sim.set_leader("prov", "prov/1")
    deploy("req", charms.echo_requirer, config={"value": 7})
    rid = sim.relate("req", "prov")
    sim.settle()
    return rid


def test_a_stand_in_refreshed_runs_upgrade_charm_config_changed_start_leader_first(
    sim: Simulation, stand_in: int
) -> None:
    start = len(sim.trace)

    sim.refresh("prov", Successor, Successor.META)

    assert [str(e) for e in sim.trace[start:]] == [
        f"prov/{n}: {hook}"
        for n in (1, 0)
        for hook in ("upgrade-charm", "config-changed", "start")
    ]


def test_refresh_keeps_config_relations_and_both_sides_databags(
    sim: Simulation, stand_in: int
) -> None:
    req_before = sim.app_data(stand_in, "req")

    sim.refresh("prov", Successor, Successor.META)

    # The first hook already sees the relation, the remote data and the config.
    assert sim.status("prov").units["prov/1"].message.startswith("hooks 3, value 5, asked 7")
    assert sim.app_data(stand_in, "req") == req_before
    assert sim.unit_data(stand_in, "prov/0")["old"] == "yes"  # its unit databag: untouched
    assert sim.app_data(stand_in, "prov") == {"doubled": "14"}
    assert sim.unit_state("prov/0").config == {"value": 5}  # `gone`: not an option any more


def test_what_the_new_charm_writes_wakes_the_other_side_at_settle(
    sim: Simulation, stand_in: int
) -> None:
    sim.refresh("prov", Successor, Successor.META)
    assert sim.pending == [f"req/0: relation-changed ({stand_in}) from prov"]

    sim.settle()

    assert str(sim.status("req").units["req/0"]) == "active: got 14"


def test_a_refreshed_unit_starts_without_its_stored_state(sim: Simulation, deploy) -> None:
    deploy("succ", Successor)
    assert sim.status("succ").units["succ/0"].message.startswith("hooks 2,")

    sim.refresh("succ", Successor, Successor.META)

    assert sim.status("succ").units["succ/0"].message.startswith("hooks 3,")  # not 5
    events = sim.events("succ/0")
    assert events[-3:] == ["succ/0: upgrade-charm", "succ/0: config-changed", "succ/0: start"]


def test_app_owned_secrets_survive_the_refresh(sim: Simulation, deploy, charms) -> None:
    deploy("keeper", charms.secret_keeper)
    deploy("reader", charms.secret_reader)
    sim.relate("reader", "keeper")
    sim.settle()

    sim.refresh("keeper", Successor, Successor.META)

    assert sim.status("keeper").units["keeper/0"].message.endswith("token t1")


def test_refresh_is_refused_when_the_new_charm_lacks_an_endpoint_in_use(
    sim: Simulation, stand_in: int, charms
) -> None:
    with pytest.raises(SimulationError, match="no endpoint echo"):
        sim.refresh("prov", charms.secret_keeper, charms.secret_keeper.META)


def test_after_event_sees_every_event_once_taken_back(sim: Simulation, stand_in: int) -> None:
    seen: list[tuple[str, dict[str, str]]] = []

    def watch(s: Simulation, entry: TraceEntry) -> None:
        seen.append((str(entry), s.app_data(stand_in, "prov")))

    sim.after_event(watch)
    sim.refresh("prov", Successor, Successor.META)
    sim.settle()

    assert seen[0] == ("prov/1: upgrade-charm", {"doubled": "14"})
    assert [event for event, _ in seen] == [str(e) for e in sim.trace[-len(seen) :]]
