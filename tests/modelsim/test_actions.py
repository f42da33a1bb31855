"""run_action() reports what `juju run` reports."""

from __future__ import annotations

import pytest

from modelsim import Simulation


@pytest.fixture
def prov(sim: Simulation, deploy, charms) -> str:
    deploy("prov", charms.echo_provider, units=2)
    return "prov"


def test_action_returns_results_and_logs(sim: Simulation, prov: str) -> None:
    outcome = sim.run_action("prov/1", "double", {"x": 4})

    assert (outcome.ok, dict(outcome.results), outcome.logs) == (
        True,
        {"doubled": 8},
        ["doubling"],
    )


def test_failed_action_returns_the_failure_message(sim: Simulation, prov: str) -> None:
    outcome = sim.run_action("prov/0", "double", {"x": -1})

    assert outcome.failure == "x must not be negative, got -1"


def test_action_on_an_app_runs_on_its_leader(sim: Simulation, prov: str) -> None:
    sim.set_leader(prov, "prov/1")

    outcome = sim.run_action(prov, "double", {"x": 1})

    assert outcome.unit == "prov/1"
    assert sim.trace[-1].target == "prov/1"
    assert sim.trace[-1].event == "action:double"
