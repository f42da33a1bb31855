"""Per event, for N configurators, in-process: wall and CPU time, API requests, hook tools.

Everything runs against one KubeDouble per N and world (Gateway API v1.6.1, so ListenerSets are
used past the first 32 hostnames). The zero-write steady state is checked on every steady-state
run. The configurators are measured in the default ("tls") world only.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from ops import testing

from bench import cold, worlds
from bench.measure import Sample, timed
from gateway_route import ProviderData, decode
from kubedouble import KubeDouble

OWNED_KINDS = {
    "integrator": {"Secret", "Gateway", "ListenerSet", "HTTPRoute"},
    "configurator": {"Service", "HTTPRoute", "BackendTLSPolicy"},
}


TLS_CHANGE_MAX = 100
"""Largest N at which a tenant's change is measured with TLS on: the new hostname changes the
wanted certificates, so the TLS library's refresh runs (~1.5·N² CSR parses, minutes at 1,000)."""


class SteadyStateViolation(AssertionError):
    """A reconcile that should have changed nothing wrote, or listed a kind twice."""


@dataclass
class SizeResult:
    """Everything measured at one N."""

    tenants: int
    world: str = "tls"
    samples: list[Sample] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    served_hostnames: int = 0
    holders: dict[str, int] = field(default_factory=dict)
    cold: dict[str, dict[str, float]] = field(default_factory=dict)


@contextmanager
def double() -> Iterator[KubeDouble]:
    """A started double that a plain `lightkube.Client()` in charm code reaches."""
    with TemporaryDirectory() as folder, KubeDouble("v1.6.1") as kube:
        saved = {key: os.environ.get(key) for key in ("KUBECONFIG", "NO_PROXY", "no_proxy")}
        os.environ["KUBECONFIG"] = str(kube.kubeconfig(Path(folder) / "kubeconfig"))
        os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
        try:
            yield kube
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        if kube.internal_errors:
            raise RuntimeError("the KubeDouble failed:\n" + "\n".join(kube.internal_errors))


def check_steady(sample: Sample, charm: str) -> str:
    """No writes, and at most one LIST per owned kind."""
    if sample.writes:
        raise SteadyStateViolation(f"{charm} {sample.event}: wrote {sample.writes}")
    twice = {k: n for k, n in sample.lists_by_kind.items() if k in OWNED_KINDS[charm] and n > 1}
    if twice:
        raise SteadyStateViolation(f"{charm} {sample.event}: listed {twice}")
    return f"{charm} {sample.event}: 0 writes, lists {sample.lists_by_kind}"


def check_confined(sample: Sample, charm: str, allowed: set[str]) -> str:
    """Every write is to one of `allowed` ('Kind namespace/name')."""
    stray = [w for w in sample.writes if w.split(" ", 1)[1] not in allowed]
    if stray:
        raise SteadyStateViolation(f"{charm} {sample.event}: wrote outside the tenant: {stray}")
    return f"{charm} {sample.event}: wrote only {sorted(set(sample.writes))}"


def _holders(answer: dict[str, str], namespace: str) -> set[str]:
    data = decode(ProviderData, answer)
    assert isinstance(data, ProviderData), data
    return {f"{p.kind} {namespace}/{p.name}" for item in data.accepted for p in item.parents}


def check_world(state: testing.State, out: testing.State) -> str:
    """The TLS world is one the charm would have made: its first reconcile kept the digest.

    So the TLS library's refresh did not run, and the steady state is the charm's own.
    """
    seeded, kept = worlds.refresh_digest(state), worlds.refresh_digest(out)
    if seeded != kept:
        raise SteadyStateViolation(f"the TLS world's digest changed: {seeded} -> {kept}")
    return "integrator config-changed first: the TLS library's refresh did not run"


def _tls_objects(index: int, generation: int, holders: set[str]) -> set[str]:
    """With TLS on, a tenant's change also writes its hostnames' Secrets and its redirect.

    Each holder (Gateway or ListenerSet) of the tenant's hostnames has one redirect HTTPRoute,
    `<holder>-https-redirect`, whose parents are its hostnames' HTTP listeners.
    """
    app, namespace = worlds.GATEWAY_APP, worlds.GATEWAY_MODEL
    hostnames = {
        worlds.tenant_hostname(index, generation - 1),
        worlds.tenant_hostname(index, generation),
    }
    secrets = {f"Secret {namespace}/{app}-tls-{hostname}" for hostname in hostnames}
    redirects = {
        f"HTTPRoute {namespace}/{holder.rsplit('/', 1)[1]}-https-redirect" for holder in holders
    }
    return secrets | redirects


def run_size(tenants: int, repeats: int, cold_runs: int = 3, world: str = "tls") -> SizeResult:
    """Measure both charms with `tenants` configurators in `world` (configurators: "tls" only)."""
    result = SizeResult(tenants, world)
    ictx = worlds.integrator_context()
    state = worlds.integrator_state(tenants, world)

    first = Sample("integrator", "config-changed", "first")
    out = state
    for attempt in range(repeats):
        with double() as kube:
            worlds.seed_cluster(kube, tenants)
            out = timed(kube, first, lambda: ictx.run(ictx.on.config_changed(), state))
            if attempt < repeats - 1:
                continue
            # The last cluster stays up for everything else at this N.
            result.samples.append(first)
            if world == "tls":
                result.checks.append(check_world(state, out))
            _measure_integrator(result, kube, ictx, out, repeats=repeats)
            # Fresh processes in the http world: building the tls world costs each one a
            # CSR and a signature per tenant (harness time, but minutes at N = 1,000).
            if cold_runs and world == "http":
                spec = {"tenants": tenants, "world": world}
                result.cold["integrator"] = cold.hook("integrator", spec, cold_runs)
                answer = dict(worlds.answers(out, 1)[0].answer)
                result.cold["configurator"] = cold.hook(
                    "configurator", {"index": 1, "answer": answer}, cold_runs
                )
    return result


def _measure_integrator(
    result: SizeResult, kube: KubeDouble, ictx: testing.Context, out: testing.State, repeats: int
) -> None:
    tenants = result.tenants
    kube.controller.reconcile(addresses=["10.0.0.1"])
    answers = worlds.answers(out, tenants)
    result.served_hostnames = sum(
        len(data.accepted)
        for data in (decode(ProviderData, t.answer) for t in answers)
        if isinstance(data, ProviderData)
    )
    for kind in ("Gateway", "ListenerSet"):
        result.holders[kind] = len(kube.objects(kind, worlds.GATEWAY_MODEL))

    # ----- the integrator, steady ---------------------------------------------------------
    integrator_events: list[tuple[str, Callable[[testing.State], Any]]] = [
        ("update-status", lambda _: ictx.on.update_status()),
        ("config-changed", lambda _: ictx.on.config_changed()),
        (
            "gateway-route-relation-changed",
            lambda state: ictx.on.relation_changed(state.get_relation(tenants)),
        ),
    ]
    for event, make in integrator_events:
        sample = Sample("integrator", event, "steady")
        for _ in range(repeats):
            out = timed(kube, sample, lambda make=make, out=out: ictx.run(make(out), out))
        result.samples.append(sample)
        result.checks.append(check_steady(sample, "integrator"))

    if result.world == "tls":
        _measure_configurators(result, kube, answers, repeats)
    if result.world != "tls" or tenants <= TLS_CHANGE_MAX:
        _measure_change(result, kube, ictx, out, repeats)
    result.checks = sorted(set(result.checks))


def _measure_configurators(
    result: SizeResult, kube: KubeDouble, answers: list[worlds.Tenant], repeats: int
) -> None:
    cctx = worlds.configurator_context()
    created = Sample("configurator", "config-changed", "first")
    outputs: dict[int, testing.State] = {}
    for tenant in answers:
        outputs[tenant.index] = timed(
            kube, created, lambda t=tenant: cctx.run(cctx.on.config_changed(), t.state())
        )
    result.samples.append(created)
    kube.controller.reconcile(addresses=["10.0.0.1"])
    mine = outputs[1]
    mine = cctx.run(cctx.on.update_status(), mine)  # sees its route accepted: publishes the URL
    configurator_events: list[tuple[str, Callable[[testing.State], Any]]] = [
        ("update-status", lambda _: cctx.on.update_status()),
        (
            "gateway-route-relation-changed",
            lambda state: cctx.on.relation_changed(state.get_relations("gateway-route")[0]),
        ),
    ]
    for event, make in configurator_events:
        sample = Sample("configurator", event, "steady")
        for _ in range(repeats):
            mine = timed(kube, sample, lambda make=make, mine=mine: cctx.run(make(mine), mine))
        result.samples.append(sample)
        result.checks.append(check_steady(sample, "configurator"))

    changed = Sample("configurator", "config-changed", "change")
    namespace = worlds.tenant_model(1)
    for attempt in range(repeats):
        paths = "/,/api" if attempt % 2 == 0 else "/"
        config = {**mine.config, "paths": paths}
        before = dataclasses.replace(mine, config=config)
        mine = timed(kube, changed, lambda b=before: cctx.run(cctx.on.config_changed(), b))
    result.samples.append(changed)
    own = {
        f"{obj['kind']} {namespace}/{obj['metadata']['name']}"
        for obj in kube.objects(namespace=namespace)
        if obj["kind"] in ("Service", "HTTPRoute")
    }
    result.checks.append(check_confined(changed, "configurator", own))


def _measure_change(
    result: SizeResult, kube: KubeDouble, ictx: testing.Context, out: testing.State, repeats: int
) -> None:
    """One tenant changes its hostname: only its objects are written."""
    tenants = result.tenants
    change = Sample("integrator", "gateway-route-relation-changed", "change")
    allowed: set[str] = set()
    for generation in range(1, repeats + 1):
        relation = worlds.route_relation(tenants, generation)
        before = worlds.with_relation(out, relation)
        previous = dict(out.get_relation(tenants).local_app_data)
        out = timed(
            kube, change, lambda b=before, r=relation: ictx.run(ictx.on.relation_changed(r), b)
        )
        now = dict(out.get_relation(tenants).local_app_data)
        holders = _holders(previous, worlds.GATEWAY_MODEL) | _holders(now, worlds.GATEWAY_MODEL)
        allowed |= holders | _tls_objects(tenants, generation, holders)
        result.checks.append(check_confined(change, "integrator", allowed))
    result.samples.append(change)
