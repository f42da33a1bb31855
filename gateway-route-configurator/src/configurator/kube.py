"""The configurator's Kubernetes I/O: one client per reconcile, sync by label, read back routes."""

from dataclasses import dataclass

from lightkube import ApiError, Client
from lightkube.resources.core_v1 import Service

from kube_apply import Applier, BackendTLSPolicy, HTTPRoute, Owner, SyncReport

CHARM = "gateway-route-configurator"


def owner(app: str, model: str) -> Owner:
    """Labels on everything this application creates."""
    return Owner(charm=CHARM, application=app, model=model)


def client(app: str, namespace: str) -> Client:
    """A client with this application as field manager, from the pod's service account.

    (Or from KUBECONFIG, which is how the tests point it at the API double.)
    """
    return Client(field_manager=app, namespace=namespace)


def backend_tls_served(kube: Client, namespace: str) -> bool:
    """Whether the cluster has BackendTLSPolicy (gateway.networking.k8s.io/v1).

    A 404 on the collection means the CRD (or that version of it) is not installed.
    """
    try:
        next(iter(kube.list(BackendTLSPolicy, namespace=namespace)), None)
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
    kube: Client, who: Owner, desired: list[dict], namespace: str, *, with_tls_policies: bool
) -> SyncResult:
    """Make our objects in `namespace` exactly `desired`; then read our routes back."""
    kinds: list = [Service, HTTPRoute]
    if with_tls_policies:
        kinds.append(BackendTLSPolicy)
    applier = Applier(kube, who)
    report = applier.sync(desired, kinds, namespace)
    routes = {obj["metadata"]["name"]: obj for obj in applier.owned(HTTPRoute, namespace)}
    return SyncResult(report=report, routes=routes)


def delete_all(kube: Client, who: Owner, namespace: str) -> list[str]:
    """Remove everything we own here (application removal)."""
    kinds: list = [Service, HTTPRoute]
    if backend_tls_served(kube, namespace):
        kinds.append(BackendTLSPolicy)
    return Applier(kube, who).delete_all(kinds, namespace)
