"""The act step's shared half: hand a plan's status and logs to Juju, sync its objects."""

import logging
from collections.abc import Iterable, Sequence

import ops
from lightkube import Client

from kube_apply import Applier, SyncReport
from kube_apply.removal import application_reference, remove_owned
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
        owned = [obj for objects in listing.owned.values() for obj in objects]
        reference = (
            application_reference(client, owner.application, namespace, owned)
            if plan.objects
            else None
        )
        report = Applier(client, owner).sync(
            plan.objects, plan.kinds, namespace, listing, owner_reference=reference
        )
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


def leaving(charm: ops.CharmBase, event: ops.EventBase) -> bool:
    """Whether `event` is a teardown hook of the application's last unit.

    On removal and on `juju scale-application <app> 0` alike, the last unit runs
    relation-departed and relation-broken, where ops no longer lists the relation: a
    reconcile then would prune objects and withdraw URLs that still serve. Those hooks change
    nothing; what goes with the application is the garbage collector's to delete
    (`kube_apply.removal`). Only teardown hooks pay for the goal-state call.
    """
    teardown = isinstance(event, ops.RelationDepartedEvent | ops.RelationBrokenEvent)
    return teardown and charm.app.planned_units() == 0


def remove_on_app_removal(charm: ops.CharmBase, name: str, kinds: Sequence[str]) -> None:
    """On the last unit's remove hook, delete what the application's StatefulSet does not hold.

    `name` is the charm's, as in its ownership labels; `kinds` are deleted in reverse order.
    Never on scale-down (units still planned); see `kube_apply.removal` for the rest.
    """
    if charm.app.planned_units() > 0:
        return
    owner = Owner(charm=name, application=charm.app.name, model=charm.model.name)
    remove_owned(owner, charm.model.name, list(reversed(kinds)))
