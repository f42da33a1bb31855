"""The reads of a charm's observe step: one LIST per kind, split into ours and others'."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lightkube import Client

from kube_apply.classify import API_ERRORS, classify
from kube_apply.resources import ResourceType, kind_name, resource
from kube_objects.failures import NotFound
from kube_objects.listing import Listing
from kube_objects.ownership import Owner


def list_all(client: Client, kind: str | ResourceType, namespace: str | None) -> list[dict] | None:
    """Every object of `kind` in `namespace` (None: cluster-scoped); None when not served.

    A 404 on the collection of a custom kind means the cluster has no such kind (its CRD is not
    installed); core kinds are always served, so there it is a failure like any other, raised
    as an ApiFailure. kube-apiserver answers a path it does not serve with a plain-text
    `404 page not found`, not a JSON Status, which lightkube raises as an HTTP error rather
    than an ApiError: both mean the same here.
    """
    cls: Any = resource(kind)
    optional = bool(cls._api_info.resource.group)
    try:
        if namespace is None:
            return [obj.to_dict() for obj in client.list(cls)]
        return [obj.to_dict() for obj in client.list(cls, namespace=namespace)]
    except API_ERRORS as error:
        failure = classify(error)
        if isinstance(failure, NotFound) and optional:
            return None
        raise failure from error


def read_listing(
    client: Client, owner: Owner, kinds: Iterable[str | ResourceType], namespace: str
) -> Listing:
    """One LIST per kind: our objects, the names others hold, and the kinds not served."""
    owned: dict[str, tuple[dict, ...]] = {}
    foreign: dict[str, frozenset[str]] = {}
    unserved: set[str] = set()
    selectors: dict[str, dict[str, str]] = {}
    for kind in kinds:
        name = kind_name(kind)
        found = list_all(client, kind, namespace)
        if found is None:
            unserved.add(name)
            continue
        theirs: list[dict] = []
        mine: list[dict] = []
        for obj in found:
            (mine if _ours(owner, name, obj) else theirs).append(obj)
        owned[name] = tuple(mine)
        foreign[name] = frozenset(str(o["metadata"]["name"]) for o in theirs)
        if name == "Service":
            selectors = {
                str(o["metadata"]["name"]): dict((o.get("spec") or {}).get("selector") or {})
                for o in theirs
            }
    return Listing(namespace, owned, foreign, frozenset(unserved), selectors)


def _ours(owner: Owner, kind: str, obj: dict) -> bool:
    """Ours by our labels, or a predecessor's of this application still to be relabelled."""
    return owner.owns((obj.get("metadata") or {}).get("labels")) or owner.adoptable(kind, obj)
