"""What goes when the application goes: Kubernetes' garbage collector decides, not a hook.

`juju remove-application` and `juju scale-application <app> 0` look alike to the last unit:
no planned units, then the same teardown hooks. Juju destroys the units first and scales the
application's StatefulSet down only once they are dead, in both cases (juju/juju
`caasapplicationprovisioner` `ensureScale` / `reconcileDeadUnitScale`); only on removal does it
then delete the StatefulSet (`appDead`), when no hook of the application runs any more.

So every object we own names that StatefulSet in `metadata.ownerReferences`. When Juju deletes
it, the garbage collector deletes them (Kubernetes "Owners and Dependents", cascading
deletion); on scale to zero the StatefulSet stays and so do they. An object without that
reference (no StatefulSet was found: not run by Juju, or made by an older revision and not
re-applied since) is deleted by the last unit's `remove` hook instead, as before.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence

from lightkube import ApiError, Client
from lightkube.resources.apps_v1 import StatefulSet

from kube_apply.apply import Applier
from kube_apply.classify import API_ERRORS, classify
from kube_apply.client import connect
from kube_apply.listing import read_listing
from kube_objects.desired import describe
from kube_objects.ownership import Owner

logger = logging.getLogger(__name__)


def statefulset_reference(application: str, uid: str) -> dict[str, str]:
    """An ownerReference to Juju's StatefulSet for `application` (it blocks nothing)."""
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": application, "uid": uid}


def held_by_statefulset(obj: Mapping, application: str) -> str | None:
    """The uid of the application's StatefulSet that `obj` names as its owner, if it does."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("kind") == "StatefulSet" and ref.get("name") == application and ref.get("uid"):
            return str(ref["uid"])
    return None


def application_reference(
    client: Client, application: str, namespace: str, owned: Iterable[Mapping]
) -> dict[str, str] | None:
    """The ownerReference every object of ours gets; None when Juju runs no such StatefulSet.

    Taken from our objects when they carry it (the steady state: no request), else one GET.
    """
    for obj in owned:
        uid = held_by_statefulset(obj, application)
        if uid:
            return statefulset_reference(application, uid)
    try:
        found = client.get(StatefulSet, application, namespace=namespace)
    except ApiError as error:
        if error.status.code == 404:
            return None
        raise classify(error) from error
    except API_ERRORS as error:
        raise classify(error) from error
    uid = found.metadata.uid if found.metadata else None
    return statefulset_reference(application, uid) if uid else None


def remove_owned(owner: Owner, namespace: str, kinds: Sequence[str]) -> list[str]:
    """At the last unit's `remove`: delete what no StatefulSet holds; keep the rest.

    What the StatefulSet holds goes with it on removal and stays on scale to zero. Deletes are
    idempotent, so every unit may run this (the leader may be torn down first). Failures are
    logged, never raised.
    """
    try:
        client = connect(owner.application, namespace)
        listing = read_listing(client, owner, kinds, namespace)
        applier = Applier(client, owner)
        held, deleted = 0, []
        for kind in kinds:
            for obj in listing.owned.get(kind, ()):
                if held_by_statefulset(obj, owner.application):
                    held += 1
                    continue
                applier.delete(obj)
                deleted.append(describe(obj))
    except API_ERRORS as error:  # ApiFailure included: classify returns it as it is
        logger.error("could not delete owned objects on removal: %s", classify(error).message)
        return []
    for name in deleted:
        logger.info("deleted %s", name)
    if held:
        logger.info(
            "%d object(s) stay with StatefulSet %s: Kubernetes deletes them with it when the "
            "application is removed, and a new unit serves them after a scale to zero",
            held,
            owner.application,
        )
    return deleted
