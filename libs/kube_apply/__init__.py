"""Kubernetes I/O shared by both charms: read what is there, server-side apply, prune by label.

Builders in each charm return plain dicts (the desired objects); this package is the only place
that reads them from and writes them to the API, and it only ever writes or deletes objects
carrying the owner's labels. The pure side (names, ownership, failures) is `kube_objects`.
"""

from kube_apply.apply import Applier, SyncReport
from kube_apply.classify import API_ERRORS, classify
from kube_apply.client import connect, try_connect
from kube_apply.listing import list_all, read_listing
from kube_apply.resources import (
    BackendTLSPolicy,
    Gateway,
    GatewayClass,
    HTTPRoute,
    ListenerSet,
    ReferenceGrant,
    ResourceType,
    resource,
    resource_class,
)

__all__ = [
    "API_ERRORS",
    "Applier",
    "BackendTLSPolicy",
    "Gateway",
    "GatewayClass",
    "HTTPRoute",
    "ListenerSet",
    "ReferenceGrant",
    "ResourceType",
    "SyncReport",
    "classify",
    "connect",
    "list_all",
    "read_listing",
    "resource",
    "resource_class",
    "try_connect",
]
