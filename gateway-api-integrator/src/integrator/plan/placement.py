"""Which listener parent (the Gateway, or a ListenerSet or Gateway after it) serves each hostname.

Pure. A Gateway holds at most 64 listeners (gateway-api#4519); past that, hostnames
go to parents `<app>-2`, `<app>-3`, ...: ListenerSets attached to the Gateway where the cluster
serves them (standard since Gateway API v1.5), otherwise Gateways of their own. Where a hostname
is placed is recorded on its parent (the tenancy annotation), so placement survives pod
restarts and leader changes, and adding a hostname never moves one already placed.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from integrator.plan.arbitration import Served
from kube_objects.limits import MAX_LISTENERS
from kube_objects.names import dns1123_subdomain

WORST_CASE_COST = 2
"""Listeners a hostname may come to need (HTTP + HTTPS). New hostnames are budgeted at this, so
a certificate arriving later never overflows their parent and forces a move."""

ParentKind = Literal["Gateway", "ListenerSet"]
Placed = str | None
"""A served hostname; None is the bare Gateway address."""


@dataclass(frozen=True)
class Parent:
    """One object that holds listeners: slot 1 is the Gateway `<app>`."""

    slot: int
    kind: ParentKind
    name: str

    @property
    def is_main(self) -> bool:
        """Whether this is the Gateway everything else attaches to (or sits beside)."""
        return self.slot == 1


@dataclass(frozen=True)
class Placement:
    """Where every served hostname sits: its slot, and the parent object of each slot."""

    slots: Mapping[Placed, int]
    parents: tuple[Parent, ...]


def parent_name(app: str, slot: int) -> str:
    """`<app>` for slot 1, `<app>-<slot>` after it."""
    return app if slot == 1 else dns1123_subdomain(f"{app}-{slot}")


def slot_of(app: str, name: str) -> int | None:
    """The slot a parent named `name` stands for; None for names that are not ours to place."""
    if name == app:
        return 1
    suffix = name.removeprefix(f"{app}-")
    if suffix != name and suffix.isdigit() and int(suffix) >= 2:
        slot = int(suffix)
        return slot if parent_name(app, slot) == name else None
    return None


def parents_for(
    app: str,
    slots: Iterable[int],
    *,
    existing_gateways: Iterable[int],
    listener_sets_served: bool,
) -> list[Parent]:
    """The parent of each slot, in slot order.

    A slot past the first that already is a Gateway stays one, even once the cluster serves
    ListenerSet: its hostnames' DNS points at that Gateway's own address, and moving them onto
    the main Gateway would break it. New slots become ListenerSets where the cluster has them.
    """
    gateways = set(existing_gateways)
    out = []
    for slot in sorted(set(slots)):
        if slot == 1 or slot in gateways or not listener_sets_served:
            kind: ParentKind = "Gateway"
        else:
            kind = "ListenerSet"
        out.append(Parent(slot, kind, parent_name(app, slot)))
    return out


def place(
    served: Sequence[Served],
    recorded: Mapping[Placed, int],
    *,
    listeners_per_hostname: int,
    max_listeners: int = MAX_LISTENERS,
) -> dict[Placed, int]:
    """The slot of every served hostname.

    `served` is in priority order (the default first, then hostnames already served, then the
    oldest asks). A recorded placement is kept while it fits at what it costs now
    (`listeners_per_hostname`: 1 without HTTPS); only a mode change that doubles the cost can
    push the lowest-priority ones out, to be placed again. New hostnames take the first slot
    whose worst-case total (every hostname at two listeners) still fits. The bare address and
    the default hostname stay on slot 1.
    """
    used: dict[int, int] = {}  # listeners now
    reserved: dict[int, int] = {}  # listeners once every hostname has HTTPS
    placement: dict[Placed, int] = {}

    def take(key: Placed, slot: int) -> None:
        placement[key] = slot
        used[slot] = used.get(slot, 0) + _cost(key, listeners_per_hostname)
        reserved[slot] = reserved.get(slot, 0) + _cost(key, WORST_CASE_COST)

    for item in served:
        slot = 1 if item.default else recorded.get(item.hostname)
        price = _cost(item.hostname, listeners_per_hostname)
        if slot is not None and used.get(slot, 0) + price <= max_listeners:
            take(item.hostname, slot)
    for item in served:
        if item.hostname in placement:
            continue
        price = _cost(item.hostname, WORST_CASE_COST)
        slot = 1
        while reserved.get(slot, 0) + price > max_listeners:
            slot += 1
        take(item.hostname, slot)
    return placement


def _cost(key: Placed, per_hostname: int) -> int:
    return 1 if key is None else per_hostname


def recorded_slots(
    app: str, parents: Mapping[str, Mapping[Placed, frozenset[str]]]
) -> dict[Placed, int]:
    """Hostname -> slot, from each owned parent's record (parent name -> its tenancy).

    Should a hostname be recorded twice (an edit by hand), the lowest slot wins.
    """
    found: dict[Placed, int] = {}
    for name, record in parents.items():
        slot = slot_of(app, name)
        if slot is None:
            continue
        for key in record:
            if key not in found or slot < found[key]:
                found[key] = slot
    return found
