"""The configurator's Kubernetes I/O: one client per reconcile, sync by label, read back routes."""

from dataclasses import dataclass
from typing import Any

from lightkube import ApiError, Client
from lightkube.resources.core_v1 import Service

from kube_apply import Applier, BackendTLSPolicy, CachedApplier, HTTPRoute, Owner, SyncReport
from kube_apply.apply import ResourceType

CHARM = "gateway-route-configurator"


def owner(app: str, model: str) -> Owner:
    """Labels on everything this application creates."""
    return Owner(charm=CHARM, application=app, model=model)


def applier(kube: Client, who: Owner) -> CachedApplier:
    """The applier for one hook."""
    return CachedApplier(kube, who)


def taken_by_others(applier: CachedApplier, kind: ResourceType, name: str, namespace: str) -> bool:
    """Whether `name` exists in `namespace` as an object we do not own.

    Costs a GET only when the name is missing from our own listing (never in steady state).
    """
    if any(obj["metadata"]["name"] == name for obj in applier.owned(kind, namespace)):
        return False
    resource: Any = kind
    try:
        applier.client.get(resource, name, namespace=namespace)
    except ApiError as error:
        if error.status.code == 404:
            return False
        raise
    return True


def backend_tls_served(applier: Applier, namespace: str) -> bool:
    """Whether the cluster has BackendTLSPolicy (gateway.networking.k8s.io/v1).

    A 404 on the collection means the CRD (or that version of it) is not installed. The LIST is
    the one sync needs anyway, so discovery costs no extra request.
    """
    try:
        applier.owned(BackendTLSPolicy, namespace)
    except ApiError as error:
        if error.status.code == 404:
            return False
        raise
    return True


@dataclass
class SyncResult:
    """What was done, and the routes as the API server now has them (with their status)."""

    report: SyncReport
    routes: dict[str, dict]


def sync(
    applier: CachedApplier, desired: list[dict], namespace: str, *, with_tls_policies: bool
) -> SyncResult:
    """Make our objects in `namespace` exactly `desired`; then read our routes back.

    The routes are listed again only when this sync wrote one (its status is what matters).
    """
    kinds: list = [Service, HTTPRoute]
    if with_tls_policies:
        kinds.append(BackendTLSPolicy)
    report = applier.sync(desired, kinds, namespace)
    if any(name.startswith("HTTPRoute ") for name in [*report.applied, *report.deleted]):
        applier.forget(HTTPRoute, namespace)
    routes = {obj["metadata"]["name"]: obj for obj in applier.owned(HTTPRoute, namespace)}
    return SyncResult(report=report, routes=routes)


def delete_all(kube: Client, who: Owner, namespace: str) -> list[str]:
    """Remove everything we own here (application removal)."""
    kinds: list = [Service, HTTPRoute]
    listing = applier(kube, who)
    if backend_tls_served(listing, namespace):
        kinds.append(BackendTLSPolicy)
    return listing.delete_all(kinds, namespace)
