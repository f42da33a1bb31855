"""The gateway's incremental reconcile, judged against a from-scratch one after every hook.

The gateway's leader remembers each gateway-route relation between hooks
(`integrator.memory`) and re-reads only the one a hook is about. `ScratchCheck` wraps the
simulation's hook delivery: after every hook the gateway's leader runs, the same unit state is
run again as update-status with the memory dropped (so every relation is read), and that run must
agree exactly with what the incremental hook left: no write to the cluster, the same answer on
every gateway-route relation and the same URL on `gateway`, the same status. `random_walk` plays
a seeded random sequence of what operators and tenants do, and what the one workload related
directly on the gateway's `gateway` endpoint does: come, go, and change what it asks (the
memory's `direct` spares its read in hooks that cannot have brought one; that is checked in the
same hook too).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from ops import testing

from bundlesim.deployer import Deployer
from bundlesim.runner import BundleRun
from bundlesim.scenario import parse_scenario
from bundlesim.standins import url_in
from ingress_v2.provider import IngressProvider
from integrator import observe as observe_module
from integrator.observe import RouteReads, certificates
from integrator.plan import Certificates, RouteRequest
from integrator.plan.snapshot import Direct
from integrator.refresh import CertificateRefresh
from modelsim import Simulation
from modelsim.errors import SimulationError
from modelsim.kube import kubeconfig_env

GATEWAY = "gateway-api-integrator"
ROUTE_ENDPOINT = "gateway-route"
DIRECT_ENDPOINT = "gateway"
DIRECT = "front"
"""The workload in the gateway's own model that the walk relates on `gateway` (limit 1)."""
WRITES = {"create", "update", "patch", "apply", "delete", "deletecollection"}
MOVES = ["relate", "hostname", "hostname", "update-status", "leader", "config", "direct", "ask"]
HOSTNAMES = ["a.example.com", "b.example.com", "c.example.com", "shared.example.com"]
ASKS: list[tuple[str, Any]] = [
    ("port", 8080),
    ("port", 9090),
    ("port", "http"),  # not a port: bad ingress data, which the gateway keeps serving as it was
    ("strip-prefix", True),
    ("strip-prefix", False),
]
"""What the direct workload may change in its ingress request (one key a move, to a new value)."""


@dataclass
class ScratchCheck:
    """What the checks saw; `mismatches` must stay empty."""

    checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    remembered: int = 0
    """Hooks in which the leader reconciled from memory (not a full read)."""
    direct_skipped: int = 0
    """Hooks in which the memory spared the read of the `gateway` relation."""
    direct_served: int = 0
    """Settled checks that found a URL published on the `gateway` relation."""


FORGOTTEN = {"routes": "", "tls_found": "", "tls_wanted": ""}
"""What the gateway remembers of its relations; dropping it makes the next hook read them all
(the TLS library's own digest stays, so its refresh runs only if its inputs changed)."""


def _forget(state: testing.State) -> testing.State:
    stored = []
    for item in state.stored_states:
        content = dict(item.content)
        content.update({k: v for k, v in FORGOTTEN.items() if k in content})
        stored.append(dataclasses.replace(item, content=content))
    return dataclasses.replace(state, stored_states=stored)


def _answers(state: testing.State, endpoint: str) -> dict[int, dict[str, str]]:
    return {
        relation.id: dict(relation.local_app_data)
        for relation in state.relations
        if relation.endpoint == endpoint
    }


def _pending(run: BundleRun, in_round: set[Any]) -> set[int]:
    """Relations whose change the gateway's units have not been told about yet.

    A full read sees such a change already (Juju's relation-get returns the current data); the
    memory learns it in the relation's own queued hook. Both are right for their moment.
    Queued means for a later round of `settle`, or still to come in this one (`in_round`).
    """
    return {
        int(p.ref)
        for p in (*run.sim._pending, *in_round)
        if p.target.startswith(f"{GATEWAY}/") and p.event.startswith("relation-")
    }


@contextmanager
def _rounds_tracked(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[Any]]:
    """The events of the `settle` round under way that are not delivered yet.

    A round takes every queued event off the queue before delivering the first one, so a hook
    early in a round can see data whose own hook comes later in the same round.
    """
    run_round, deliver = Simulation._run_round, Simulation._deliver_pending
    in_round: set[Any] = set()

    def tracked_round(sim: Simulation, number: int) -> None:
        in_round.update(sim._pending)
        try:
            run_round(sim, number)
        finally:
            in_round.clear()

    def tracked_delivery(sim: Simulation, item: Any) -> None:
        in_round.discard(item)
        deliver(sim, item)

    with monkeypatch.context() as patch:
        patch.setattr(Simulation, "_run_round", tracked_round)
        patch.setattr(Simulation, "_deliver_pending", tracked_delivery)
        yield in_round


def _differ(found: tuple[RouteRequest, ...], expected: tuple[RouteRequest, ...], skip: set[int]):
    mine = {r.relation_id: r for r in found if r.relation_id not in skip}
    theirs = {r.relation_id: r for r in expected if r.relation_id not in skip}
    return sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))


@contextmanager
def scratch_checked(monkeypatch: pytest.MonkeyPatch, run: BundleRun) -> Iterator[ScratchCheck]:
    """While inside, every remembered read of the gateway is compared with a full read.

    The plan is pure, so the same snapshot gives the same plan: what the memory changes is
    what the snapshot holds (the requests, the certificates) and, in act, which answers are
    skipped as already published (`settled_check` judges those). Each remembered read is
    checked, in the same hook, against reading every relation with no memory; relations whose
    change is still queued for the gateway are left out (see `_pending`).
    """
    check = ScratchCheck()
    read = RouteReads._read
    remembered_certificates = CertificateRefresh.certificates

    def checked(reads: RouteReads) -> tuple[RouteRequest, ...]:
        found = read(reads)
        check.checked += 1
        if reads.full:
            return found
        check.remembered += 1
        scratch = RouteReads(reads._charm, reads._provider, lambda: None)
        scratch.bind(reads._event)  # type: ignore[arg-type]
        differ = _differ(found, scratch(), _pending(run, in_round))
        if differ:
            check.mismatches.append(
                f"{type(reads._event).__name__}: remembered requests differ on {differ}"
            )
        return found

    def certificates_checked(refresh: CertificateRefresh) -> Certificates | None:
        found = remembered_certificates(refresh)
        if found is None:
            return found
        check.remembered += 1
        expected = certificates(refresh._charm, refresh._library)
        if found != expected:
            check.mismatches.append(f"remembered certificates {found}, read {expected}")
        return found

    with monkeypatch.context() as patch, _rounds_tracked(patch) as in_round:
        patch.setattr(RouteReads, "_read", checked)
        patch.setattr(CertificateRefresh, "certificates", certificates_checked)
        patch.setattr(observe_module, "direct_workload", _direct_checked(run, check, in_round))
        yield check


def _read_direct(ingress: IngressProvider) -> Direct | None:
    """The `gateway` relation read in full, as `observe.direct_workload` reads it when it does."""
    relation = ingress.relation
    if relation is None:
        return None
    workload = relation.app.name if relation.app is not None else None
    return Direct(
        relation.id, ingress.read(), workload, ingress.remote_model(), ingress.published_url()
    )


def _direct_checked(run: BundleRun, check: ScratchCheck, in_round: set[Any]):
    """`observe.direct_workload`, compared in the same hook with a read of the relation.

    When the memory says no workload was related and the hook is not one of the `gateway`
    relation's own, the read is spared; what it returns must still be what reading the
    relation gives, but for a relation whose hooks are still queued for the gateway.
    """
    direct_workload = observe_module.direct_workload

    def checked(ingress: IngressProvider, routes: RouteReads) -> Direct | None:
        routes()  # the memory as this hook loaded it, before `direct_workload` updates it
        remembered = not routes.full and not routes.memory.direct
        found = direct_workload(ingress, routes)
        if routes.full:
            return found
        check.direct_skipped += remembered and found is None
        expected = _read_direct(ingress)
        ids = {d.relation_id for d in (found, expected) if d is not None}
        if found != expected and not ids & _pending(run, in_round):
            event = type(routes.event).__name__
            check.mismatches.append(f"{event}: remembered direct {found}, read {expected}")
        return found

    return checked


@contextmanager
def skipped_hooks(
    monkeypatch: pytest.MonkeyPatch, unit: str | None, hook: str, endpoint: str
) -> Iterator[list[int]]:
    """`juju resolved --no-retry` on `unit`'s `hook` of `endpoint`: nothing of it is kept.

    Juju then drops the hook's relation writes and ops its stored state, as if it never ran.
    Yields the relation ids whose hook was skipped.
    """
    deliver = Simulation._deliver
    skipped: list[int] = []

    def skipping(sim: Simulation, target: Any, name: str, **kwargs: Any) -> None:
        relation_id = kwargs.get("relation_id")
        if target.name == unit and name == hook and relation_id is not None:
            record = sim.relations.get(relation_id)
            ends = record.ends if record is not None else ()
            if any(e.app == target.app and e.endpoint == endpoint for e in ends):
                skipped.append(relation_id)
                return
        deliver(sim, target, name, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Simulation, "_deliver", skipping)
        yield skipped


def settled_check(run: BundleRun, check: ScratchCheck) -> None:
    """With nothing pending, a from-scratch reconcile of the leader changes nothing.

    update-status with the memory dropped: no write to the cluster, the same answer on every
    gateway-route relation and on `gateway` (the direct workload's URL), the same status as the
    last hook left.
    """
    sim = run.sim
    app = sim.apps[GATEWAY]
    assert app.leader is not None
    unit = app.units[app.leader]
    state = sim._state(app, unit)
    kube = run.kube
    before = len(kube.requests)
    context = sim._context(app, unit)
    with kubeconfig_env(sim._kubeconfig_path(app)):
        scratch = context.run(context.on.update_status(), _forget(state))
    writes = [
        f"{r.verb} {r.kind} {r.namespace}/{r.name}"
        for r in kube.requests[before:]
        if r.verb in WRITES and r.kind not in ("Lease", "SubjectAccessReview")
    ]
    if writes:
        check.mismatches.append(f"settled: a from-scratch reconcile wrote {writes}")
    ours, theirs = _answers(state, ROUTE_ENDPOINT), _answers(scratch, ROUTE_ENDPOINT)
    if ours != theirs:
        differ = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
        check.mismatches.append(f"settled: answers differ on relations {differ}")
    _direct_settled(state, scratch, check)
    mine, other = unit.status, scratch.unit_status
    if (mine.name, mine.message) != (other.name, other.message):
        check.mismatches.append(
            f"settled: status {mine.name}: {mine.message!r}, "
            f"from scratch {other.name}: {other.message!r}"
        )


def _direct_settled(state: testing.State, scratch: testing.State, check: ScratchCheck) -> None:
    """The URL on `gateway` (and all else we wrote there) as a from-scratch reconcile leaves it."""
    ours, theirs = _answers(state, DIRECT_ENDPOINT), _answers(scratch, DIRECT_ENDPOINT)
    check.direct_served += any(url_in(bag) for bag in ours.values())
    if ours != theirs:
        urls = {rid: url_in(bag) for rid, bag in ours.items()}
        scratch_urls = {rid: url_in(bag) for rid, bag in theirs.items()}
        check.mismatches.append(
            f"settled: on {DIRECT_ENDPOINT} published {urls} ({ours}), "
            f"from scratch {scratch_urls} ({theirs})"
        )


def random_walk(
    run: BundleRun, tenants: list[str], seed: int, steps: int, check: ScratchCheck
) -> list[str]:
    """Play `steps` random moves (`MOVES`), each followed by the settled check.

    Integrate or remove a tenant's configurator, change its hostname, update-status, a new
    leader, the gateway's enforce-https; integrate or remove the direct workload, change what
    it asks. Returns the moves, for the failure message.
    """
    rng = random.Random(seed)  # noqa: S311 - a replayable walk, not a secret
    sim = run.sim
    moves: list[str] = []
    for _ in range(steps):
        before = len(check.mismatches)
        moves.append(_move(run, rng, rng.choice(tenants), rng.choice(MOVES)))
        sim.settle()
        # The controller's status reaches the gateway at its next hook: settled is after one.
        sim.update_status(GATEWAY)
        sim.settle()
        settled_check(run, check)
        if len(check.mismatches) > before:
            check.mismatches.append(f"  after move {len(moves)}: {moves[-1]}")
    return moves


def _move(run: BundleRun, rng: random.Random, tenant: str, choice: str) -> str:
    """Make one move of the walk; returns what was done."""
    if choice in ("direct", "ask"):
        return _direct_move(run, rng, choice)
    sim = run.sim
    route = f"{tenant}-route"
    if choice == "relate":
        return _toggle(sim, route, ROUTE_ENDPOINT, ROUTE_ENDPOINT)
    if choice == "hostname":
        hostname = rng.choice(HOSTNAMES)
        sim.set_config(route, {"hostname": hostname})
        return f"config {route} hostname={hostname}"
    if choice == "update-status":
        sim.update_status()
        return "update-status"
    if choice == "leader":
        leader = rng.choice(sim.units(GATEWAY))
        sim.set_leader(GATEWAY, leader)
        return f"leader {leader}"
    enforce = rng.choice([True, False])
    sim.set_config(GATEWAY, {"enforce-https": enforce})
    return f"config gateway enforce-https={enforce}"


def _direct_move(run: BundleRun, rng: random.Random, choice: str) -> str:
    """Integrate or remove the direct workload, or change one thing it asks."""
    if choice == "direct":
        return _toggle(run.sim, DIRECT, "ingress", DIRECT_ENDPOINT)
    asks = run.workloads[DIRECT].app_data
    key, value = rng.choice([(k, v) for k, v in ASKS if asks.get(k) != json.dumps(v)])
    asks[key] = json.dumps(value)
    run.sim.refresh_participant(DIRECT)  # a relation-changed, if it is related
    return f"{DIRECT} asks {key}={value}"


def _toggle(sim: Simulation, app: str, endpoint: str, gateway_endpoint: str) -> str:
    """`juju integrate` `app` with the gateway if it is not, else `juju remove-relation`."""
    related = _related(sim, app)
    if related is None:
        sim.relate(f"{app}:{endpoint}", f"{GATEWAY}:{gateway_endpoint}")
        return f"integrate {app}:{endpoint} {GATEWAY}:{gateway_endpoint}"
    sim.unrelate(related)
    return f"remove-relation {app} {GATEWAY}"


def _related(sim: Simulation, route: str) -> int | None:
    try:
        return sim.relation_id(route, GATEWAY)
    except SimulationError:
        return None


TLS = "self-signed-certificates"
TENANTS = {"shop": "apps", "blog": "apps", "wiki": "team", "docs": "team"}


def walk_bundle(*, related: int = 2, direct: bool = False) -> dict[str, Any]:
    """Two gateway units with TLS; four tenants in two models, the first `related` integrated.

    And `DIRECT`, a workload in the gateway's model, integrated on `gateway` if `direct`.
    """
    applications: dict[str, Any] = {
        GATEWAY: {
            "charm": GATEWAY,
            "model": "infra",
            "units": 2,
            "config": {"external-hostname": "gateway.example.com"},
        },
        TLS: {"charm": "tls-provider", "model": "infra"},
        DIRECT: {"charm": "workload", "model": "infra", "ingress": {"app": {"port": 8080}}},
    }
    relations = [[f"{GATEWAY}:certificates", f"{TLS}:certificates"]]
    if direct:
        relations.append([f"{DIRECT}:ingress", f"{GATEWAY}:{DIRECT_ENDPOINT}"])
    for index, (app, model) in enumerate(TENANTS.items()):
        applications[app] = {"charm": "workload", "model": model, "ingress": {"app": {"port": 80}}}
        applications[f"{app}-route"] = {
            "charm": "gateway-route-configurator",
            "model": model,
            "config": {"hostname": f"{app}.example.com"},
        }
        relations.append([f"{app}:ingress", f"{app}-route:ingress"])
        if index < related:
            relations.append([f"{app}-route:{ROUTE_ENDPOINT}", f"{GATEWAY}:{ROUTE_ENDPOINT}"])
    return {"applications": applications, "relations": relations}


def play(deploy: Deployer, monkeypatch: pytest.MonkeyPatch, seed: int, steps: int) -> None:
    """Deploy (the direct workload related), then walk with every gateway-leader hook checked.

    Fails naming the moves.
    """
    run: BundleRun = deploy.run(parse_scenario(walk_bundle(direct=True), f"walk-{seed}"))
    with scratch_checked(monkeypatch, run) as check:
        moves = random_walk(run, list(TENANTS), seed, steps, check)
    assert check.checked >= steps, (check.checked, moves)
    assert check.mismatches == [], "\n".join([*check.mismatches, "moves:", *moves])
    assert check.remembered > 0, "no hook reconciled from memory: nothing incremental was tested"
    # Related at deploy: the memory has a read to spare once the walk removed the relation.
    removed = any(move.startswith(f"remove-relation {DIRECT} ") for move in moves)
    assert check.direct_skipped > 0 or not removed, "the direct read was never spared"
