"""Carry out a plan: sync the objects, publish the answers, show the status."""

import logging

import ops
from lightkube import Client

from dns_record.requirer import DnsRecordRequirer
from gateway_route import ProviderData, encode
from gateway_route.provider import GatewayRouteProvider
from ingress_v2.provider import IngressProvider
from integrator.certificates import GuardedCertificates
from integrator.observe import RouteReads
from integrator.plan import Cluster, Observed, Plan
from integrator.plan.direct import WITHDRAW
from integrator.plan.dns import DNS_RELATION
from kube_objects import ApiFailure
from reconcile.unit import log_all, synced, to_ops

logger = logging.getLogger(__name__)

WITHDRAWN = dict.fromkeys(ProviderData.model_fields, "")
"""Our keys as a withdrawal leaves them (an empty value is a removed key)."""


def act(
    charm: ops.CharmBase,
    plan: Plan,
    observed: Observed,
    provider: GatewayRouteProvider,
    client: Client | ApiFailure,
    *,
    routes: RouteReads,
    library: GuardedCertificates,
    ingress: IngressProvider,
) -> None:
    """Apply and prune, then answer each configurator, then set the status.

    Answers are published only once the objects they name exist: a failed sync leaves every
    answer as it was, and the next event (at the latest update-status) retries.
    """
    log_all(logger, plan.logs)
    if plan.renew_key:
        # A new key means new CSRs, which a provider signs when they arrive (self-signed-
        # certificates signs fresh CSRs at once, but revoked ones only at its next pass).
        logger.info("certificates revoked: requesting replacements with a new private key")
        library.regenerate_private_key()
    if plan.url == WITHDRAW:
        # Before the sync: a workload must not keep advertising routes that are going.
        ingress.wipe_url()
    cluster = observed.cluster
    listing = cluster.listing if isinstance(cluster, Cluster) else None
    if not synced(charm, plan, client, observed.owner, listing):
        return
    publish(plan, provider, routes)
    if plan.url not in (None, WITHDRAW):
        ingress.publish_url(str(plan.url))
    if plan.dns_entries is not None:
        DnsRecordRequirer(charm, DNS_RELATION).publish(plan.dns_entries)
    charm.unit.status = to_ops(plan.status)


def publish(plan: Plan, provider: GatewayRouteProvider, routes: RouteReads) -> None:
    """Write each answer and withdrawal our databag does not already hold, and remember it.

    What the databag holds is known from this leader's own writes (`integrator.memory`); an
    unchanged answer costs no hook-tool call.
    """
    published = routes.memory.published
    for relation_id, data in plan.answers.items():
        if published.get(relation_id) != encode(data):
            written = provider.answer(relation_id, data, routes.relation(relation_id))
            _remember(published, relation_id, written)
    for relation_id in plan.withdrawn:
        if published.get(relation_id) != WITHDRAWN:
            written = provider.withdraw(relation_id, routes.relation(relation_id))
            _remember(published, relation_id, written)


def _remember(
    published: dict[int, dict[str, str]], relation_id: int, written: dict | None
) -> None:
    if written is None:
        published.pop(relation_id, None)
    else:
        published[relation_id] = written
