"""lightkube resource classes for every kind the charms touch, found by kind name.

Plans name kinds as strings (they import no client); this is where a name becomes a class.
"""

from __future__ import annotations

from lightkube import codecs
from lightkube.core.resource import GlobalResource, NamespacedResource
from lightkube.generic_resource import (
    create_global_resource,
    create_namespaced_resource,
    get_generic_resource,
)
from lightkube.resources.apps_v1 import StatefulSet
from lightkube.resources.core_v1 import ConfigMap, Namespace, Secret, Service

from kube_objects.kinds import GROUP

ResourceType = type[NamespacedResource] | type[GlobalResource]


def _namespaced(kind: str, plural: str, version: str = "v1") -> type[NamespacedResource]:
    # The registry refuses a second class for the same kind; reuse one already made (tests and
    # the bundle simulation import both charms into one process).
    existing = get_generic_resource(f"{GROUP}/{version}", kind)
    if existing is not None:
        return existing  # type: ignore[return-value]
    return create_namespaced_resource(GROUP, version, kind, plural)


def _global(kind: str, plural: str, version: str = "v1") -> type[GlobalResource]:
    existing = get_generic_resource(f"{GROUP}/{version}", kind)
    if existing is not None:
        return existing  # type: ignore[return-value]
    return create_global_resource(GROUP, version, kind, plural)


GatewayClass = _global("GatewayClass", "gatewayclasses")
Gateway = _namespaced("Gateway", "gateways")
HTTPRoute = _namespaced("HTTPRoute", "httproutes")
ReferenceGrant = _namespaced("ReferenceGrant", "referencegrants", "v1beta1")
ListenerSet = _namespaced("ListenerSet", "listenersets")
BackendTLSPolicy = _namespaced("BackendTLSPolicy", "backendtlspolicies")

KINDS: dict[str, ResourceType] = {
    "ConfigMap": ConfigMap,
    "Namespace": Namespace,
    "Secret": Secret,
    "Service": Service,
    "StatefulSet": StatefulSet,
    "GatewayClass": GatewayClass,
    "Gateway": Gateway,
    "ListenerSet": ListenerSet,
    "HTTPRoute": HTTPRoute,
    "BackendTLSPolicy": BackendTLSPolicy,
    "ReferenceGrant": ReferenceGrant,
}


def resource(kind: str | ResourceType) -> ResourceType:
    """The lightkube class for a kind name (a class is passed through)."""
    if isinstance(kind, str):
        return KINDS[kind]
    return kind


def kind_name(kind: str | ResourceType) -> str:
    """The kind name of a class (a name is passed through)."""
    if isinstance(kind, str):
        return kind
    return kind._api_info.resource.kind


def resource_class(obj: dict) -> ResourceType:
    """The lightkube class for a plain-dict object."""
    return type(codecs.from_dict(obj))
