"""Who is on the other end of a gateway-route relation, checked against what Juju says. Pure.

A requester states its namespace (its Juju model) in its databag, and a listener admits routes
from the namespaces that asked for its hostname; so the claim is checked wherever Juju and the
cluster can tell. Juju gives the requester's model UUID (`relation-model-get`, Juju 3.6.2+) and
annotates every model's namespace with its UUID (`model.juju.is/id`). Across models, Juju names
the requester `remote-<uuid>`: statuses name it by what it says it is, and by that name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_REMOTE = re.compile(r"remote-[0-9a-f]{32}")


def cross_model(app: str | None) -> bool:
    """Whether Juju names this application the way it names one across a cross-model relation."""
    return bool(app and _REMOTE.fullmatch(app))


def requester(app: str | None, namespace: str | None, application: str | None) -> str:
    """How statuses name a requester: `shop/catalogue`, with Juju's name when it differs."""
    said = "/".join(part for part in (namespace, application) if part)
    if not app:
        return said or "an unknown application"
    if not said or not cross_model(app):
        return app if not said or app in said else f"{app} ({said})"
    return f"{said} (via {app[:15]}…)"


def namespace_problem(
    claimed: str,
    *,
    remote_model: str | None,
    own_model: str | None,
    own_namespace: str,
    namespaces: Mapping[str, str | None] | None,
) -> str | None:
    """Why the claimed namespace is not the requester's, or None when it is (or cannot be told).

    Where a namespace carries the requester's model UUID, that is its namespace and no other
    (so nobody can claim `default` or `kube-system`, where other people may write routes).
    Cannot be told: Juju older than 3.6.2 (no remote model UUID), namespaces not readable, or
    no namespace annotated with the requester's model (then only another model's namespace is
    refused).
    """
    if remote_model is None:
        return None
    if remote_model == own_model:
        same = claimed == own_namespace
        return None if same else f"is in this model ({own_namespace}) but claims {claimed}"
    if namespaces is None:
        return None
    return _cross_model_problem(claimed, remote_model, namespaces)


def _cross_model_problem(
    claimed: str, remote_model: str, namespaces: Mapping[str, str | None]
) -> str | None:
    if claimed not in namespaces:
        return f"claims namespace {claimed}, which does not exist"
    annotated = namespaces[claimed]
    if annotated is not None and annotated != remote_model:
        return (
            f"claims namespace {claimed}, but that is model {annotated[:8]}… and Juju says the "
            f"requester is in model {remote_model[:8]}…"
        )
    own = sorted(name for name, uuid in namespaces.items() if uuid == remote_model)
    if own and claimed not in own:
        return (
            f"claims namespace {claimed}, but Juju says the requester is in model "
            f"{remote_model[:8]}…, namespace {own[0]}"
        )
    return None
