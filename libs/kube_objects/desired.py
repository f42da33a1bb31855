"""A desired object stamped as ours, and whether it differs from the stored one.

Pure, so that a charm's plan can tell which objects a sync will rewrite. Comparing only the
fields we set matters because the API server fills in defaults (a naive comparison writes on
every hook); the applied-hash annotation also catches a field we dropped since the last apply.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kube_objects.ownership import Owner

APPLIED_HASH = "gateway-api.juju.is/applied-hash"

Key = tuple[str, str, str]
"""(kind, namespace or "", name)."""

KEYED_LISTS: dict[tuple[str, ...], tuple[tuple[str, str | None], ...]] = {
    ("spec", "listeners"): (("name", None),),
    ("spec", "ports"): (("port", None), ("protocol", "TCP")),
    ("metadata", "ownerReferences"): (("uid", None),),
}
"""Lists the API merges by key (`x-kubernetes-list-type: map` in the Gateway API CRDs and the
core OpenAPI schema), as (field, server default) pairs. Server-side apply merges their elements
by key and need not take the applied order: structured-merge-diff keeps the stored order of
elements both lists hold. Comparing these lists in order would rewrite an unchanged object on
every hook once its elements were reordered."""


def describe(obj: dict) -> str:
    """'Kind namespace/name' (or 'Kind name' when cluster-scoped) for logs and statuses."""
    meta = obj.get("metadata") or {}
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj.get('kind')} {where}{meta.get('name')}"


def key_of(obj: dict) -> Key:
    """The identity of an object within one cluster."""
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind")), str(meta.get("namespace") or ""), str(meta.get("name")))


def _fingerprint(obj: dict) -> str:
    text = json.dumps(_canonical(obj), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _element_key(item: Any, fields: tuple[tuple[str, str | None], ...]) -> str | None:
    if not isinstance(item, dict):
        return None
    return json.dumps([item.get(name, default) for name, default in fields])


def _keyed(items: list, path: tuple[str, ...]) -> dict[str, Any] | None:
    """A keyed list's elements by key; None when `path` is not keyed or keys repeat."""
    fields = KEYED_LISTS.get(path[-2:])
    if fields is None:
        return None
    found = {_element_key(item, fields): item for item in items}
    if None in found or len(found) != len(items):
        return None
    return {str(key): item for key, item in found.items()}


def _canonical(value: Any, path: tuple[str, ...] = ()) -> Any:
    """Keyed lists sorted by key: their order is not ours to set."""
    if isinstance(value, dict):
        return {k: _canonical(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v, path) for v in value]
        keyed = _keyed(items, path)
        return items if keyed is None else [keyed[k] for k in sorted(keyed)]
    return value


def prepare(owner: Owner, obj: dict) -> dict:
    """The object exactly as it will be applied: owner labels and the applied-hash stamped."""
    stamped = owner.stamp(obj)
    metadata = dict(stamped["metadata"])
    annotations = {
        k: v for k, v in (metadata.get("annotations") or {}).items() if k != APPLIED_HASH
    }
    metadata["annotations"] = annotations
    fingerprint = _fingerprint({**stamped, "metadata": metadata})
    metadata["annotations"] = {**annotations, APPLIED_HASH: fingerprint}
    return {**stamped, "metadata": metadata}


def is_subset(wanted: Any, actual: Any, path: tuple[str, ...] = ()) -> bool:
    """True when every field in `wanted` has the same value in `actual`.

    Dicts may hold extra keys in `actual` (server defaults, status); lists must match element by
    element, since an extra or missing listener, rule or port is a real difference. Keyed lists
    (KEYED_LISTS) match element by key, in any order.
    """
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            key in actual and is_subset(value, actual[key], (*path, key))
            for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(wanted) != len(actual):
            return False
        mine, theirs = _keyed(wanted, path), _keyed(actual, path)
        if mine is not None and theirs is not None:
            return mine.keys() == theirs.keys() and all(
                is_subset(item, theirs[key], path) for key, item in mine.items()
            )
        return all(is_subset(w, a, path) for w, a in zip(wanted, actual, strict=True))
    return wanted == actual


def needs_write(owner: Owner, desired: dict, stored: dict | None) -> bool:
    """Whether syncing `desired` over `stored` (None: absent) sends an apply."""
    return stored is None or not is_subset(prepare(owner, desired), stored)
