"""Leadership, scaling and application removal, as Juju sequences them."""

from __future__ import annotations

from modelsim import Simulation, WorkloadRequirer


def test_set_leader_delivers_leader_elected_to_the_new_leader_only(
    sim: Simulation, deploy, charms
) -> None:
    deploy("lw", charms.leader_writer, units=2)
    start = len(sim.trace)

    sim.set_leader("lw", "lw/1")

    assert [str(e) for e in sim.trace[start:]] == ["lw/1: leader-elected"]
    assert sim.status("lw").leader == "lw/1"


def test_new_leader_rewrites_app_data_and_the_remote_side_sees_it(
    sim: Simulation, deploy, charms
) -> None:
    deploy("lw", charms.leader_writer, units=2)
    workload = WorkloadRequirer("echo", "echo")
    sim.add_participant("wl", workload)
    sim.relate("wl", "lw")
    sim.settle()

    sim.set_leader("lw", "lw/1")
    sim.settle()

    assert [answer.get("leader") for answer in workload.answers] == [None, "lw/0", "lw/1"]
    assert str(sim.status("lw").app) == "active: led by lw/1"


def test_old_leader_sees_it_lost_leadership_in_its_next_hook(
    sim: Simulation, deploy, charms, history
) -> None:
    deploy("rec", charms.recorder, units=2)
    sim.set_leader("rec", "rec/1")

    sim.update_status("rec")

    assert history("rec/0")[-1] == {"event": "UpdateStatusEvent", "leader": False, "planned": 2}


def test_scale_up_brings_a_new_unit_up_then_joins_it_to_existing_relations(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider)
    rid = sim.relate("rec", "prov")

    sim.scale("rec", 2)

    assert sim.events("rec/1") == [
        "rec/1: install",
        "rec/1: relation-created rel=0",
        f"rec/1: relation-created rel={rid}",
        "rec/1: config-changed",
        "rec/1: start",
        "rec/1: relation-joined rel=0 remote=rec/0",
        "rec/1: relation-changed rel=0 remote=rec/0",
        f"rec/1: relation-joined rel={rid} remote=prov/0",
        f"rec/1: relation-changed rel={rid} remote=prov/0",
    ]


def test_scale_up_lets_existing_remote_units_see_the_new_unit_join(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider)
    rid = sim.relate("rec", "prov")

    sim.scale("rec", 2)
    sim.settle()

    assert f"prov/0: relation-joined rel={rid} remote=rec/1" in sim.events("prov/0")
    assert sim.unit_data(rid, "prov/0")["remote-units"] == "2"


def test_scale_down_departs_the_unit_then_breaks_stops_and_removes_it(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder, units=2)
    deploy("prov", charms.echo_provider)
    rid = sim.relate("rec", "prov")
    start = len(sim.trace)

    sim.scale("rec", 1)

    assert [str(e) for e in sim.trace[start:]] == [
        "rec/0: relation-departed rel=0 remote=rec/1",
        f"prov/0: relation-departed rel={rid} remote=rec/1",
        "rec/1: relation-broken rel=0",
        f"rec/1: relation-broken rel={rid}",
        "rec/1: stop",
        "rec/1: remove",
    ]
    assert sim.units("rec") == ["rec/0"]


def test_scale_down_tells_the_removed_unit_it_is_no_longer_planned(
    sim: Simulation, deploy, charms, history
) -> None:
    deploy("rec", charms.recorder, units=2)

    sim.scale("rec", 1)

    assert history("rec/1")[-1] == {"event": "RemoveEvent", "leader": False, "planned": 1}


def test_removing_the_leader_unit_elects_another(sim: Simulation, deploy, charms) -> None:
    deploy("lw", charms.leader_writer, units=2)
    sim.set_leader("lw", "lw/1")

    sim.scale("lw", 1)

    assert sim.status("lw").leader == "lw/0"
    assert sim.events("lw/0")[-1] == "lw/0: leader-elected"


def test_unit_numbers_are_never_reused(sim: Simulation, deploy, charms) -> None:
    deploy("prov", charms.echo_provider, units=2)

    sim.scale("prov", 1)
    sim.scale("prov", 2)

    assert sim.units("prov") == ["prov/0", "prov/2"]


def test_remove_app_breaks_its_relations_then_stops_and_removes_units(
    sim: Simulation, deploy, charms
) -> None:
    deploy("rec", charms.recorder)
    deploy("prov", charms.echo_provider)
    rid = sim.relate("rec", "prov")
    start = len(sim.trace)

    sim.remove_app("rec")

    assert [str(e) for e in sim.trace[start:]] == [
        "rec/0: relation-broken rel=0",
        f"rec/0: relation-departed rel={rid} remote=prov/0",
        f"prov/0: relation-departed rel={rid} remote=rec/0",
        f"rec/0: relation-broken rel={rid}",
        f"prov/0: relation-broken rel={rid}",
        "rec/0: stop",
        "rec/0: remove",
    ]
    assert "rec" not in sim.apps


def test_remove_app_runs_its_last_hooks_with_zero_planned_units(
    sim: Simulation, deploy, charms, history
) -> None:
    deploy("rec", charms.recorder)

    sim.remove_app("rec")

    assert {e["planned"] for e in history("rec/0")[-2:]} == {0}


def test_remaining_app_settles_after_its_peer_app_is_removed(
    sim: Simulation, deploy, charms
) -> None:
    deploy("req", charms.echo_requirer)
    deploy("prov", charms.echo_provider)
    sim.relate("req", "prov")
    sim.settle()

    sim.remove_app("prov")
    sim.settle()

    assert str(sim.status("req").units["req/0"]) == "blocked: needs an echo provider"
    assert sim.databags() == []
