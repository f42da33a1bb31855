"""Secrets live in the controller: shared by an app's units, revisioned, granted across."""

from __future__ import annotations

import pytest

from modelsim import Simulation


@pytest.fixture
def keeper(sim: Simulation, deploy, charms) -> str:
    deploy("keeper", charms.secret_keeper, units=2)
    return "keeper"


@pytest.fixture
def shared(sim: Simulation, deploy, charms, keeper: str) -> int:
    deploy("reader", charms.secret_reader)
    rid = sim.relate("reader", keeper)
    sim.settle()
    return rid


def test_app_secret_created_in_one_event_is_read_in_a_later_one(
    sim: Simulation, keeper: str
) -> None:
    assert sim.run_action("keeper/0", "read").results["token"] == "t1"


def test_app_secret_is_readable_by_every_unit_of_the_app(sim: Simulation, keeper: str) -> None:
    assert sim.run_action("keeper/1", "read").results["token"] == "t1"


def test_new_revision_is_what_other_units_of_the_app_peek(sim: Simulation, keeper: str) -> None:
    sim.run_action("keeper/0", "rotate", {"token": "t2"})

    assert sim.run_action("keeper/1", "read").results["token"] == "t2"


def test_revision_numbers_carry_over_between_events(sim: Simulation, keeper: str) -> None:
    sim.run_action("keeper/0", "rotate", {"token": "t2"})
    sim.run_action("keeper/0", "rotate", {"token": "t3"})

    assert sim.run_action("keeper/0", "read").results["revision"] == 3


def test_granted_secret_is_readable_on_the_other_side(sim: Simulation, shared: int) -> None:
    assert str(sim.status("reader").units["reader/0"]) == "active: token t1"


def test_new_revision_sends_secret_changed_to_the_consumer(sim: Simulation, shared: int) -> None:
    sim.run_action("keeper/0", "rotate", {"token": "t2"})

    sim.settle()

    assert sim.trace[-1].event == "secret-changed"
    assert str(sim.status("reader").units["reader/0"]) == "active: token t2"


def test_grant_ends_with_the_relation(sim: Simulation, shared: int) -> None:
    sim.unrelate(shared)

    assert not sim.unit_state("reader/0").secrets


def test_unit_owned_secret_is_not_visible_to_other_units(sim: Simulation, keeper: str) -> None:
    secret_id = next(iter(sim.secrets.records))
    sim.secrets.records[secret_id].owner_unit = "keeper/0"

    assert [len(sim.unit_state(u).secrets) for u in ("keeper/0", "keeper/1")] == [1, 0]


def test_removing_the_app_removes_its_secrets(sim: Simulation, keeper: str) -> None:
    sim.remove_app(keeper)

    assert sim.secrets.records == {}
