"""Non-charm participants exchange relation data with real charms."""

from __future__ import annotations

import pytest

from modelsim import (
    DatabagUpdate,
    Participant,
    RelationView,
    Simulation,
    SimulationError,
    WorkloadRequirer,
)


@pytest.fixture
def workload() -> WorkloadRequirer:
    return WorkloadRequirer(
        "echo",
        "echo",
        app_data={"value": "21"},
        unit_data=lambda n: {"host": f"wl-{n}.example"},
    )


@pytest.fixture
def related(sim: Simulation, deploy, charms, workload: WorkloadRequirer) -> int:
    deploy("prov", charms.echo_provider)
    sim.add_participant("wl", workload, model="apps", units=2)
    return sim.relate("wl", "prov")


def test_workload_requirer_records_the_provider_answer(
    sim: Simulation, related: int, workload: WorkloadRequirer
) -> None:
    sim.settle()

    assert workload.answer == {"doubled": "42"}


def test_workload_requirer_writes_each_unit_its_own_databag(sim: Simulation, related: int) -> None:
    hosts = [sim.unit_data(related, f"wl/{n}")["host"] for n in (0, 1)]

    assert hosts == ["wl-0.example", "wl-1.example"]


def test_charm_sees_every_participant_unit(sim: Simulation, related: int) -> None:
    sim.settle()

    assert sim.unit_data(related, "prov/0")["remote-units"] == "2"


def test_refresh_participant_sends_changed_data(
    sim: Simulation, related: int, workload: WorkloadRequirer
) -> None:
    sim.settle()
    workload.app_data["value"] = "50"

    sim.refresh_participant("wl")
    sim.settle()

    assert workload.answer == {"doubled": "100"}


def test_write_databags_deletes_keys_set_to_none(sim: Simulation, related: int) -> None:
    sim.write_databags("wl", related, DatabagUpdate(units={1: {"host": None}}))

    assert "host" not in sim.unit_data(related, "wl/1")


def test_write_databags_refuses_charm_apps(sim: Simulation, related: int) -> None:
    with pytest.raises(SimulationError, match="writes its own databags"):
        sim.write_databags("prov", related, DatabagUpdate(app={"doubled": "1"}))


def test_participant_is_told_when_the_relation_is_removed(
    sim: Simulation, related: int, workload: WorkloadRequirer
) -> None:
    sim.unrelate(related)

    assert workload.removed == [related]


def test_cross_model_relation_shows_the_remote_model(sim: Simulation, related: int) -> None:
    relation = next(iter(sim.unit_state("prov/0").relations))

    assert relation.remote_model_uuid is not None  # type: ignore[attr-defined]


class Signer(Participant):
    """Answers each request key with a signature: the shape of a TLS provider wrapper."""

    def __init__(self) -> None:
        self.meta = {"provides": {"certs": {"interface": "echo"}}}

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        del sim
        value = relation.remote_app_data.get("value")
        return DatabagUpdate(app={"doubled": str(int(value) * 2)}) if value else None


def test_a_few_line_participant_serves_a_real_charm(sim: Simulation, deploy, charms) -> None:
    deploy("req", charms.echo_requirer, config={"value": 8})
    sim.add_participant("signer", Signer())
    sim.relate("req", "signer")

    sim.settle()

    assert str(sim.status("req").units["req/0"]) == "active: got 16"
