"""The hook-tool counter counts what the real ops backend would run as hook tools."""

from __future__ import annotations

import logging

import ops
import pytest
from ops import testing

from bench.hooktools import HookTools, modelled_ms, tool_names

META = {"name": "tiny", "requires": {"db": {"interface": "db"}}}


class Tiny(ops.CharmBase):
    """Reads what a test asks for, on config-changed and on db-relation-created."""

    reads: tuple[str, ...] = ()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.config_changed, self._on_event)
        framework.observe(self.on["db"].relation_created, self._on_event)

    def _on_event(self, _: ops.EventBase) -> None:
        for read in self.reads:
            getattr(self, f"_{read}")()

    def _remote_apps(self) -> None:
        for relation in self.model.relations["db"]:
            assert relation.app is not None
            relation.data[relation.app].get("x")

    def _leader_thrice(self) -> None:
        for _ in range(3):
            self.unit.is_leader()

    def _config_twice(self) -> None:
        self.config.get("a")
        self.config.get("a")

    def _log(self) -> None:
        logging.getLogger("tiny").info("one juju-log")

    def _answer(self) -> None:
        for relation in self.model.relations["db"]:
            relation.data[self.app]["y"] = "1"


def db(relation_id: int, units: bool = True) -> testing.Relation:
    if units:
        return testing.Relation("db", id=relation_id, remote_app_name=f"r{relation_id}")
    return testing.Relation(
        "db", id=relation_id, remote_app_name=f"r{relation_id}", remote_units_data={}
    )


def run(
    reads: tuple[str, ...],
    event: str = "config-changed",
    relations: int = 2,
    units: bool = True,
) -> HookTools:
    Tiny.reads = reads
    ctx = testing.Context(Tiny, meta=META, config={"options": {"a": {"type": "string"}}})
    state = testing.State(leader=True, relations=[db(i, units) for i in range(1, relations + 1)])
    tools = HookTools()
    with tools.installed():
        made = ctx.on.config_changed() if event == "config-changed" else None
        made = made or ctx.on.relation_created(state.get_relation(1))
        ctx.run(made, state)
    return tools


def test_two_remote_databags_are_two_relation_gets():
    tools = run(("remote_apps",))
    assert tools.calls["relation-get"] == 2
    assert tools.calls["relation-ids"] == 1
    assert tools.calls["relation-list"] == 2  # the units; the app is named by a unit


def test_without_units_the_app_is_asked_for_except_the_hooks_own_relation():
    on_config = run(("remote_apps",), units=False).calls["relation-list"]
    assert on_config == 2 + 2  # units, then `relation-list --app`, per relation
    on_relation = run(("remote_apps",), event="relation-created", units=False)
    assert on_relation.calls["relation-list"] == on_config - 1  # JUJU_REMOTE_APP


def test_n_relations_cost_n_reads():
    assert run(("remote_apps",), relations=7).calls["relation-get"] == 7


def test_is_leader_is_asked_once_per_lease():
    assert run(("leader_thrice",)).calls["is-leader"] == 1


def test_config_is_read_once_per_hook():
    assert run(("config_twice",)).calls["config-get"] == 1


def test_log_records_are_juju_log_calls():
    quiet = run(()).calls["juju-log"]
    assert run(("log",)).calls["juju-log"] == quiet + 1


def test_writes_are_relation_sets():
    assert run(("answer",)).calls["relation-set"] == 2


def test_nothing_is_counted_outside_the_block():
    tools = HookTools()
    with tools.installed():
        pass
    Tiny.reads = ("remote_apps",)
    ctx = testing.Context(Tiny, meta=META)
    ctx.run(ctx.on.config_changed(), testing.State(relations=[db(1)]))
    assert tools.total == 0


@pytest.mark.parametrize(
    ("method", "tool"),
    [
        ("relation_get", "relation-get"),
        ("relation_remote_app_name", "relation-list"),
        ("planned_units", "goal-state"),
        ("juju_log", "juju-log"),
        ("secret_info_get", "secret-info-get"),
        ("application_version_set", "app-version-set"),
    ],
)
def test_tool_names_come_from_the_real_backend(method, tool):
    assert tool_names()[method] == tool


def test_modelled_time_adds_the_per_call_cost():
    assert modelled_ms(5.0, 10, per_call_ms=20.0) == 205.0
