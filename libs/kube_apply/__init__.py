"""Kubernetes I/O shared by both charms: ownership labels, server-side apply, prune by label.

Builders in each charm return plain dicts (the desired objects); this package is the only place
that writes them to the API, and it only ever writes or deletes objects carrying the owner's
labels.
"""

from kube_apply.apply import Applier, CachedApplier, SyncReport
from kube_apply.client import connect
from kube_apply.errors import (
    KubeError,
    MissingApi,
    Rejected,
    TrustRequired,
    Unavailable,
    classify,
)
from kube_apply.names import dns1035_label, dns1123_subdomain
from kube_apply.ownership import Owner
from kube_apply.resources import (
    GATEWAY_API_GROUP,
    BackendTLSPolicy,
    Gateway,
    GatewayClass,
    HTTPRoute,
    ListenerSet,
    ReferenceGrant,
    resource_class,
)

__all__ = [
    "GATEWAY_API_GROUP",
    "Applier",
    "BackendTLSPolicy",
    "CachedApplier",
    "Gateway",
    "GatewayClass",
    "HTTPRoute",
    "KubeError",
    "ListenerSet",
    "MissingApi",
    "Owner",
    "ReferenceGrant",
    "Rejected",
    "SyncReport",
    "TrustRequired",
    "Unavailable",
    "classify",
    "connect",
    "dns1035_label",
    "dns1123_subdomain",
    "resource_class",
]
