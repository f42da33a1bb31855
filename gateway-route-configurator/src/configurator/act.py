"""Carry out a plan: sync the objects, write the request and the URL, show the status."""

import logging

import ops
from lightkube import Client

from configurator.plan import WITHDRAW, Observed, Plan
from gateway_route.requirer import GatewayRouteRequirer
from ingress_v2.provider import IngressProvider
from kube_objects import ApiFailure
from reconcile.unit import log_all, synced, to_ops

logger = logging.getLogger(__name__)


def act(
    charm: ops.CharmBase,
    plan: Plan,
    observed: Observed,
    relations: tuple[IngressProvider, GatewayRouteRequirer],
    client: Client | ApiFailure,
) -> None:
    """Write the request, wipe a URL that is going, sync, publish a URL, set the status.

    A URL is published only after the objects it depends on were written; when the sync fails
    the URL is left as it was, since whether the routes still serve is unknown.
    """
    ingress, gateway = relations
    log_all(logger, plan.logs)
    if plan.request == WITHDRAW:
        gateway.withdraw()
    elif plan.request is not None:
        gateway.request(plan.request)
    if plan.url == WITHDRAW:
        ingress.wipe_url()
    if not synced(charm, plan, client, observed.owner, observed.cluster):
        return
    if plan.url not in (None, WITHDRAW):
        ingress.publish_url(str(plan.url))
    charm.unit.status = to_ops(plan.status)
