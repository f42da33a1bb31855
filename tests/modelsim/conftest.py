"""Toy charms for the simulation's own tests, served as fixtures.

Test folders have no __init__.py (pytest runs in importlib mode), so the charms live here and
tests reach them through the `charms` fixture.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, ClassVar

import ops
import pytest

from modelsim import Simulation

ECHO = {"interface": "echo"}


class EchoProvider(ops.CharmBase):
    """Answers a requirer's `value` with `doubled`; counts remote units in its unit databag."""

    META: ClassVar[dict[str, Any]] = {
        "name": "echo-provider",
        "provides": {"echo": ECHO},
        "actions": {
            "double": {"params": {"x": {"type": "integer"}}},
        },
    }

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        for event in (
            self.on.echo_relation_changed,
            self.on.echo_relation_departed,
            self.on.echo_relation_broken,
            self.on.config_changed,
        ):
            framework.observe(event, self._reconcile)
        framework.observe(self.on.double_action, self._on_double)

    def _reconcile(self, _: ops.EventBase) -> None:
        relations = self.model.relations["echo"]
        for relation in relations:
            relation.data[self.unit]["remote-units"] = str(len(relation.units))
            if not self.unit.is_leader() or relation.app is None:
                continue
            value = relation.data[relation.app].get("value")
            if value is not None:
                relation.data[self.app]["doubled"] = str(int(value) * 2)
        self.unit.status = ops.ActiveStatus(f"{len(relations)} requirer(s)")

    def _on_double(self, event: ops.ActionEvent) -> None:
        x = int(event.params["x"])
        if x < 0:
            event.fail(f"x must not be negative, got {x}")
            return
        event.log("doubling")
        event.set_results({"doubled": x * 2})


class EchoRequirer(ops.CharmBase):
    """Sends config `value`; shows the provider's answer in its status."""

    META: ClassVar[dict[str, Any]] = {
        "name": "echo-requirer",
        "requires": {"echo": {**ECHO, "limit": 1}},
        "config": {"options": {"value": {"type": "int", "default": 1}}},
    }

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        for event in (
            self.on.config_changed,
            self.on.echo_relation_joined,
            self.on.echo_relation_changed,
            self.on.echo_relation_broken,
        ):
            framework.observe(event, self._reconcile)

    def _reconcile(self, _: ops.EventBase) -> None:
        relation = self.model.get_relation("echo")
        if relation is None:
            self.unit.status = ops.BlockedStatus("needs an echo provider")
            return
        if self.unit.is_leader():
            relation.data[self.app]["value"] = str(self.config["value"])
        answer = relation.data[relation.app].get("doubled") if relation.app else None
        if answer is None:
            self.unit.status = ops.WaitingStatus("waiting for the provider")
        else:
            self.unit.status = ops.ActiveStatus(f"got {answer}")


class Recorder(ops.CharmBase):
    """Writes down every event it sees, and what the model showed it, in stored state."""

    META: ClassVar[dict[str, Any]] = {
        "name": "recorder",
        "requires": {"echo": ECHO},
        "peers": {"replicas": {"interface": "recorder-peers"}},
    }
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(events=[])
        for name in (
            "install",
            "leader_elected",
            "config_changed",
            "start",
            "stop",
            "remove",
            "update_status",
            "echo_relation_created",
            "echo_relation_joined",
            "echo_relation_changed",
            "echo_relation_departed",
            "echo_relation_broken",
            "replicas_relation_created",
            "replicas_relation_joined",
            "replicas_relation_changed",
            "replicas_relation_departed",
        ):
            framework.observe(getattr(self.on, name), self._note)

    def _note(self, event: ops.EventBase) -> None:
        entry: dict[str, Any] = {
            "event": type(event).__name__,
            "leader": self.unit.is_leader(),
            "planned": self.app.planned_units(),
        }
        if isinstance(event, ops.RelationEvent):
            relation = event.relation
            entry["relation"] = relation.id
            entry["units"] = sorted(u.name for u in relation.units)
            entry["listed"] = relation in self.model.relations[relation.name]
            entry["remote_unit"] = event.unit.name if event.unit else None
        if isinstance(event, ops.RelationDepartedEvent) and event.unit is not None:
            entry["departing"] = event.departing_unit.name if event.departing_unit else None
            if event.unit in event.relation.data:  # ops never offers a departed peer's data
                data = event.relation.data[event.unit]
                entry["departed_address"] = data.get("ingress-address")
        self._stored.events.append(json.dumps(entry, sort_keys=True))


class LeaderWriter(ops.CharmBase):
    """Only the leader writes, and it writes its own name: shows who leads."""

    META: ClassVar[dict[str, Any]] = {"name": "leader-writer", "provides": {"echo": ECHO}}

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.leader_elected, self._reconcile)
        framework.observe(self.on.echo_relation_joined, self._reconcile)

    def _reconcile(self, _: ops.EventBase) -> None:
        if not self.unit.is_leader():
            return
        for relation in self.model.relations["echo"]:
            relation.data[self.app]["leader"] = self.unit.name
        self.app.status = ops.ActiveStatus(f"led by {self.unit.name}")


class Flapper(ops.CharmBase):
    """Answers every change with a bigger number: two of these never settle."""

    META: ClassVar[dict[str, Any]] = {
        "name": "flapper",
        "provides": {"ping": {"interface": "flap"}},
        "requires": {"pong": {"interface": "flap"}},
    }

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.ping_relation_changed, self._bump)
        framework.observe(self.on.pong_relation_changed, self._bump)

    def _bump(self, event: ops.RelationChangedEvent) -> None:
        if not self.unit.is_leader() or event.relation.app is None:
            return
        theirs = int(event.relation.data[event.relation.app].get("n", "0"))
        event.relation.data[self.app]["n"] = str(theirs + 1)


class SecretKeeper(ops.CharmBase):
    """Creates an app secret at install, shares it over `vault`, rotates it on demand."""

    META: ClassVar[dict[str, Any]] = {
        "name": "secret-keeper",
        "provides": {"vault": {"interface": "vault"}},
        "actions": {"read": {}, "rotate": {"params": {"token": {"type": "string"}}}},
    }

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.leader_elected, self._on_leader)
        framework.observe(self.on.vault_relation_joined, self._on_joined)
        framework.observe(self.on.read_action, self._on_read)
        framework.observe(self.on.rotate_action, self._on_rotate)

    def _on_leader(self, _: ops.EventBase) -> None:
        try:
            self.model.get_secret(label="token")
        except ops.SecretNotFoundError:
            self.app.add_secret({"token": "t1"}, label="token")

    def _on_joined(self, event: ops.RelationJoinedEvent) -> None:
        if not self.unit.is_leader():
            return
        secret = self.model.get_secret(label="token")
        secret.grant(event.relation)
        event.relation.data[self.app]["secret-id"] = secret.id or ""

    def _on_read(self, event: ops.ActionEvent) -> None:
        secret = self.model.get_secret(label="token")
        results: dict[str, Any] = {"token": secret.peek_content()["token"]}
        if self.unit.is_leader():  # only the manager may read secret info
            results["revision"] = secret.get_info().revision
        event.set_results(results)

    def _on_rotate(self, event: ops.ActionEvent) -> None:
        self.model.get_secret(label="token").set_content({"token": event.params["token"]})


class SecretReader(ops.CharmBase):
    """Reads the shared secret by id and shows it in its status; follows new revisions."""

    META: ClassVar[dict[str, Any]] = {
        "name": "secret-reader",
        "requires": {"vault": {"interface": "vault"}},
    }

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.vault_relation_changed, self._on_changed)
        framework.observe(self.on.secret_changed, self._on_secret_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        secret_id = event.relation.data[event.app].get("secret-id") if event.app else None
        if secret_id:
            content = self.model.get_secret(id=secret_id, label="shared").get_content()
            self.unit.status = ops.ActiveStatus(f"token {content['token']}")

    def _on_secret_changed(self, event: ops.SecretChangedEvent) -> None:
        content = event.secret.get_content(refresh=True)
        self.unit.status = ops.ActiveStatus(f"token {content['token']}")


@dataclasses.dataclass(frozen=True)
class Charms:
    """The toy charms, reachable from tests."""

    echo_provider: type[EchoProvider] = EchoProvider
    echo_requirer: type[EchoRequirer] = EchoRequirer
    recorder: type[Recorder] = Recorder
    leader_writer: type[LeaderWriter] = LeaderWriter
    flapper: type[Flapper] = Flapper
    secret_keeper: type[SecretKeeper] = SecretKeeper
    secret_reader: type[SecretReader] = SecretReader


@pytest.fixture
def charms() -> Charms:
    return Charms()


@pytest.fixture
def sim() -> Simulation:
    return Simulation()


@pytest.fixture
def deploy(sim: Simulation):
    """Deploy a toy charm with its own metadata."""

    def run(name: str, charm: type[Any], **kwargs: Any) -> None:
        sim.add_app(name, charm, charm.META, **kwargs)

    return run


@pytest.fixture
def history(sim: Simulation):
    """What a Recorder unit saw, oldest first (its stored state after its last hook)."""

    def read(unit: str) -> list[dict[str, Any]]:
        stored = sim.last_output[unit].get_stored_state("_stored", owner_path="Recorder")
        return [json.loads(entry) for entry in stored.content["events"]]

    return read
