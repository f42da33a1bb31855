"""The gateway's side of `dns-record`: publish our entries, read the provider's answers.

Plain read/write helpers for one reconcile, not an event emitter. The endpoint has no limit:
the same entries go to every DNS provider related, and each one's answers are read apart.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import ops

from dns_record.databag import decode_answers, encode_entries
from dns_record.errors import DataError
from dns_record.models import DnsAnswer, DnsEntry


@dataclass(frozen=True)
class ProviderAnswers:
    """One DNS provider's answers to our entries, as read from one relation."""

    relation_id: int
    remote_app: str | None
    """None when Juju no longer tells which application is on the other end."""
    answers: dict[str, DnsAnswer] | DataError | None
    """Ours only, by uuid; None: the provider has written nothing (yet)."""


class DnsRecordRequirer:
    """Read/write helpers for the charm's reconcile; emits no events of its own."""

    def __init__(self, charm: ops.CharmBase, relation_name: str = "dns-record") -> None:
        self._charm = charm
        self._relation_name = relation_name

    @property
    def relations(self) -> list[ops.Relation]:
        """Live dns-record relations in id order (ops leaves out the one being broken)."""
        live = [rel for rel in self._charm.model.relations[self._relation_name] if rel.active]
        return sorted(live, key=lambda rel: rel.id)

    def publish(self, entries: Sequence[DnsEntry]) -> bool:
        """Ask every provider for exactly `entries` (leader only); whether anything was written.

        Only a changed list is written, so an unchanged reconcile fires no relation-changed on
        the provider. An empty list withdraws our records: neither side cleans up on
        relation-broken, so this is the only way they go.
        """
        if not self._charm.unit.is_leader():
            return False
        wanted = encode_entries(entries)
        written = False
        for relation in self.relations:
            databag = relation.data[self._charm.app]
            changes = {key: value for key, value in wanted.items() if databag.get(key) != value}
            if changes:
                databag.update(changes)
                written = True
        return written

    def answers(self, ours: Iterable[str]) -> list[ProviderAnswers]:
        """Every provider's answers to the uuids in `ours`; never raises on remote data."""
        wanted = list(ours)
        found: list[ProviderAnswers] = []
        for relation in self.relations:
            databag = _remote_app_databag(relation)
            answers = decode_answers(databag, wanted) if databag is not None else None
            remote_app = relation.app.name if relation.app is not None else None
            found.append(ProviderAnswers(relation.id, remote_app, answers))
        return found


def _remote_app_databag(relation: ops.Relation) -> Mapping[str, str] | None:
    """The provider's application databag, or None when it cannot be read.

    On a dying relation `relation.app` can be None and the databag unreadable
    (traefik-k8s#211, #676): both mean "nothing to read", not an error.
    """
    if relation.app is None:
        return None
    try:
        return dict(relation.data[relation.app])
    except (ops.ModelError, KeyError):  # RelationDataError is a ModelError
        return None
