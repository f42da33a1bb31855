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
from gateway_route.relation_data import remote_app_databag
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


def route_requests(
    charm: ops.CharmBase, provider: GatewayRouteProvider
) -> tuple[RouteRequest, ...]:
    """Every live gateway-route relation's request.

    The raw databag and our previous answer matter only for a request that does not validate;
    reading them for every relation cost ~0.5 s per hook at 1,000 relations.
    """
    found = []
    for request in provider.requests():
        databag = previous = None
        if isinstance(request.data, DataError):
            relation = charm.model.get_relation(ROUTE_RELATION, request.relation_id)
            databag = remote_app_databag(relation) if relation is not None else None
            if relation is not None and charm.unit.is_leader():
                ours = decode(ProviderData, relation.data[charm.app])
                previous = ours if isinstance(ours, ProviderData) else None
        found.append(
            RouteRequest(request.relation_id, request.remote_app, request.data, databag, previous)
        )
    return tuple(found)


def certificates(charm: ops.CharmBase, library: GuardedCertificates) -> Certificates:
    """What the TLS library holds for us."""
    if charm.model.get_relation(CERTIFICATES_RELATION) is None:
        return Certificates(related=False)
    offered, key = library.offered()
    return Certificates(related=True, problem=library.problem, offered=offered, private_key=key)


def cluster(client: Client | ApiFailure, owner: Owner, namespace: str) -> Cluster | ApiFailure:
    """Our objects, the names others hold, and the GatewayClasses."""
    if isinstance(client, ApiFailure):
        return client
    try:
        listing = read_listing(client, owner, OWNED_KINDS, namespace)
        classes = list_all(client, GatewayClass, None) if listing.serves("Gateway") else None
    except ApiFailure as failure:
        return failure
    return Cluster(listing=listing, gateway_classes=None if classes is None else tuple(classes))


def observe(
    charm: ops.CharmBase,
    provider: GatewayRouteProvider,
    library: GuardedCertificates,
    client: Client | ApiFailure | None,
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
        requests=route_requests(charm, provider),
        certificates=certificates(charm, library),
        now=datetime.now(UTC),
    )
    if client is None:
        return observed
    return dataclasses.replace(observed, cluster=cluster(client, observed.owner, namespace))
