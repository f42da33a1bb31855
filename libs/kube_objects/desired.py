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
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


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


def is_subset(wanted: Any, actual: Any) -> bool:
    """True when every field in `wanted` has the same value in `actual`.

    Dicts may hold extra keys in `actual` (server defaults, status); lists must match element by
    element, since an extra or missing listener, rule or port is a real difference.
    """
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            key in actual and is_subset(value, actual[key]) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(actual, list)
            and len(wanted) == len(actual)
            and all(is_subset(w, a) for w, a in zip(wanted, actual, strict=True))
        )
    return wanted == actual


def needs_write(owner: Owner, desired: dict, stored: dict | None) -> bool:
    """Whether syncing `desired` over `stored` (None: absent) sends an apply."""
    return stored is None or not is_subset(prepare(owner, desired), stored)
