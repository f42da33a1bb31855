"""The act step's shared half: hand a plan's status and logs to Juju, sync its objects."""

import logging
from collections.abc import Iterable, Sequence

import ops
from lightkube import Client

from kube_apply import Applier, SyncReport
from kube_apply.removal import remove_owned
from kube_objects import ApiFailure, Listing, Owner
from reconcile.plan import KubePlan
from reconcile.status import Log, Status, api_failure

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


def synced(
    charm: ops.CharmBase,
    plan: KubePlan,
    client: Client | ApiFailure,
    owner: Owner,
    listing: Listing | ApiFailure | None,
) -> bool:
    """Sync the plan's objects; on an API failure show it, in the API's words, and say False.

    After a failed sync a caller publishes nothing: whether what it would name exists is
    unknown, so relation data stays as it was and the next event retries.
    """
    report = sync(plan, client, owner, listing, logging.getLogger(charm.__module__))
    if isinstance(report, ApiFailure):
        charm.unit.status = to_ops(api_failure(report, owner.application))
        return False
    return True


def remove_on_app_removal(charm: ops.CharmBase, name: str, kinds: Sequence[str]) -> None:
    """On the remove hook, delete what the application owns, in reverse order of `kinds`.

    `name` is the charm's, as in its ownership labels. Only when the whole application goes,
    not on scale-down (units still planned).
    """
    if charm.app.planned_units() > 0:
        return
    owner = Owner(charm=name, application=charm.app.name, model=charm.model.name)
    remove_owned(owner, charm.model.name, list(reversed(kinds)))
