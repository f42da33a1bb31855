"""Outputs are JSON-ready; failures and metadata problems are reported clearly."""

from __future__ import annotations

import json
from pathlib import Path

import ops
import pytest
import yaml

from modelsim import HookFailed, Simulation, SimulationError, load_charm_meta


def test_databags_dump_is_json_serialisable(sim: Simulation, deploy, charms) -> None:
    deploy("req", charms.echo_requirer, config={"value": 2})
    deploy("prov", charms.echo_provider)
    rid = sim.relate("req", "prov")
    sim.settle()

    dump = json.loads(json.dumps(sim.databags()))

    assert dump[0]["ends"] == ["req:echo", "prov:echo"]
    assert dump[0]["app_data"] == {"prov": {"doubled": "4"}, "req": {"value": "2"}}
    assert dump[0]["id"] == rid


def test_statuses_show_app_unit_and_leader(sim: Simulation, deploy, charms) -> None:
    deploy("lw", charms.leader_writer, units=2)

    statuses = json.loads(json.dumps(sim.statuses()))

    assert statuses["lw"] == {
        "status": "active",
        "message": "led by lw/0",
        "leader": "lw/0",
        "units": {
            "lw/0": {"status": "unknown", "message": ""},
            "lw/1": {"status": "unknown", "message": ""},
        },
    }


class Crasher(ops.CharmBase):
    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.start, self._boom)

    def _boom(self, _: ops.EventBase) -> None:
        raise RuntimeError("no workload")


def test_a_charm_exception_names_the_unit_and_hook(sim: Simulation) -> None:
    with pytest.raises(HookFailed, match="crash/0 failed handling start: no workload"):
        sim.add_app("crash", Crasher, {"name": "crash"})


def test_unknown_config_option_is_refused(sim: Simulation, deploy, charms) -> None:
    deploy("req", charms.echo_requirer)

    with pytest.raises(SimulationError, match="no config option"):
        sim.set_config("req", {"valeu": 3})


def test_metadata_loads_from_a_charmcraft_yaml(tmp_path: Path) -> None:
    path = tmp_path / "charmcraft.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "name": "thing",
                "type": "charm",
                "requires": {"db": {"interface": "pg", "limit": 1}},
                "config": {"options": {"port": {"type": "int", "default": 80}}},
                "actions": {"ping": {}},
            }
        )
    )

    meta = load_charm_meta(path)

    assert meta.endpoint("db").limit == 1
    assert meta.config_defaults() == {"port": 80}
    assert meta.actions == {"ping": {}}
    assert "config" not in meta.meta
