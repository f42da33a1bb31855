"""BackendTLSPolicy ancestor status, with the reasons the v1.4+ CRDs prescribe (pure functions).

A policy targets a Service; its ancestors are the Gateways whose accepted routes send traffic
to that Service. Each ancestor entry gets `Accepted` and `ResolvedRefs`:

- a caCertificateRef of another kind than core ConfigMap: `ResolvedRefs` False, `InvalidKind`;
- a ConfigMap that does not exist or has no `ca.crt`: `ResolvedRefs` False,
  `InvalidCACertificateRef`; when every ref is invalid also `Accepted` False,
  `NoValidCACertificate`;
- a `wellKnownCACertificates` value other than `System`: `Accepted` False, `Invalid`;
- a second policy on the same Service (and sectionName): the older one wins, the other is
  `Accepted` False, `Conflicted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubedouble.conditions import Key, age, condition, key

GROUP = "gateway.networking.k8s.io"
MAX_ANCESTORS = 16  # the CRD's maxItems on status.ancestors


@dataclass(frozen=True)
class Ancestor:
    """A Gateway an accepted route attaches to, with the controller that runs it."""

    gateway: Key
    controller_name: str


def statuses(
    policies: list[dict[str, Any]],
    *,
    ancestors: Mapping[Key, set[Ancestor]],
    config_maps: Mapping[Key, Mapping[str, Any]],
    ours: set[str],
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(policy, new status) for every policy whose status changes; `ancestors` by Service."""
    winners = _precedence(policies)
    out = []
    for policy in policies:
        namespace, _ = key(policy)
        found = sorted(
            {
                ancestor
                for ref in _service_targets(policy)
                for ancestor in ancestors.get((namespace, ref), set())
            },
            key=lambda a: a.gateway,
        )
        previous = (policy.get("status") or {}).get("ancestors")
        if not found and previous is None:
            continue  # never relevant to a Gateway of ours: status stays absent
        kept = [a for a in previous or [] if a.get("controllerName") not in ours]
        mine = [_entry(policy, a, winners, config_maps, previous or []) for a in found]
        status = {**(policy.get("status") or {}), "ancestors": (kept + mine)[:MAX_ANCESTORS]}
        if status != policy.get("status"):
            out.append((policy, status))
    return out


def _service_targets(policy: Mapping[str, Any]) -> list[str]:
    return [
        ref["name"]
        for ref in (policy.get("spec") or {}).get("targetRefs") or []
        if ref.get("group", "") == "" and ref.get("kind") == "Service"
    ]


def _precedence(policies: list[dict[str, Any]]) -> dict[tuple[str, str, str], Key]:
    """Which policy wins each (namespace, Service, sectionName): the oldest, then by name."""
    winners: dict[tuple[str, str, str], Key] = {}
    for policy in sorted(policies, key=age):
        namespace, _ = key(policy)
        for ref in (policy.get("spec") or {}).get("targetRefs") or []:
            if ref.get("group", "") == "" and ref.get("kind") == "Service":
                target = (namespace, ref["name"], ref.get("sectionName") or "")
                winners.setdefault(target, key(policy))
    return winners


def _entry(
    policy: dict[str, Any],
    ancestor: Ancestor,
    winners: Mapping[tuple[str, str, str], Key],
    config_maps: Mapping[Key, Mapping[str, Any]],
    previous: list[dict[str, Any]],
) -> dict[str, Any]:
    namespace, name = ancestor.gateway
    ref = {"group": GROUP, "kind": "Gateway", "name": name, "namespace": namespace}
    before = next(
        (
            p
            for p in previous
            if p.get("ancestorRef") == ref and p.get("controllerName") == ancestor.controller_name
        ),
        None,
    )
    accepted, resolved = _verdicts(policy, winners, config_maps)
    return {
        "ancestorRef": ref,
        "controllerName": ancestor.controller_name,
        "conditions": [
            condition(
                "Accepted", accepted[0] == "Accepted", *accepted, obj=policy, previous=before
            ),
            condition(
                "ResolvedRefs",
                resolved[0] == "ResolvedRefs",
                *resolved,
                obj=policy,
                previous=before,
            ),
        ],
    }


def _verdicts(
    policy: dict[str, Any],
    winners: Mapping[tuple[str, str, str], Key],
    config_maps: Mapping[Key, Mapping[str, Any]],
) -> tuple[tuple[str, str], tuple[str, str]]:
    """((Accepted reason, message), (ResolvedRefs reason, message))."""
    namespace, _ = key(policy)
    validation = (policy.get("spec") or {}).get("validation") or {}
    refs = validation.get("caCertificateRefs") or []
    problems = [p for ref in refs if (p := _ca_ref_problem(namespace, ref, config_maps))]
    resolved = problems[0] if problems else ("ResolvedRefs", "all references resolved")
    loser = next(
        (
            winner
            for ref in (policy.get("spec") or {}).get("targetRefs") or []
            if (winner := winners.get((namespace, ref["name"], ref.get("sectionName") or "")))
            not in (None, key(policy))
        ),
        None,
    )
    well_known = validation.get("wellKnownCACertificates")
    if loser is not None:
        accepted = ("Conflicted", f"BackendTLSPolicy {loser[0]}/{loser[1]} takes precedence")
    elif refs and len(problems) == len(refs):
        accepted = ("NoValidCACertificate", "no caCertificateRef is usable")
    elif not refs and well_known not in (None, "", "System"):
        accepted = ("Invalid", f"wellKnownCACertificates {well_known} is not supported")
    else:
        accepted = ("Accepted", "Policy is accepted")
    return accepted, resolved


def _ca_ref_problem(
    namespace: str, ref: Mapping[str, Any], config_maps: Mapping[Key, Mapping[str, Any]]
) -> tuple[str, str] | None:
    group, kind, name = ref.get("group", ""), ref.get("kind", ""), ref.get("name", "")
    if group != "" or kind != "ConfigMap":
        return ("InvalidKind", f"caCertificateRef kind {group or 'core'}/{kind} is not supported")
    found = config_maps.get((namespace, name))
    if found is None:
        return ("InvalidCACertificateRef", f"ConfigMap {namespace}/{name} not found")
    if "ca.crt" not in (found.get("data") or {}):
        return ("InvalidCACertificateRef", f"ConfigMap {namespace}/{name} has no ca.crt")
    return None
