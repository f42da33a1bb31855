"""lightkube resource classes for the Gateway API kinds, defined once for both charms."""

from __future__ import annotations

from lightkube import codecs
from lightkube.core.resource import GlobalResource, NamespacedResource
from lightkube.generic_resource import (
    create_global_resource,
    create_namespaced_resource,
    get_generic_resource,
)

GATEWAY_API_GROUP = "gateway.networking.k8s.io"


def _namespaced(kind: str, plural: str, version: str = "v1") -> type[NamespacedResource]:
    # The registry refuses a second class for the same kind; reuse one already made (tests and
    # the bundle simulation import both charms into one process).
    existing = get_generic_resource(f"{GATEWAY_API_GROUP}/{version}", kind)
    if existing is not None:
        return existing  # type: ignore[return-value]
    return create_namespaced_resource(GATEWAY_API_GROUP, version, kind, plural)


def _global(kind: str, plural: str, version: str = "v1") -> type[GlobalResource]:
    existing = get_generic_resource(f"{GATEWAY_API_GROUP}/{version}", kind)
    if existing is not None:
        return existing  # type: ignore[return-value]
    return create_global_resource(GATEWAY_API_GROUP, version, kind, plural)


GatewayClass = _global("GatewayClass", "gatewayclasses")
Gateway = _namespaced("Gateway", "gateways")
HTTPRoute = _namespaced("HTTPRoute", "httproutes")
ReferenceGrant = _namespaced("ReferenceGrant", "referencegrants", "v1beta1")
ListenerSet = _namespaced("ListenerSet", "listenersets")
BackendTLSPolicy = _namespaced("BackendTLSPolicy", "backendtlspolicies")


def resource_class(obj: dict) -> type[NamespacedResource] | type[GlobalResource]:
    """The lightkube class for a plain-dict object (core kinds and the Gateway API kinds)."""
    return type(codecs.from_dict(obj))
