"""Reading and writing this application's side of a relation, tolerant of dying relations."""

from collections.abc import Mapping

import ops


def remote_app_databag(relation: ops.Relation) -> Mapping[str, str] | None:
    """The remote application's databag, or None when it cannot be read.

    On relation-broken `relation.app` can be None and the databag unreadable
    (traefik-k8s#211, #676); both mean "nothing to read", not an error.
    """
    if relation.app is None:
        return None
    try:
        return dict(relation.data[relation.app])
    except (ops.ModelError, KeyError):  # RelationDataError is a ModelError
        return None


def write_changed(charm: ops.CharmBase, relation: ops.Relation, data: Mapping[str, str]) -> None:
    """Set only the keys whose value differs, so an unchanged answer fires no relation-changed.

    An empty value removes the key (Juju's own convention). Non-leaders write nothing.
    """
    if not charm.unit.is_leader():
        return
    databag = relation.data[charm.app]
    changes = {key: value for key, value in data.items() if databag.get(key, "") != value}
    if changes:
        databag.update(changes)


def clear(charm: ops.CharmBase, relation: ops.Relation, keys: list[str]) -> None:
    """Remove our keys (leader only)."""
    write_changed(charm, relation, dict.fromkeys(keys, ""))
