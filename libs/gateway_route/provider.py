"""The gateway's side: read every configurator's request, answer each one."""

from collections.abc import Mapping
from dataclasses import dataclass

import ops

from gateway_route.databag import decode, encode
from gateway_route.errors import DataError
from gateway_route.models import ProviderData, RequirerData
from gateway_route.relation_data import clear, remote_app_databag, write_changed


@dataclass(frozen=True)
class Request:
    """One configurator's request, as read from one relation."""

    relation_id: int
    remote_app: str | None
    """None when Juju no longer tells which application is on the other end."""
    data: RequirerData | DataError | None
    """None: the requirer has written nothing (yet), or nothing in this format."""
    databag: Mapping[str, str] | None = None
    """The raw remote databag, kept only when `data` is not a valid request (to explain it)."""
    remote_model: str | None = None
    """The UUID of the requirer's model, as Juju says (`relation-model-get`, Juju 3.6.2+);
    None where Juju cannot tell."""


def _remote_model(relation: ops.Relation) -> str | None:
    try:
        return relation.remote_model.uuid
    except (ops.ModelError, KeyError, TypeError):  # Juju < 3.6.2 has no relation-model-get
        return None


class GatewayRouteProvider:
    """Read/write helpers for the charm's reconcile; emits no events of its own."""

    def __init__(self, charm: ops.CharmBase, relation_name: str = "gateway-route") -> None:
        self._charm = charm
        self._relation_name = relation_name

    @property
    def relations(self) -> list[ops.Relation]:
        """Live gateway-route relations (ops leaves out the one being broken)."""
        return [rel for rel in self._charm.model.relations[self._relation_name] if rel.active]

    def relation_ids(self) -> set[int]:
        """Ids of the relations Juju lists, in one `relation-ids` call.

        `ops.Model.relations` builds every relation's object to list them, one `relation-list`
        call each; ops has no public way to ask for the ids alone, so this asks its backend,
        falling back to the public way if that ever goes. During relation-broken Juju still
        lists the broken relation (ops leaves it out of `relations`); so does this.
        """
        backend = getattr(self._charm.model, "_backend", None)
        if backend is None or not hasattr(backend, "relation_ids"):
            return {relation.id for relation in self.relations}
        return set(backend.relation_ids(self._relation_name))

    def requests(self) -> list[Request]:
        """Every live relation's request, in relation-id order, bad data included as errors."""
        return [self.read(relation) for relation in sorted(self.relations, key=lambda r: r.id)]

    def read(self, relation: ops.Relation) -> Request:
        """One relation's request (the hook-tool calls of one relation, not of all N)."""
        databag = remote_app_databag(relation)
        data = decode(RequirerData, databag) if databag is not None else None
        remote_app = relation.app.name if relation.app is not None else None
        raw = None if isinstance(data, RequirerData) else databag
        return Request(relation.id, remote_app, data, raw, _remote_model(relation))

    def answer(
        self, relation_id: int, data: ProviderData, relation: ops.Relation | None = None
    ) -> dict[str, str] | None:
        """Publish our answer on one relation (leader only; unchanged keys are not rewritten).

        `relation`: the relation object when the caller has it (looking one up by id builds
        every relation's, one `relation-list` each). Returns what the databag now holds of our
        keys; None when the relation is gone or we are not leader.
        """
        relation = relation or self.relation(relation_id)
        if relation is None or not self._charm.unit.is_leader():
            return None
        written = encode(data)
        write_changed(self._charm, relation, written)
        return written

    def withdraw(
        self, relation_id: int, relation: ops.Relation | None = None
    ) -> dict[str, str] | None:
        """Remove our answer from one relation (leader only); returns as `answer` does."""
        relation = relation or self.relation(relation_id)
        if relation is None or not self._charm.unit.is_leader():
            return None
        cleared = dict.fromkeys(ProviderData.model_fields, "")
        clear(self._charm, relation, list(cleared))
        return cleared

    def relation(self, relation_id: int) -> ops.Relation | None:
        """A live relation by id."""
        return next((rel for rel in self.relations if rel.id == relation_id), None)
