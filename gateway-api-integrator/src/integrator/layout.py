"""Every listener holder's listeners and objects, from what is served and where it is placed.

Pure. Slot 1 is the main Gateway (always present: it carries the bare address and the default
hostname); further holders exist only while something is placed on them, and a holder whose
hostnames all await certificates keeps a placeholder listener so its record survives.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from integrator import gateway, listeners
from integrator.arbitration import Served
from integrator.listeners import HttpsMode, ListenerSpec
from integrator.placement import Holder, Key


@dataclass(frozen=True)
class Layout:
    """Listeners of every holder (each marked with its holder) and the objects to apply."""

    specs: tuple[ListenerSpec, ...]
    objects: tuple[dict, ...]
    """Gateways first (the main one leading), then ListenerSets, then redirect routes."""


def build_layout(
    *,
    app: str,
    namespace: str,
    gateway_class: str,
    served: Sequence[Served],
    slots: Mapping[Key, int],
    holders: Sequence[Holder],
    mode: HttpsMode,
    certified: Collection[str],
) -> Layout:
    """The desired Gateways, ListenerSets and redirect routes for this placement."""
    sets_used = any(holder.kind == "ListenerSet" for holder in holders)
    specs: list[ListenerSpec] = []
    gateways: list[dict] = []
    sets: list[dict] = []
    routes: list[dict] = []
    for holder in holders:
        # Listener order by name, not by arbitration priority: priority changes once a new
        # hostname becomes held, and a reordered list would rewrite the Gateway for nothing.
        items = sorted(
            (item for item in served if slots.get(item.hostname) == holder.slot),
            key=lambda item: (not item.default, item.hostname or ""),
        )
        planned = listeners.plan_listeners(
            items,
            mode,
            certified,
            lambda hostname: gateway.secret_name(app, hostname),
            empty=None if holder.is_main else listeners.placeholder(holder.kind, holder.name),
        )
        mine = listeners.held_by(planned, holder.kind, holder.name)
        specs.extend(mine)
        if holder.kind == "ListenerSet":
            sets.append(gateway.desired_listener_set(holder.name, namespace, app, mine, items))
        else:
            gateways.append(
                gateway.desired_gateway(
                    holder.name,
                    namespace,
                    gateway_class,
                    mine,
                    items,
                    allow_listener_sets=holder.is_main and sets_used,
                )
            )
        if mode == "enforced":
            routes.extend(gateway.desired_redirect_routes(holder.name, app, namespace, mine))
    return Layout(specs=tuple(specs), objects=(*gateways, *sets, *routes))
