"""Gateway API attachment rules as pure functions (what a conformant controller computes).

References are to the Gateway API spec (gateway.networking.k8s.io/v1): Listener.allowedRoutes,
ParentReference, HTTPRoute hostnames, BackendObjectReference and ReferenceGrant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubedouble import selectors

GROUP = "gateway.networking.k8s.io"
ROUTE_PROTOCOLS = {"HTTP": ("HTTPRoute",), "HTTPS": ("HTTPRoute",)}


@dataclass(frozen=True)
class Listener:
    """A listener of a Gateway or ListenerSet, with the namespace of the object it is in."""

    name: str
    port: int
    protocol: str
    hostname: str | None
    namespace: str
    allowed_routes: Mapping[str, Any] = field(default_factory=dict)
    tls: Mapping[str, Any] | None = None

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], namespace: str) -> Listener:
        return cls(
            name=spec.get("name", ""),
            port=int(spec.get("port", 0)),
            protocol=spec.get("protocol", ""),
            hostname=spec.get("hostname"),
            namespace=namespace,
            allowed_routes=spec.get("allowedRoutes") or {},
            tls=spec.get("tls"),
        )


def hostnames_intersect(listener_hostname: str | None, route_hostnames: Iterable[str]) -> bool:
    """Whether a route with `route_hostnames` may attach to a listener with that hostname.

    A missing listener hostname or an empty route list matches everything. A wildcard
    (`*.example.com`) matches one or more leading labels on either side, never the bare suffix.
    """
    hostnames = list(route_hostnames)
    if not listener_hostname or not hostnames:
        return True
    return any(_intersect(listener_hostname, hostname) for hostname in hostnames)


def _intersect(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    if a.startswith("*.") and b.startswith("*."):
        return b.endswith(a[1:]) or a.endswith(b[1:])
    if a.startswith("*."):
        return b.endswith(a[1:])
    if b.startswith("*."):
        return a.endswith(b[1:])
    return False


def route_kinds(listener: Listener) -> list[dict[str, str]]:
    """Route kinds a listener supports: its protocol's kinds, narrowed by allowedRoutes.kinds."""
    native = ROUTE_PROTOCOLS.get(listener.protocol, ())
    wanted = listener.allowed_routes.get("kinds")
    if wanted is None:
        return [{"group": GROUP, "kind": kind} for kind in native]
    return [
        {"group": GROUP, "kind": item["kind"]}
        for item in wanted
        if item.get("group", GROUP) == GROUP and item.get("kind") in native
    ]


def kind_allowed(listener: Listener, kind: str = "HTTPRoute") -> bool:
    """Whether routes of `kind` may attach to this listener at all."""
    return any(item["kind"] == kind for item in route_kinds(listener))


def namespace_allowed(
    allowed: Mapping[str, Any] | None,
    from_namespace: str,
    owner_namespace: str,
    namespace_labels: Mapping[str, Mapping[str, str]],
    default: str = "Same",
) -> bool:
    """Apply a `namespaces: {from: Same|All|Selector|None, selector}` rule to `from_namespace`."""
    rule = (allowed or {}).get("namespaces") or {}
    origin = rule.get("from", default)
    if origin == "All":
        return True
    if origin == "Same":
        return from_namespace == owner_namespace
    if origin == "Selector":
        selector = selectors.from_label_selector(rule.get("selector"))
        return from_namespace in namespace_labels and selectors.matches(
            selector, namespace_labels[from_namespace]
        )
    return False


def grant_permits(
    grants: Iterable[Mapping[str, Any]],
    *,
    from_kind: str,
    from_namespace: str,
    to_group: str,
    to_kind: str,
    to_namespace: str,
    to_name: str,
    from_group: str = GROUP,
) -> bool:
    """Whether a ReferenceGrant in `to_namespace` lets the `from` object refer to the target."""
    for grant in grants:
        if (grant.get("metadata") or {}).get("namespace") != to_namespace:
            continue
        spec = grant.get("spec") or {}
        sources = any(
            src.get("group") == from_group
            and src.get("kind") == from_kind
            and src.get("namespace") == from_namespace
            for src in spec.get("from") or []
        )
        targets = any(
            dst.get("group", "") == to_group
            and dst.get("kind") == to_kind
            and dst.get("name") in (None, to_name)
            for dst in spec.get("to") or []
        )
        if sources and targets:
            return True
    return False
