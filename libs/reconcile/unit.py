"""The act step's shared half: hand a plan's status and logs to Juju, sync its objects."""

import logging
from collections.abc import Iterable

import ops
from lightkube import Client

from kube_apply import Applier, SyncReport
from kube_objects import ApiFailure, Listing, Owner
from reconcile.plan import KubePlan
from reconcile.status import Log, Status

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


def to_ops(status: Status) -> ops.StatusBase:
    """The ops status for a planned one."""
    return ops.StatusBase.from_name(status.level, status.message)


def log_all(logger: logging.Logger, lines: Iterable[Log]) -> None:
    """Log what a plan asked to be logged."""
    for level, message in lines:
        logger.log(_LEVELS.get(level, logging.ERROR), "%s", message)


def sync(
    plan: KubePlan,
    client: Client | ApiFailure,
    owner: Owner,
    listing: Listing | ApiFailure | None,
    logger: logging.Logger,
) -> SyncReport | ApiFailure | None:
    """Apply and prune what the plan says; None when it leaves the cluster alone.

    `listing` is the observe step's (the sync reuses it instead of listing again).
    """
    if plan.objects is None or not isinstance(listing, Listing):
        return None
    try:
        if isinstance(client, ApiFailure):
            raise client
        namespace = listing.namespace or owner.model
        report = Applier(client, owner).sync(plan.objects, plan.kinds, namespace, listing)
    except ApiFailure as failure:
        logger.error("Kubernetes API: %s (HTTP %s)", failure.message, failure.code)
        return failure
    report.log(logger)
    return report
