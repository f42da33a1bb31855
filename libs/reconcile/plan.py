"""What every charm's plan holds, whatever its relations: objects to own, status, log lines."""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.status import Log, Status


@dataclass(frozen=True)
class KubePlan:
    """The Kubernetes side of a plan; each charm's Plan adds its relation answers."""

    status: Status
    objects: tuple[dict, ...] | None = None
    """The exact set of objects we should own; None leaves the cluster as it is."""
    kinds: tuple[str, ...] = ()
    """Kinds synced: owned objects of these kinds that are not in `objects` are deleted."""
    logs: tuple[Log, ...] = ()
