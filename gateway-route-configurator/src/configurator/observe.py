"""Every read of one reconcile, into one frozen snapshot (`configurator.plan.Observed`).

The cluster costs one LIST per owned kind and no GET: the listings also tell which names
others hold in the namespace.
"""

import dataclasses
import logging

import ops
from charmlibs.interfaces.certificate_transfer import CertificateTransferRequires
from lightkube import Client

from configurator.plan import OWNED_KINDS, Observed
from configurator.plan.backend_tls import CA_RELATION
from gateway_route.requirer import GatewayRouteRequirer
from ingress_v2.provider import IngressProvider
from kube_apply import read_listing
from kube_objects import ApiFailure, Listing, Owner

logger = logging.getLogger(__name__)


def listing(client: Client | ApiFailure, owner: Owner, namespace: str) -> Listing | ApiFailure:
    """Our objects of every owned kind, and the names others hold."""
    if isinstance(client, ApiFailure):
        return client
    try:
        return read_listing(client, owner, OWNED_KINDS, namespace)
    except ApiFailure as failure:
        return failure


def ca_certificates(
    charm: ops.CharmBase, ca: CertificateTransferRequires
) -> tuple[str, ...] | None:
    """The CAs sent over receive-ca-cert; None when there is no such relation."""
    if charm.model.get_relation(CA_RELATION) is None:
        return None
    try:
        return tuple(sorted(ca.get_all_certificates()))
    except (ValueError, TypeError, RecursionError, ops.ModelError) as error:
        # The library logs and skips what fails its model; anything else it lets through must
        # not fail the hook: no CA is what we then have.
        logger.warning("unreadable data on %s: %s", CA_RELATION, error)
        return ()


def observe(
    charm: ops.CharmBase,
    relations: tuple[IngressProvider, GatewayRouteRequirer, CertificateTransferRequires],
    client: Client | ApiFailure,
) -> Observed:
    """The snapshot the plan decides from; a non-leader reads nothing but that it is not leader."""
    app, namespace = charm.app.name, charm.model.name
    if not charm.unit.is_leader():
        return Observed(app=app, namespace=namespace, leader=False)
    ingress, gateway, ca = relations
    relation = ingress.relation
    observed = Observed(
        app=app,
        namespace=namespace,
        leader=True,
        config=dict(charm.config),
        ingress=ingress.read(),
        ingress_related=relation is not None,
        published=ingress.published_url(),
        workload=relation.app.name if relation is not None and relation.app else None,
        workload_model=ingress.remote_model(),
        model_uuid=charm.model.uuid,
        gateway_related=gateway.relation is not None,
        gateway=gateway.relation.app.name if gateway.relation and gateway.relation.app else None,
        answer=gateway.answer(),
        gateway_dialect=gateway.dialect(),
        ca=ca_certificates(charm, ca),
    )
    return dataclasses.replace(observed, cluster=listing(client, observed.owner, namespace))
