"""Every listener parent's listeners and objects, from what is served and where it is placed.

Pure. Slot 1 is the main Gateway (always present: it carries the bare address and the default
hostname); further parents exist only while something is placed on them, and a parent whose
hostnames all await certificates keeps a placeholder listener so its record survives.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from integrator.plan import listeners, objects
from integrator.plan.arbitration import Served
from integrator.plan.listeners import HttpsMode, ListenerSpec
from integrator.plan.placement import Placement


@dataclass(frozen=True)
class Layout:
    """Listeners of every parent (each marked with its parent) and the objects to apply."""

    specs: tuple[ListenerSpec, ...]
    objects: tuple[dict, ...]
    """Gateways first (the main one leading), then ListenerSets, then redirect routes."""


def build_layout(
    *,
    app: str,
    namespace: str,
    gateway_class: str,
    served: Sequence[Served],
    placement: Placement,
    mode: HttpsMode,
    with_tls: Collection[str],
    names: objects.Names | None = None,
) -> Layout:
    """The desired Gateways, ListenerSets and redirect routes for this placement.

    `names`: those the main Gateway already uses (kept); ours by default.
    """
    names = names or objects.Names(app)
    slots, parents = placement.slots, placement.parents
    sets_used = any(parent.kind == "ListenerSet" for parent in parents)
    specs: list[ListenerSpec] = []
    gateways: list[dict] = []
    sets: list[dict] = []
    routes: list[dict] = []
    for parent in parents:
        # Listener order by name, not by arbitration priority: priority changes once a new
        # hostname becomes held, and a reordered list would rewrite the Gateway for nothing.
        items = sorted(
            (item for item in served if slots.get(item.hostname) == parent.slot),
            key=lambda item: (not item.default, item.hostname or ""),
        )
        planned = listeners.plan_listeners(
            items,
            mode,
            with_tls,
            names.secret,
            empty=None if parent.is_main else listeners.placeholder(parent.kind, parent.name),
        )
        if parent.is_main:
            planned = names.keep(planned)
        mine = listeners.on_parent(planned, parent.kind, parent.name)
        specs.extend(mine)
        if parent.kind == "ListenerSet":
            sets.append(objects.desired_listener_set(parent.name, namespace, app, mine, items))
        else:
            gateways.append(
                objects.desired_gateway(
                    parent.name,
                    namespace,
                    gateway_class,
                    mine,
                    items,
                    allow_listener_sets=parent.is_main and sets_used,
                )
            )
        if mode == "enforced":
            routes.extend(objects.desired_redirect_routes(parent.name, app, namespace, mine))
    return Layout(specs=tuple(specs), objects=(*gateways, *sets, *routes))
