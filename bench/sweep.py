"""Per event, for N configurators, in-process: wall and CPU time, API requests, hook tools.

Everything runs against a KubeDouble (Gateway API v1.6.1, so ListenerSets are used past the
first 32 hostnames). Per N and world: the joins (bench.joins, their own cluster); then on one
cluster the first reconcile, the steady state (zero writes asserted, and with TLS no refresh of
the TLS library), one tenant changed, one removed; then, with TLS, all N certificates arriving
(a cluster per run). Each hook's output state, stored state included, is the next one's input,
as under Juju. The configurators are measured in the default ("tls") world only.
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

from bench import cold, joins, worlds
from bench.measure import Sample, timed
from gateway_route import ProviderData, RequirerData, decode
from kubedouble import KubeDouble

OWNED_KINDS = {
    "integrator": {"Secret", "Gateway", "ListenerSet", "HTTPRoute"},
    "configurator": {"Service", "HTTPRoute", "BackendTLSPolicy"},
}


TLS_CHANGE_MAX = 100
"""Default largest N at which, with TLS on, the events that change the wanted certificates or
the certificates relation are measured (joins, a tenant changed or removed, certificates
arriving): each runs the TLS library's refresh (~1.5·N² CSR parses, minutes at 1,000)."""
ADDRESSES = joins.ADDRESSES


@dataclass(frozen=True)
class Options:
    """How much to measure at each N."""

    repeats: int = 5
    cold_runs: int = 3
    tls_change_max: int = TLS_CHANGE_MAX
    join_samples: int = joins.JOIN_SAMPLES


class SteadyStateViolation(AssertionError):
    """A hook wrote where it should not, listed a kind twice, or refreshed the TLS library.

    Not at all when nothing changed; only its tenant's objects when one tenant changed.
    """


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
    joins: dict[str, Any] | None = None
    skipped: list[str] = field(default_factory=list)


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


NO_CHANGE_TOOLS = 10
"""Issue 17's bound on the hook-tool calls of an integrator hook that changes nothing and is not
a relation hook (ops builds every relation of a relation hook's endpoint: one `relation-list`
each, before the charm runs)."""


def check_steady(sample: Sample, charm: str) -> str:
    """No writes, at most one LIST per owned kind, and a bounded number of hook tools."""
    if sample.writes:
        raise SteadyStateViolation(f"{charm} {sample.event}: wrote {sample.writes}")
    bounded = charm == "integrator" and not sample.event.startswith("gateway-route")
    if bounded and sample.tools > NO_CHANGE_TOOLS:
        raise SteadyStateViolation(
            f"{charm} {sample.event}: {sample.tools} hook-tool calls {dict(sample.hook_tools)}"
        )
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
    if not isinstance(data, ProviderData):
        return set()
    return {f"{p.kind} {namespace}/{p.name}" for item in data.accepted for p in item.parents}


def _tenant_objects(hostnames: set[str], holders: set[str]) -> set[str]:
    """With TLS on, a tenant's hostnames also have Secrets, and its holders a redirect each.

    Each holder (Gateway or ListenerSet) of the tenant's hostnames has one redirect HTTPRoute,
    `<holder>-https-redirect`, whose parents are its hostnames' HTTP listeners.
    """
    app, namespace = worlds.GATEWAY_APP, worlds.GATEWAY_MODEL
    secrets = {f"Secret {namespace}/{app}-tls-{hostname}" for hostname in hostnames}
    redirects = {
        f"HTTPRoute {namespace}/{holder.rsplit('/', 1)[1]}-https-redirect" for holder in holders
    }
    return secrets | redirects


def _carriers(kube: KubeDouble, hostnames: set[str]) -> set[str]:
    """The Gateways and ListenerSets naming one of `hostnames`.

    In a listener, or in an annotation: a hostname whose certificate is pending has no listener
    yet, but its slot records who holds it.
    """
    found = set()
    for kind in ("Gateway", "ListenerSet"):
        for obj in kube.objects(kind, worlds.GATEWAY_MODEL):
            named = {item.get("hostname") for item in obj["spec"].get("listeners", [])}
            notes = " ".join(obj["metadata"].get("annotations", {}).values())
            if named & hostnames or any(f'"{hostname}"' in notes for hostname in hostnames):
                found.add(f"{kind} {worlds.GATEWAY_MODEL}/{obj['metadata']['name']}")
    return found


def _hostnames(relation: testing.RelationBase) -> set[str]:
    assert isinstance(relation, testing.Relation)
    data = decode(RequirerData, relation.remote_app_data)
    return set(data.hostnames) if isinstance(data, RequirerData) else set()


def guarded(tenants: int, world: str, options: Options) -> bool:
    """Whether, with TLS on, N is past `--tls-change-max` (those events would take minutes)."""
    return world == "tls" and tenants > options.tls_change_max


def run_size(tenants: int, world: str = "tls", options: Options | None = None) -> SizeResult:
    """Measure both charms with `tenants` configurators in `world` (configurators: "tls" only)."""
    options = options or Options()
    result = SizeResult(tenants, world)
    if guarded(tenants, world, options):
        result.skipped.append(
            f"joins, one tenant changed, one removed, certificates arriving: N > "
            f"--tls-change-max {options.tls_change_max} (the TLS library's refresh, ~1.5·N² "
            "CSR parses per hook)"
        )
    else:
        with double() as kube:
            worlds.seed_cluster(kube, tenants)
            measured = joins.measure(kube, tenants, world, options.join_samples)
        result.samples += measured.samples
        result.joins = measured.as_json()
    _measure_cluster(result, options)
    if world == "tls" and not guarded(tenants, world, options):
        _measure_certificates(result, options.repeats)
    result.checks = sorted(set(result.checks))
    return result


def _seed(ictx: testing.Context, state: testing.State) -> testing.State:
    """The first hook of a world (config-changed), on a new pod: no stored state yet.

    With TLS the library's refresh is skipped: the world is in its formats already and the
    refresh would change nothing (tests/bench checks that), at ~1.5·N² CSR parses.
    """
    with worlds.skipped_library_refresh():
        return ictx.run(ictx.on.config_changed(), state)


def _measure_cluster(result: SizeResult, options: Options) -> None:
    """The first reconcile (repeated on fresh clusters), then the rest on the last cluster."""
    tenants, world = result.tenants, result.world
    ictx = worlds.integrator_context()
    state = worlds.integrator_state(tenants, world)
    first = Sample("integrator", "config-changed", "first")
    for attempt in range(options.repeats):
        with double() as kube:
            worlds.seed_cluster(kube, tenants)
            out = timed(kube, first, lambda: _seed(ictx, state))
            if attempt < options.repeats - 1:
                continue
            # The last cluster stays up for everything else at this N.
            result.samples.append(first)
            _measure_integrator(result, kube, ictx, out, options)
            # Fresh processes in the http world: building the tls world costs each one a
            # CSR and a signature per tenant (harness time, but minutes at N = 1,000).
            if options.cold_runs and world == "http":
                _measure_cold(result, out, options.cold_runs)


def _measure_cold(result: SizeResult, out: testing.State, runs: int) -> None:
    spec = {"tenants": result.tenants, "world": result.world}
    result.cold["integrator"] = cold.hook("integrator", spec, runs)
    answer = dict(worlds.answers(out, 1)[0].answer)
    result.cold["configurator"] = cold.hook("configurator", {"index": 1, "answer": answer}, runs)


def _measure_integrator(
    result: SizeResult,
    kube: KubeDouble,
    ictx: testing.Context,
    out: testing.State,
    options: Options,
) -> None:
    tenants = result.tenants
    kube.controller.reconcile(addresses=ADDRESSES)
    # Settled: one hook (unmeasured) sees the listeners programmed and tells every tenant.
    out = ictx.run(ictx.on.update_status(), out)
    answers = worlds.answers(out, tenants)
    result.served_hostnames = sum(
        len(data.accepted)
        for data in (decode(ProviderData, t.answer) for t in answers)
        if isinstance(data, ProviderData)
    )
    for kind in ("Gateway", "ListenerSet"):
        result.holders[kind] = len(kube.objects(kind, worlds.GATEWAY_MODEL))
    out = _measure_steady(result, kube, ictx, out, options.repeats)
    if result.world == "tls":
        _measure_configurators(result, kube, answers, options.repeats)
    if not guarded(tenants, result.world, options):
        out = _measure_change(result, kube, ictx, out, options.repeats)
        _measure_remove(result, kube, ictx, out, options.repeats)


def _measure_steady(
    result: SizeResult, kube: KubeDouble, ictx: testing.Context, out: testing.State, repeats: int
) -> testing.State:
    """Nothing changed: no write, one LIST per owned kind, and no TLS library refresh."""
    tenants = result.tenants
    integrator_events: list[tuple[str, Callable[[testing.State], Any]]] = [
        ("update-status", lambda _: ictx.on.update_status()),
        ("config-changed", lambda _: ictx.on.config_changed()),
        (
            "gateway-route-relation-changed",
            lambda state: ictx.on.relation_changed(state.get_relation(tenants), remote_unit=0),
        ),
    ]
    with worlds.counted_library_refreshes() as refreshes:
        for event, make in integrator_events:
            sample = Sample("integrator", event, "steady")
            for _ in range(repeats):
                out = timed(kube, sample, lambda make=make, out=out: ictx.run(make(out), out))
            result.samples.append(sample)
            result.checks.append(check_steady(sample, "integrator"))
    if refreshes:
        raise SteadyStateViolation(f"integrator steady: the TLS library refreshed on {refreshes}")
    if result.world == "tls":
        result.checks.append("integrator steady: the TLS library's refresh did not run")
    return out


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
            lambda state: cctx.on.relation_changed(
                state.get_relations("gateway-route")[0], remote_unit=0
            ),
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
) -> testing.State:
    """One tenant changes its hostname: only its objects are written."""
    tenants = result.tenants
    change = Sample("integrator", "gateway-route-relation-changed", "change")
    allowed: set[str] = set()
    for generation in range(1, repeats + 1):
        relation = worlds.route_relation(tenants, generation)
        before = worlds.with_relation(out, relation)
        previous = dict(out.get_relation(tenants).local_app_data)
        out = timed(
            kube,
            change,
            lambda b=before, r=relation: ictx.run(ictx.on.relation_changed(r, remote_unit=0), b),
        )
        now = dict(out.get_relation(tenants).local_app_data)
        holders = _holders(previous, worlds.GATEWAY_MODEL) | _holders(now, worlds.GATEWAY_MODEL)
        hostnames = {
            worlds.tenant_hostname(tenants, generation - 1),
            worlds.tenant_hostname(tenants, generation),
        }
        allowed |= holders | _tenant_objects(hostnames, holders)
        result.checks.append(check_confined(change, "integrator", allowed))
    result.samples.append(change)
    return out


def _measure_remove(
    result: SizeResult, kube: KubeDouble, ictx: testing.Context, out: testing.State, repeats: int
) -> testing.State:
    """One tenant's relation is broken (tenants 1, 2, ...): only its objects are written."""
    removed = Sample("integrator", "gateway-route-relation-broken", "remove")
    allowed: set[str] = set()
    for index in range(1, min(repeats, result.tenants) + 1):
        relation = out.get_relation(index)
        # Its hostnames now, and those it changed from (a Secret outlives a pending change).
        earlier = {worlds.tenant_hostname(index, g) for g in range(repeats + 1)}
        hostnames = _hostnames(relation) | earlier
        holders = _holders(dict(relation.local_app_data), worlds.GATEWAY_MODEL)
        holders |= _carriers(kube, hostnames)
        allowed |= holders | _tenant_objects(hostnames, holders)
        before = out
        out = timed(
            kube, removed, lambda b=before, r=relation: ictx.run(ictx.on.relation_broken(r), b)
        )
        out = worlds.without_relation(out, index)  # Juju forgets it after relation-broken
        result.checks.append(check_confined(removed, "integrator", allowed))
    result.samples.append(removed)
    return out


def _measure_certificates(result: SizeResult, repeats: int) -> None:
    """(TLS) Every CSR sent, none answered; then the CA answers all N in one databag change.

    One cluster per run: the Secrets the first run writes would be there for the next.
    """
    tenants = result.tenants
    ictx = worlds.integrator_context()
    waiting = worlds.integrator_state(tenants, "tls", issued=False)
    arrive = Sample("integrator", "certificates-relation-changed", "arrive")
    outs = [_certificates_arrive(ictx, waiting, arrive) for _ in range(repeats)]
    result.samples.append(arrive)
    unserved = [i for i in range(1, tenants + 1) if not joins.served(outs[-1], i, "tls")]
    if unserved:
        raise joins.NotServed(
            f"N={tenants}: no HTTPS for tenants {unserved[:5]} after all arrived"
        )
    secrets = {w for w in arrive.writes if w.split(" ", 2)[1] == "Secret"}
    result.checks.append(
        f"integrator certificates arriving: all {tenants} served over HTTPS, "
        f"{len(secrets)} Secret write(s)"
    )


def _certificates_arrive(
    ictx: testing.Context, waiting: testing.State, sample: Sample
) -> testing.State:
    """One run on a fresh cluster: the world seeded, then the CA's answer to every CSR."""
    with double() as kube:
        worlds.seed_cluster(kube, len(waiting.get_relations("gateway-route")))
        before = worlds.answered(_seed(ictx, waiting))
        kube.controller.reconcile(addresses=ADDRESSES)
        event = ictx.on.relation_changed(
            before.get_relation(worlds.CERTIFICATES_ID), remote_unit=0
        )
        return timed(kube, sample, lambda: ictx.run(event, before))
