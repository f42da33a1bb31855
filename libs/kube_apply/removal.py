"""Cleanup when an application is removed, the same for both charms."""

import logging
from collections.abc import Sequence

from kube_apply.apply import Applier
from kube_apply.client import connect
from kube_objects.failures import ApiFailure
from kube_objects.ownership import Owner

logger = logging.getLogger(__name__)


def remove_owned(owner: Owner, namespace: str, kinds: Sequence[str]) -> list[str]:
    """Delete every object `owner` has of `kinds` in `namespace`; failures are logged.

    Juju does not always clean up objects a charm created (juju/juju#20180). Deletes are
    idempotent, so every unit may run this (the leader may be torn down first).
    """
    try:
        client = connect(owner.application, namespace)
        deleted = Applier(client, owner).delete_all(kinds, namespace)
    except ApiFailure as failure:
        logger.error("could not delete owned objects on removal: %s", failure.message)
        return []
    for name in deleted:
        logger.info("deleted %s", name)
    return deleted
