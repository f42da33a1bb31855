"""The gateway's incremental reconcile, judged against a from-scratch one after every hook.

The gateway's leader remembers each gateway-route relation between hooks
(`integrator.memory`) and re-reads only the one a hook is about. `ScratchCheck` wraps the
simulation's hook delivery: after every hook the gateway's leader runs, the same unit state is
run again as update-status with the memory dropped (so every relation is read), and that run must
agree exactly with what the incremental hook left: no write to the cluster, the same answer on
every gateway-route relation, the same status. `random_walk` plays a seeded random sequence of
what operators and tenants do.
"""

from __future__ import annotations

import dataclasses
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
from integrator.observe import RouteReads, certificates
from integrator.plan import Certificates, RouteRequest
from integrator.refresh import CertificateRefresh
from modelsim import Simulation
from modelsim.errors import SimulationError
from modelsim.kube import kubeconfig_env

GATEWAY = "gateway-api-integrator"
ROUTE_ENDPOINT = "gateway-route"
WRITES = {"create", "update", "patch", "apply", "delete", "deletecollection"}
MOVES = ["relate", "hostname", "hostname", "update-status", "leader", "config"]
HOSTNAMES = ["a.example.com", "b.example.com", "c.example.com", "shared.example.com"]


@dataclass
class ScratchCheck:
    """What the checks saw; `mismatches` must stay empty."""

    checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    remembered: int = 0
    """Hooks in which the leader reconciled from memory (not a full read)."""


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


def _route_answers(state: testing.State) -> dict[int, dict[str, str]]:
    return {
        relation.id: dict(relation.local_app_data)
        for relation in state.relations
        if relation.endpoint == ROUTE_ENDPOINT
    }


def _pending(run: BundleRun) -> set[int]:
    """Relations whose change the gateway's units have not been told about yet.

    A full read sees such a change already (Juju's relation-get returns the current data); the
    memory learns it in the relation's own queued hook. Both are right for their moment.
    """
    return {
        int(p.ref)
        for p in run.sim._pending
        if p.target.startswith(f"{GATEWAY}/") and p.event.startswith("relation-")
    }


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
        differ = _differ(found, scratch(), _pending(run))
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

    with monkeypatch.context() as patch:
        patch.setattr(RouteReads, "_read", checked)
        patch.setattr(CertificateRefresh, "certificates", certificates_checked)
        yield check


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
    gateway-route relation, the same status as the last hook left.
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
    ours, theirs = _route_answers(state), _route_answers(scratch)
    if ours != theirs:
        differ = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
        check.mismatches.append(f"settled: answers differ on relations {differ}")
    mine, other = unit.status, scratch.unit_status
    if (mine.name, mine.message) != (other.name, other.message):
        check.mismatches.append(
            f"settled: status {mine.name}: {mine.message!r}, "
            f"from scratch {other.name}: {other.message!r}"
        )


def random_walk(
    run: BundleRun, tenants: list[str], seed: int, steps: int, check: ScratchCheck
) -> list[str]:
    """Play `steps` random moves: integrate, remove, change a hostname, update-status, leader.

    Returns the moves, for the failure message.
    """
    rng = random.Random(seed)  # noqa: S311 - a replayable walk, not a secret
    sim = run.sim
    moves: list[str] = []
    for _ in range(steps):
        tenant = rng.choice(tenants)
        route = f"{tenant}-route"
        related = _related(sim, route)
        choice = rng.choice(
            ["relate", "hostname", "hostname", "update-status", "leader", "config"]
        )
        if choice == "relate":
            if related is None:
                sim.relate(f"{route}:{ROUTE_ENDPOINT}", f"{GATEWAY}:{ROUTE_ENDPOINT}")
                moves.append(f"integrate {route}")
            else:
                sim.unrelate(related)
                moves.append(f"remove-relation {route}")
        elif choice == "hostname":
            hostname = rng.choice(HOSTNAMES)
            sim.set_config(route, {"hostname": hostname})
            moves.append(f"config {route} hostname={hostname}")
        elif choice == "update-status":
            sim.update_status()
            moves.append("update-status")
        elif choice == "leader":
            units = sim.units(GATEWAY)
            leader = rng.choice(units)
            sim.set_leader(GATEWAY, leader)
            moves.append(f"leader {leader}")
        else:
            enforce = rng.choice([True, False])
            sim.set_config(GATEWAY, {"enforce-https": enforce})
            moves.append(f"config gateway enforce-https={enforce}")
        sim.settle()
        # The controller's status reaches the gateway at its next hook: settled is after one.
        sim.update_status(GATEWAY)
        sim.settle()
        before = len(check.mismatches)
        settled_check(run, check)
        if len(check.mismatches) > before:
            check.mismatches.append(f"  after move {len(moves)}: {moves[-1]}")
    return moves


def _related(sim: Simulation, route: str) -> int | None:
    try:
        return sim.relation_id(route, GATEWAY)
    except SimulationError:
        return None


TLS = "self-signed-certificates"
TENANTS = {"shop": "apps", "blog": "apps", "wiki": "team", "docs": "team"}


def walk_bundle(*, related: int = 2) -> dict[str, Any]:
    """Two gateway units with TLS; four tenants in two models, the first `related` integrated."""
    applications: dict[str, Any] = {
        GATEWAY: {"charm": GATEWAY, "model": "infra", "units": 2},
        TLS: {"charm": "tls-provider", "model": "infra"},
    }
    relations = [[f"{GATEWAY}:certificates", f"{TLS}:certificates"]]
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
    """Deploy, then walk with every gateway-leader hook checked; fail naming the moves."""
    run: BundleRun = deploy.run(parse_scenario(walk_bundle(), f"walk-{seed}"))
    with scratch_checked(monkeypatch, run) as check:
        moves = random_walk(run, list(TENANTS), seed, steps, check)
    assert check.checked >= steps, (check.checked, moves)
    assert check.mismatches == [], "\n".join([*check.mismatches, "moves:", *moves])
    assert check.remembered > 0, "no hook reconciled from memory: nothing incremental was tested"
