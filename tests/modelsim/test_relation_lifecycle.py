"""Relation events arrive in Juju's order, with what ops shows the charm at each step."""

from __future__ import annotations

import pytest

from modelsim import Simulation, SimulationError


def test_deploy_runs_install_leader_elected_config_changed_start_on_the_leader(
    sim: Simulation, deploy, charms
) -> None:
    deploy("prov", charms.echo_provider)

    assert sim.events("prov/0") == [
        "prov/0: install",
        "prov/0: leader-elected",
        "prov/0: config-changed",
        "prov/0: start",
    ]


def test_deploy_gives_no_leader_elected_to_other_units(sim: Simulation, deploy, charms) -> None:
    deploy("prov", charms.echo_provider, units=2)

    assert sim.events("prov/1") == ["prov/1: install", "prov/1: config-changed", "prov/1: start"]


def test_peer_relation_is_created_before_leader_elected_and_units_join_each_other(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder, units=2)

    assert sim.events("rec/0") == [
        "rec/0: install",
        "rec/0: relation-created rel=0",
        "rec/0: leader-elected",
        "rec/0: config-changed",
        "rec/0: start",
        "rec/0: relation-joined rel=0 remote=rec/1",
        "rec/0: relation-changed rel=0 remote=rec/1",
    ]


def test_relate_delivers_created_then_joined_and_changed_per_remote_unit(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider, units=2)
    start = len(sim.trace)

    rid = sim.relate("rec", "prov")

    rec_events = [str(e) for e in sim.trace[start:] if e.target == "rec/0"]
    assert rec_events == [
        f"rec/0: relation-created rel={rid}",
        f"rec/0: relation-joined rel={rid} remote=prov/0",
        f"rec/0: relation-changed rel={rid} remote=prov/0",
        f"rec/0: relation-joined rel={rid} remote=prov/1",
        f"rec/0: relation-changed rel={rid} remote=prov/1",
    ]


def test_created_happens_on_both_sides_before_any_join(sim: Simulation, deploy, charms) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider)
    start = len(sim.trace)

    sim.relate("rec", "prov")

    hooks = [e.event for e in sim.trace[start:]]
    assert hooks[:2] == ["relation-created", "relation-created"]
    assert "relation-created" not in hooks[2:]


def test_relation_units_grow_as_remote_units_join(
    sim: Simulation, deploy, charms, history
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider, units=2)

    rid = sim.relate("rec", "prov")

    joins = [
        e["units"]
        for e in history("rec/0")
        if e["event"] == "RelationJoinedEvent" and e["relation"] == rid
    ]
    assert joins == [["prov/0"], ["prov/0", "prov/1"]]


def test_unrelate_departs_each_remote_unit_then_breaks_both_sides(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider, units=2)
    rid = sim.relate("rec", "prov")
    sim.settle()
    start = len(sim.trace)

    sim.unrelate("rec", "prov")

    assert [str(e) for e in sim.trace[start:]] == [
        f"rec/0: relation-departed rel={rid} remote=prov/0",
        f"rec/0: relation-departed rel={rid} remote=prov/1",
        f"prov/0: relation-departed rel={rid} remote=rec/0",
        f"prov/1: relation-departed rel={rid} remote=rec/0",
        f"rec/0: relation-broken rel={rid}",
        f"prov/0: relation-broken rel={rid}",
        f"prov/1: relation-broken rel={rid}",
    ]


def test_departing_unit_is_unlisted_but_its_databag_is_readable(
    sim: Simulation, deploy, charms, history
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider, units=2)
    rid = sim.relate("rec", "prov")
    address = sim.unit_data(rid, "prov/0")["ingress-address"]

    sim.unrelate("rec", "prov")

    departed = [e for e in history("rec/0") if e["event"] == "RelationDepartedEvent"]
    assert departed[0]["units"] == ["prov/1"]
    assert departed[0]["departing"] == "prov/0"
    assert departed[0]["departed_address"] == address


def test_broken_relation_is_left_out_of_model_relations(
    sim: Simulation, deploy, charms, history
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider)
    sim.relate("rec", "prov")

    sim.unrelate("rec", "prov")

    broken = history("rec/0")[-1]
    assert broken["event"] == "RelationBrokenEvent"
    assert broken["listed"] is False
    assert broken["units"] == []


def test_relation_is_gone_after_unrelate(sim: Simulation, deploy, charms) -> None:
    deploy("req", charms.echo_requirer)
    deploy("prov", charms.echo_provider)
    sim.relate("req", "prov")
    sim.settle()

    sim.unrelate("req", "prov")

    assert sim.databags() == []
    assert not sim.unit_state("req/0").relations
    assert str(sim.status("req").units["req/0"]) == "blocked: needs an echo provider"


@pytest.fixture
def three_apps(deploy, charms) -> None:
    deploy("req", charms.echo_requirer)
    deploy("req2", charms.echo_requirer)
    deploy("prov", charms.echo_provider)


@pytest.mark.parametrize(
    ("a", "b", "complaint"),
    [
        ("req:nope", "prov", "cannot relate"),
        ("req", "nobody", "no application"),
        ("req", "req2", "cannot relate"),  # two requirers: no provides end
    ],
)
@pytest.mark.usefixtures("three_apps")
def test_relate_refuses_what_juju_refuses(sim: Simulation, a: str, b: str, complaint: str) -> None:
    with pytest.raises(SimulationError, match=complaint):
        sim.relate(a, b)


def test_relate_refuses_a_second_relation_over_the_endpoint_limit(
    sim: Simulation, deploy, charms
) -> None:
    deploy("req", charms.echo_requirer)
    deploy("prov", charms.echo_provider)
    deploy("prov2", charms.echo_provider)
    sim.relate("req", "prov")

    with pytest.raises(SimulationError, match="limit 1"):
        sim.relate("req", "prov2")


def test_relating_the_same_pair_twice_is_refused(sim: Simulation, deploy, charms) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider)
    sim.relate("rec", "prov")

    with pytest.raises(SimulationError, match="already related"):
        sim.relate("rec:echo", "prov:echo")
