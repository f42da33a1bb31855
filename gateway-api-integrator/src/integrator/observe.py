"""Every read of one reconcile, into one frozen snapshot (`integrator.plan.Observed`).

Relation data is validated on the way in; the cluster costs one LIST per owned kind and one of
GatewayClasses, and no GET: the listings also tell which names others hold.
"""

import dataclasses
from datetime import UTC, datetime

import ops
from lightkube import Client

from gateway_route import DataError, ProviderData, decode
from gateway_route.provider import GatewayRouteProvider
from integrator.certificates import GuardedCertificates
from integrator.plan import (
    CERTIFICATES_RELATION,
    OWNED_KINDS,
    ROUTE_RELATION,
    Certificates,
    Cluster,
    Observed,
    RouteRequest,
)
from kube_apply import GatewayClass, list_all, read_listing
from kube_objects import ApiFailure, Owner

MODEL_UUID_ANNOTATION = "model.juju.is/id"
"""Juju annotates each model's namespace with the model's UUID (juju/juju caas/kubernetes)."""


def route_requests(
    charm: ops.CharmBase, provider: GatewayRouteProvider
) -> tuple[RouteRequest, ...]:
    """Every live gateway-route relation's request.

    Our previous answer matters only for a request that does not validate; reading it for every
    relation cost ~0.5 s per hook at 1,000 relations.
    """
    found = []
    for request in provider.requests():
        previous = None
        if isinstance(request.data, DataError) and charm.unit.is_leader():
            relation = charm.model.get_relation(ROUTE_RELATION, request.relation_id)
            ours = decode(ProviderData, relation.data[charm.app]) if relation else None
            previous = ours if isinstance(ours, ProviderData) else None
        found.append(
            RouteRequest(
                request.relation_id,
                request.remote_app,
                request.data,
                request.databag,
                previous,
                request.remote_model,
            )
        )
    return tuple(found)


def certificates(charm: ops.CharmBase, library: GuardedCertificates) -> Certificates:
    """What the TLS library holds for us."""
    if charm.model.get_relation(CERTIFICATES_RELATION) is None:
        return Certificates(related=False)
    offered, key = library.offered()
    return Certificates(related=True, problem=library.problem, offered=offered, private_key=key)


class NamespaceReads:
    """The cluster's Namespaces, listed at most once per hook.

    Both the TLS library's certificate-request callback and the observe step need them (to
    check which model a requester's namespace is); a charm object lives for one hook.
    """

    def __init__(self) -> None:
        self._found: list[dict] | None = None
        self._read = False

    def __call__(self, client: Client) -> list[dict] | None:
        """Every Namespace (None: not served, never for a core kind); raises ApiFailure."""
        if not self._read:
            self._found = list_all(client, "Namespace", None)  # a failure is not remembered
            self._read = True
        return self._found


def cluster(
    client: Client | ApiFailure,
    owner: Owner,
    namespace: str,
    namespace_reads: NamespaceReads | None = None,
) -> Cluster | ApiFailure:
    """Our objects, the names others hold, the GatewayClasses and the Juju models' namespaces."""
    if isinstance(client, ApiFailure):
        return client
    reads = namespace_reads or NamespaceReads()
    try:
        listing = read_listing(client, owner, OWNED_KINDS, namespace)
        classes = list_all(client, GatewayClass, None) if listing.serves("Gateway") else None
        namespaces = reads(client)
    except ApiFailure as failure:
        return failure
    return Cluster(
        listing=listing,
        gateway_classes=None if classes is None else tuple(classes),
        namespaces=juju_models(namespaces),
    )


def juju_models(namespaces: list[dict] | None) -> dict[str, str | None] | None:
    """Namespace -> the Juju model UUID Juju annotated it with (None: not a Juju model)."""
    if namespaces is None:
        return None
    found: dict[str, str | None] = {}
    for namespace in namespaces:
        meta = namespace.get("metadata") or {}
        annotations = meta.get("annotations") or {}
        found[str(meta.get("name"))] = annotations.get(MODEL_UUID_ANNOTATION)
    return found


def observe(
    charm: ops.CharmBase,
    provider: GatewayRouteProvider,
    library: GuardedCertificates,
    client: Client | ApiFailure | None,
    namespace_reads: NamespaceReads | None = None,
) -> Observed:
    """The snapshot the plan decides from; a non-leader reads nothing but that it is not leader.

    `client` None: the cluster is not read (an action that needs only relations).
    """
    app, namespace = charm.app.name, charm.model.name
    if not charm.unit.is_leader():
        return Observed(app=app, namespace=namespace, leader=False, config={})
    observed = Observed(
        app=app,
        namespace=namespace,
        leader=True,
        config=dict(charm.config),
        model_uuid=charm.model.uuid,
        requests=route_requests(charm, provider),
        certificates=certificates(charm, library),
        now=datetime.now(UTC),
    )
    if client is None:
        return observed
    found = cluster(client, observed.owner, namespace, namespace_reads)
    return dataclasses.replace(observed, cluster=found)
