"""Carry out a plan: sync the objects, publish the answers, show the status."""

import logging

import ops
from lightkube import Client

from gateway_route.provider import GatewayRouteProvider
from integrator.certificates import GuardedCertificates
from integrator.plan import Cluster, Observed, Plan
from kube_objects import ApiFailure
from reconcile.unit import log_all, synced, to_ops

logger = logging.getLogger(__name__)


def act(
    charm: ops.CharmBase,
    plan: Plan,
    observed: Observed,
    provider: GatewayRouteProvider,
    client: Client | ApiFailure,
    *,
    library: GuardedCertificates,
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
    cluster = observed.cluster
    listing = cluster.listing if isinstance(cluster, Cluster) else None
    if not synced(charm, plan, client, observed.owner, listing):
        return
    for relation_id, data in plan.answers.items():
        provider.answer(relation_id, data)
    for relation_id in plan.withdrawn:
        provider.withdraw(relation_id)
    charm.unit.status = to_ops(plan.status)
