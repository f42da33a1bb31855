"""What the Gateway API controller says about HTTPRoutes (`status.parents`), judged purely."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kube_objects.desired import is_subset
from kube_objects.kinds import GROUP

REQUIRED_CONDITIONS = ("Accepted", "ResolvedRefs")


@dataclass(frozen=True)
class RouteHealth:
    """The verdict over every parent of every route.

    `attached` decides whether the URL is published: every parent has Accepted and ResolvedRefs
    True (possibly for an older generation of the route, which keeps serving meanwhile).
    `rejected` / `waiting` explain the first parent that is not fully and currently accepted.
    """

    attached: bool
    rejected: str | None = None
    waiting: str | None = None


def _ref_key(ref: Mapping, route_namespace: str) -> tuple[str, str, str, str, str]:
    return (
        ref.get("group") or GROUP,
        ref.get("kind") or "Gateway",
        ref.get("namespace") or route_namespace,
        str(ref.get("name") or ""),
        str(ref.get("sectionName") or ""),
    )


def _verdict(
    conditions: dict[str, dict] | None, generation: int | None, where: str
) -> RouteHealth:
    """One parent's verdict; `attached` is True when it carries traffic (maybe an older spec)."""
    if conditions is None:
        return RouteHealth(False, waiting=f"waiting for the gateway controller to accept {where}")
    failed = [conditions[t] for t in REQUIRED_CONDITIONS if _status(conditions, t) == "False"]
    if failed:
        return RouteHealth(False, rejected=_rejection(where, failed[0]))
    if any(_status(conditions, t) != "True" for t in REQUIRED_CONDITIONS):
        return RouteHealth(False, waiting=f"waiting for the gateway controller to accept {where}")
    if _stale(conditions, generation):
        return RouteHealth(
            True, waiting=f"waiting for the gateway controller to take in changes to {where}"
        )
    return RouteHealth(True)


ParentKey = tuple[str, str, str, str, str]
"""(group, kind, namespace, name, sectionName) of a parentRef, defaults filled in."""


def parent_key(ref: Mapping, route_namespace: str) -> ParentKey:
    """The identity of a parentRef (a dict as in a route, or snake_case as on the wire)."""
    return _ref_key(
        {
            "group": ref.get("group"),
            "kind": ref.get("kind"),
            "namespace": ref.get("namespace"),
            "name": ref.get("name"),
            "sectionName": ref.get("sectionName") or ref.get("section_name"),
        },
        route_namespace,
    )


def combine(verdicts: Sequence[RouteHealth]) -> RouteHealth:
    """Attached only if all are; the first rejection and the first wait explain the rest."""
    if not verdicts:
        return RouteHealth(attached=False)
    return RouteHealth(
        attached=all(v.attached for v in verdicts),
        rejected=next((v.rejected for v in verdicts if v.rejected), None),
        waiting=next((v.waiting for v in verdicts if v.waiting), None),
    )


def by_parent(desired: Sequence[dict], stored: Mapping[str, dict]) -> dict[ParentKey, RouteHealth]:
    """Each parent's verdict over every desired route attached to it."""
    found: dict[ParentKey, list[RouteHealth]] = {}
    for route in desired:
        name = route["metadata"]["name"]
        namespace = route["metadata"]["namespace"]
        obj = stored.get(name)
        statuses = _statuses(obj, namespace) if obj else {}
        generation = ((obj or {}).get("metadata") or {}).get("generation")
        for ref in route["spec"]["parentRefs"]:
            key = _ref_key(ref, namespace)
            where = f"HTTPRoute {name} on {key[2]}/{key[3]}/{key[4]}"
            found.setdefault(key, []).append(_verdict(statuses.get(key), generation, where))
    return {key: combine(verdicts) for key, verdicts in found.items()}


def route_health(desired: Sequence[dict], stored: Mapping[str, dict]) -> RouteHealth:
    """Judge `desired` routes by the status of the `stored` ones (by name)."""
    return combine(list(by_parent(desired, stored).values()))


def _statuses(obj: dict, namespace: str) -> dict[tuple, dict[str, dict]]:
    """Conditions by type, for each parentRef the controller(s) reported on."""
    found: dict[tuple, dict[str, dict]] = {}
    for entry in (obj.get("status") or {}).get("parents") or []:
        key = _ref_key(entry.get("parentRef") or {}, namespace)
        conditions = found.setdefault(key, {})
        for condition in entry.get("conditions") or []:
            conditions[str(condition.get("type"))] = condition
    return found


def _stale(conditions: dict[str, dict], generation: int | None) -> bool:
    if generation is None:
        return False
    observed = [conditions[t].get("observedGeneration") for t in REQUIRED_CONDITIONS]
    return any(isinstance(o, int) and o < generation for o in observed)


def _status(conditions: dict[str, dict], condition_type: str) -> str | None:
    return (conditions.get(condition_type) or {}).get("status")


def _rejection(where: str, condition: dict) -> str:
    """`HTTPRoute x on ns/gw/section: not Accepted (NotAllowedByListeners): <message>`."""
    reason = condition.get("reason") or "no reason given"
    message = condition.get("message") or ""
    text = f"{where}: not {condition.get('type')} ({reason})"
    return f"{text}: {message}" if message else text


def after_apply(stored: Mapping[str, dict], wanted: Sequence[dict]) -> dict[str, dict]:
    """Routes as the API server will hold them once `wanted` is applied, status included.

    A route whose spec the apply changes gets a new generation that the controller has not seen
    yet: its conditions then speak of the old one (which keeps serving meanwhile).
    """
    after: dict[str, dict] = {}
    for route in wanted:
        name = route["metadata"]["name"]
        current = stored.get(name)
        if current is None:
            continue
        if not is_subset(route["spec"], current.get("spec") or {}):
            metadata = dict(current.get("metadata") or {})
            metadata["generation"] = int(metadata.get("generation") or 1) + 1
            current = {**current, "metadata": metadata}
        after[name] = current
    return after
