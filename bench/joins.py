"""(1) N configurators join one by one: what the integrator's hooks cost until all are served.

Under Juju each join is a series of hooks on the integrator's leader, run one at a time:
`gateway-route-relation-created`, `-joined` (its one unit), `-changed` (its request), and with
TLS on `certificates-relation-changed` (the CA's answer to the new CSR), after which the
hostname is served over HTTPS. The k-th join is measured with k - 1 tenants already joined and
served, for a few k spread over 1..N; the total for all N is the sum over k = 1..N of the
cost interpolated linearly between the sampled k (exact when every k is sampled, as at small N).

Between samples the world is caught up without measuring: the tenants in between are added at
once and the charm runs `upgrade-charm` with no stored state (a new pod), so that whatever it
caches it rebuilds from a full read; every tenant so far must then be served.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Any

from ops import testing

from bench import worlds
from bench.hooktools import MODELLED_MS_PER_CALL, modelled_ms
from bench.measure import Sample, timed
from gateway_route import ProviderData, decode
from kubedouble import KubeDouble

JOIN_SAMPLES = 5
"""Joins measured per N (k = 1, N and evenly between): enough for a cost linear or quadratic in
k."""

ROUTE_HOOKS = (
    "gateway-route-relation-created",
    "gateway-route-relation-joined",
    "gateway-route-relation-changed",
)
CERTIFICATES_HOOK = "certificates-relation-changed"
ADDRESSES = ["10.0.0.1"]
PER_HOOK_KEYS = ("event", "cpu_ms", "hook_tools", "hook_tools_by_name", "requests", "writes")


class NotServed(AssertionError):
    """A tenant that has joined (and whose certificate arrived) is not served."""


@dataclass
class Joins:
    """The sampled joins at one N and their integrated total."""

    tenants: int
    world: str
    samples: list[Sample] = field(default_factory=list)
    parts: dict[int, list[Sample]] = field(default_factory=dict)
    """Each sampled join's hooks, one by one."""

    @property
    def hooks(self) -> list[str]:
        """The integrator's hooks for one join, in Juju's order."""
        return [*ROUTE_HOOKS, *([CERTIFICATES_HOOK] if self.world == "tls" else [])]

    def total(self) -> dict[str, float]:
        """Every join's cost, summed over k = 1..N."""
        per_k: dict[str, dict[int, float]] = {
            "hook_tools": {},
            "wall_ms": {},
            "cpu_ms": {},
            "modelled_ms": {},
        }
        for sample in self.samples:
            assert sample.tenant is not None
            k = sample.tenant
            per_k["hook_tools"][k] = sample.tools
            per_k["wall_ms"][k] = sample.median_ms
            per_k["cpu_ms"][k] = sample.cpu_ms
            per_k["modelled_ms"][k] = modelled_ms(sample.median_ms, sample.tools)
        total = {name: round(summed(points, self.tenants), 1) for name, points in per_k.items()}
        return {"hooks": self.tenants * len(self.hooks), **total}

    def as_json(self) -> dict[str, Any]:
        """The method, the sampled k and the total (the samples are among the size's events)."""
        return {
            "method": (
                f"the integrator's hooks for the k-th join ({', '.join(self.hooks)}) measured "
                "once, with k - 1 tenants joined and served, for k in "
                f"{[s.tenant for s in self.samples]}; the total sums over k = 1..N the cost "
                "interpolated linearly between sampled k (exact when every k is sampled); "
                f"modelled = wall + hook tools x {MODELLED_MS_PER_CALL:g} ms"
            ),
            "sampled": [s.tenant for s in self.samples],
            "hooks_per_join": self.hooks,
            "total": self.total(),
            "per_hook": {
                str(k): [{key: part.as_json()[key] for key in PER_HOOK_KEYS} for part in parts]
                for k, parts in self.parts.items()
            },
        }


def sample_points(tenants: int, samples: int = JOIN_SAMPLES) -> list[int]:
    """The k to measure: 1, N and evenly spaced between (every k when N is at most `samples`)."""
    if tenants <= max(samples, 2):
        return list(range(1, tenants + 1))
    step = (tenants - 1) / (samples - 1)
    return sorted({round(1 + step * i) for i in range(samples)})


def summed(points: dict[int, float], tenants: int) -> float:
    """Sum over k = 1..N of the values at `points`, linearly interpolated between them."""
    ks = sorted(points)
    total = 0.0
    for k in range(1, tenants + 1):
        at = bisect.bisect_left(ks, k)
        if at < len(ks) and ks[at] == k:
            total += points[k]
        elif at == 0 or at == len(ks):
            total += points[ks[min(at, len(ks) - 1)]]  # outside the samples: the nearest
        else:
            low, high = ks[at - 1], ks[at]
            share = (k - low) / (high - low)
            total += points[low] + share * (points[high] - points[low])
    return total


def served(state: testing.State, index: int, world: str) -> bool:
    """Whether the integrator's answer to tenant `index` serves its hostname (HTTPS with TLS)."""
    data = decode(ProviderData, state.get_relation(index).local_app_data)
    if not isinstance(data, ProviderData) or not data.accepted:
        return False
    protocols = {parent.protocol for item in data.accepted for parent in item.parents}
    return world == "http" or "HTTPS" in protocols


def measure(kube: KubeDouble, tenants: int, world: str, samples: int = JOIN_SAMPLES) -> Joins:
    """Sample the k-th join for k in `sample_points`; `kube` holds the N tenants' namespaces."""
    ictx = worlds.integrator_context()
    joins = Joins(tenants, world)
    state = ictx.run(ictx.on.config_changed(), worlds.empty_state(world))
    joined = 0
    for k in sample_points(tenants, samples):
        if k - 1 > joined:
            state = _catch_up(ictx, kube, state, range(joined + 1, k), world)
        state, sample, joins.parts[k] = _join(ictx, kube, state, k, world)
        joins.samples.append(sample)
        joined = k
    return joins


def _hook(
    ictx: testing.Context,
    kube: KubeDouble,
    sample: Sample | None,
    event: Any,
    state: testing.State,
) -> testing.State:
    """Run one hook (timed into `sample` if given); the controller then programs listeners."""
    if sample is None:
        out = ictx.run(event, state)
    else:
        out = timed(kube, sample, lambda: ictx.run(event, state))
    kube.controller.reconcile(addresses=ADDRESSES)
    return out


def _certificates_arrive(
    ictx: testing.Context, kube: KubeDouble, state: testing.State, sample: Sample | None
) -> testing.State:
    state = worlds.answered(state)
    event = ictx.on.relation_changed(state.get_relation(worlds.CERTIFICATES_ID), remote_unit=0)
    return _hook(ictx, kube, sample, event, state)


def _join(
    ictx: testing.Context, kube: KubeDouble, state: testing.State, index: int, world: str
) -> tuple[testing.State, Sample, list[Sample]]:
    """Tenant `index` relates: each of the integrator's hooks, and their sum."""
    total = Sample("integrator", f"join of tenant #{index}", "join", tenant=index)
    parts: list[Sample] = []
    state = worlds.with_relations(state, [worlds.route_relation(index)])
    for name in ROUTE_HOOKS:
        part = Sample("integrator", name, "join")
        relation = state.get_relation(index)
        if name == ROUTE_HOOKS[0]:
            event = ictx.on.relation_created(relation)
        elif name == ROUTE_HOOKS[1]:
            event = ictx.on.relation_joined(relation, remote_unit=0)
        else:
            event = ictx.on.relation_changed(relation, remote_unit=0)
        state = _hook(ictx, kube, part, event, state)
        parts.append(part)
    if world == "tls":
        part = Sample("integrator", CERTIFICATES_HOOK, "join")
        state = _certificates_arrive(ictx, kube, state, part)
        parts.append(part)
    for part in parts:
        total.add(part)
    if not served(state, index, world):
        raise NotServed(f"N={index} {world}: tenant {index} is not served after joining")
    return state, total, parts


def _catch_up(
    ictx: testing.Context, kube: KubeDouble, state: testing.State, indices: range, world: str
) -> testing.State:
    """Tenants `indices` join at once, unmeasured: a new pod's full read serves them all."""
    state = worlds.with_relations(state, [worlds.route_relation(i) for i in indices])
    state = _hook(ictx, kube, None, ictx.on.upgrade_charm(), replace(state, stored_states=[]))
    if world == "tls":
        state = _certificates_arrive(ictx, kube, state, None)
    missing = [i for i in range(1, indices.stop) if not served(state, i, world)]
    if missing:
        raise NotServed(f"{world}: tenants {missing[:5]}... not served after catching up")
    return state
