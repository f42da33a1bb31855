"""Status conditions as Gateway API controllers write them (metav1.Condition)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from kubedouble.api import now

Key = tuple[str, str]  # (namespace, name); namespace "" for cluster-scoped objects

# What the API server defaults an unreconciled GatewayClass, Gateway or ListenerSet to (the
# `status` default in every Gateway API CRD from v1.2 on): "no controller has acted yet".
NEVER = "1970-01-01T00:00:00Z"


def pending(kind: str) -> dict[str, Any]:
    """The condition the CRDs default `kind` (Accepted, Programmed) to before any controller."""
    return {
        "lastTransitionTime": NEVER,
        "message": "Waiting for controller",
        "reason": "Pending",
        "status": "Unknown",
        "type": kind,
    }


def condition(
    kind: str,
    ok: bool,
    reason: str,
    message: str,
    *,
    obj: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A True/False condition; `previous` (a status holding `conditions`) keeps its time."""
    value = "True" if ok else "False"
    old = next(
        (c for c in (previous or {}).get("conditions") or [] if c.get("type") == kind), None
    )
    # lastTransitionTime moves only when the status flips, so a repeated reconcile is a no-op.
    since = old["lastTransitionTime"] if old and old.get("status") == value else now()
    return {
        "type": kind,
        "status": value,
        "reason": reason,
        "message": message,
        "observedGeneration": obj["metadata"].get("generation", 1),
        "lastTransitionTime": since,
    }


def address_type(address: str) -> str:
    """`IPAddress` or `Hostname`, as a Gateway's `status.addresses[].type` says."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return "Hostname"
    return "IPAddress"


def key(obj: Mapping[str, Any]) -> Key:
    """(namespace, name) of an object."""
    meta = obj["metadata"]
    return (meta.get("namespace") or "", meta["name"])


def age(obj: Mapping[str, Any]) -> tuple[str, str, str]:
    """Sort key for the spec's precedence: oldest first, then `namespace/name`."""
    meta = obj["metadata"]
    return (meta.get("creationTimestamp") or "", meta.get("namespace") or "", meta["name"])
