"""settle() moves relation data until nothing changes, and says so when it cannot."""

from __future__ import annotations

import pytest

from modelsim import NotSettled, Simulation


@pytest.fixture
def echo_pair(sim: Simulation, deploy, charms) -> int:
    deploy("req", charms.echo_requirer, config={"value": 21})
    deploy("prov", charms.echo_provider, units=2)
    return sim.relate("req", "prov")


def test_provider_answer_reaches_the_requirer(sim: Simulation, echo_pair: int) -> None:
    sim.settle()

    assert sim.app_data(echo_pair, "prov") == {"doubled": "42"}
    assert str(sim.status("req").units["req/0"]) == "active: got 42"


def test_config_change_travels_to_the_other_side_and_back(sim: Simulation, echo_pair: int) -> None:
    sim.settle()

    sim.set_config("req", {"value": 5})
    sim.settle()

    assert str(sim.status("req").units["req/0"]) == "active: got 10"


def test_config_reset_to_default_with_none(sim: Simulation, echo_pair: int) -> None:
    sim.settle()

    sim.set_config("req", {"value": None})
    sim.settle()

    assert sim.app_data(echo_pair, "req") == {"value": "1"}


def test_a_databag_write_queues_relation_changed_only_on_the_other_side(
    sim: Simulation, echo_pair: int
) -> None:
    sim.settle()

    sim.set_config("req", {"value": 7})

    assert sim.pending == [
        f"prov/0: relation-changed ({echo_pair}) from req",
        f"prov/1: relation-changed ({echo_pair}) from req",
    ]


def test_settle_reports_zero_rounds_when_nothing_is_pending(
    sim: Simulation, echo_pair: int
) -> None:
    sim.settle()

    assert sim.settle() == 0


def test_round_robin_interleaves_units(sim: Simulation, echo_pair: int) -> None:
    sim.settle()
    sim.set_config("req", {"value": 3})

    sim.settle()

    first_round = [e.target for e in sim.trace if e.round == 1][-2:]
    assert first_round == ["prov/0", "prov/1"]


def test_charms_that_never_agree_raise_not_settled_with_the_trace(
    sim: Simulation, deploy, charms
) -> None:
    deploy("ping", charms.flapper)
    deploy("pong", charms.flapper)
    sim.relate("ping:ping", "pong:pong")

    with pytest.raises(NotSettled, match="still changing after 5 rounds") as caught:
        sim.settle(max_rounds=5)

    assert caught.value.pending
    assert any("relation-changed" in str(entry) for entry in caught.value.recent)


def test_between_rounds_hooks_run_even_when_nothing_is_pending(sim: Simulation) -> None:
    calls: list[int] = []
    sim.between_rounds(lambda s: calls.append(len(s.trace)))

    sim.settle()

    assert calls == [0]


def test_a_hook_can_wake_charms_with_update_status(sim: Simulation, deploy, charms) -> None:
    deploy("rec", charms.recorder)
    woken: list[bool] = []

    def controller(s: Simulation) -> None:
        if not woken:  # a controller that writes status once, then is quiet
            woken.append(True)
            s.update_status("rec")

    sim.between_rounds(controller)
    sim.settle()

    assert sim.events("rec/0")[-1] == "rec/0: update-status"
