"""Inject each API fault at each call index of one reconcile per charm; the next one recovers.

Scenarios:
- configurator: the first reconcile with an accepted gateway answer (Service and HTTPRoute
  created), then update-status;
- integrator: two configurators and a TLS provider that has answered, on an empty cluster
  (two TLS Secrets and the Gateway created), then update-status.

Per (fault, index): no exception escapes the hook (the charms turn every API failure into a
status and retry on the next event; none relies on Juju re-running a failed hook); after the
next event the store equals the fault-free run's (spec/data/labels/annotations, not server
metadata or status), so nothing is orphaned or left half-done; objects the charm does not own
are byte-identical and were never the target of a write.

Timeouts: the double serves the faulted request in full (as kube-apiserver finishes a request
whose client has gone) and the client's transport raises httpx2.ReadTimeout, the charm's code
path when lightkube's timeout fires (kubedouble.transport). No clock is involved: a loaded
machine can neither make an ordinary request time out nor let a faulted one through.

`make test` tries every fault at three call indices (first, middle, last); the full matrix
(every index) runs with HYPOTHESIS_PROFILE=fuzz (`tox -e fuzz`).
"""

import dataclasses
import functools
from typing import Any

import pytest
from ops import testing

from fuzzdata import configurator as conf
from fuzzdata import integrator as integ
from fuzzdata import profiles, tally
from fuzzdata.cluster import WRITE_VERBS, replay
from fuzzdata.faults import (
    FAULTS,
    TIMEOUT,
    CaseResult,
    Fault,
    Scenario,
    faultable,
    run_case,
    subset,
)
from kubedouble import KubeDouble, transport

# ----- objects nobody asked the charms to touch ----------------------------------------------


def _object(kind: str, name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    api = {"Service": "v1", "Secret": "v1"}.get(kind, "gateway.networking.k8s.io/v1")
    obj: dict[str, Any] = {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
    }
    if kind == "Service":
        obj["spec"] = {"selector": {"app": name}, "ports": [{"port": 80}]}
    elif kind == "Secret":
        obj["type"] = "Opaque"
        obj["stringData"] = {"note": "not yours"}
    elif kind == "HTTPRoute":
        obj["spec"] = {"parentRefs": [{"name": "elsewhere"}]}
    elif kind == "Gateway":
        obj["spec"] = {
            "gatewayClassName": integ.GATEWAY_CLASS,
            "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
        }
    return obj


def _labels(charm: str, app: str, model: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/managed-by": charm,
        "gateway-api.juju.is/application": app,
        "gateway-api.juju.is/model": model,
    }


CONFIGURATOR = "gateway-route-configurator"
INTEGRATOR = "gateway-api-integrator"

CONFIGURATOR_STRANGERS = [
    _object("Service", "legacy", conf.MODEL, {}),
    _object("HTTPRoute", "catalogue-old", conf.MODEL, _labels(CONFIGURATOR, "other", conf.MODEL)),
    # Same charm, same application name, another model: not ours either.
    _object("Service", "catalogue-9090", conf.MODEL, _labels(CONFIGURATOR, conf.APP, "elsewhere")),
]
INTEGRATOR_STRANGERS = [
    _object("Secret", "gateway2-tls-a.example.com", integ.MODEL, _labels(INTEGRATOR, "g2", "x")),
    _object("Gateway", "gateway2", integ.MODEL, _labels(INTEGRATOR, "gateway2", integ.MODEL)),
    _object("HTTPRoute", "gateway-other", integ.MODEL, {"team": "web"}),
    _object(
        "Secret", "gateway-tls-b.example.com", integ.MODEL, _labels(INTEGRATOR, "gateway", "x")
    ),
]


# ----- the two scenarios ---------------------------------------------------------------------


def _configurator_seed(kube: KubeDouble) -> None:
    conf.seed_gateway(kube)
    replay(kube, CONFIGURATOR_STRANGERS, field_manager="someone-else")


def _configurator_first() -> testing.State:
    ctx = conf.context()
    return ctx.run(ctx.on.config_changed(), conf.healthy_state())


def _configurator_second(state: testing.State) -> testing.State:
    ctx = conf.context()
    return ctx.run(ctx.on.update_status(), state)


CONFIGURATOR_SCENARIO = Scenario(
    "configurator", _configurator_seed, _configurator_first, _configurator_second
)

TENANTS = (("shop", "shop.example.com"), ("orders", "orders.example.com"))


@functools.cache
def _integrator_before() -> testing.State:
    """Two configurators and the TLS provider's certificates for both, in the relations only.

    Made on a scratch double (CSRs are only sent from a hook); the cases start from an empty
    cluster, so the faulted reconcile creates both Secrets and the Gateway.
    """
    from fuzzdata.cluster import fresh_double

    relations = [integ.route(i + 1, ns, [host]) for i, (ns, host) in enumerate(TENANTS)]
    state = dataclasses.replace(
        integ.initial_state(),
        relations=[
            *relations,
            testing.Relation(
                "certificates",
                id=integ.CERTIFICATES_RELATION,
                remote_app_name="self-signed-certificates",
            ),
        ],
    )
    with fresh_double() as kube:
        integ.seed_class(kube)
        ctx = integ.context()
        requested = ctx.run(ctx.on.config_changed(), state)
    return integ.certify(requested)


def _integrator_seed(kube: KubeDouble) -> None:
    integ.seed_class(kube)
    replay(kube, INTEGRATOR_STRANGERS, field_manager="someone-else")


def _integrator_first() -> testing.State:
    ctx = integ.context()
    state = _integrator_before()
    relation = state.get_relation(integ.CERTIFICATES_RELATION)
    return ctx.run(ctx.on.relation_changed(relation, remote_unit=0), state)


def _integrator_second(state: testing.State) -> testing.State:
    ctx = integ.context()
    return ctx.run(ctx.on.update_status(), state)


INTEGRATOR_SCENARIO = Scenario(
    "integrator", _integrator_seed, _integrator_first, _integrator_second
)
SCENARIOS = {"configurator": CONFIGURATOR_SCENARIO, "integrator": INTEGRATOR_SCENARIO}


@functools.cache
def reference(name: str) -> CaseResult:
    """The fault-free run: its call count and the store it converges to."""
    result = run_case(SCENARIOS[name], None)
    assert result.escaped is None
    return result


# ----- the properties --------------------------------------------------------------------------


def problems(name: str, fault: Fault, index: int, result: CaseResult) -> list[str]:
    """Every property the case breaks, in words."""
    expected = reference(name)
    found = []
    if result.escaped is not None:
        found.append(f"exception escaped the hook: {result.escaped!r}"[:300])
    calls = faultable(result.first_calls)
    if len(calls) < index:
        found.append(f"the fault never fired (only {len(calls)} calls)")
    elif fault.status is not None and calls[index - 1].status != fault.status:
        found.append(f"call {index} answered {calls[index - 1].status}")
    elif fault.reset and calls[index - 1].status is not None:
        found.append(f"call {index} was not reset")
    got, want = result.contents, expected.contents
    if got != want:
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        differ = sorted(k for k in set(want) & set(got) if want[k] != got[k])
        found.append(f"did not converge: missing {missing}, extra {extra}, different {differ}")
    if result.unowned_changed:
        found.append(f"objects not ours changed: {result.unowned_changed}")
    if result.unowned_writes:
        found.append(f"writes to objects not ours: {result.unowned_writes}")
    return found


def honour_timeouts(monkeypatch: pytest.MonkeyPatch, fault: Fault) -> None:
    """For the timeout fault, every lightkube.Client gives up where the double says so."""
    if fault is TIMEOUT:
        transport.install(monkeypatch)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_fault_free_reference_creates_the_owned_objects(name: str) -> None:
    expected = reference(name)
    owned = [key for key, obj in expected.contents.items() if _is_owned(obj)]
    assert len(owned) >= 2
    assert expected.unowned_changed == []
    assert expected.unowned_writes == []


def _is_owned(obj: dict[str, Any]) -> bool:
    labels = obj["metadata"].get("labels") or {}
    return labels.get("gateway-api.juju.is/model") in (conf.MODEL, integ.MODEL) and labels.get(
        "gateway-api.juju.is/application"
    ) in (conf.APP, integ.APP)


TRANSPORT_FAILURES = ("connection reset", "timeout")


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_reconcile_recovers_from_fault_at_every_call(
    name: str, fault: Fault, monkeypatch: pytest.MonkeyPatch
) -> None:
    honour_timeouts(monkeypatch, fault)
    calls = faultable(reference(name).first_calls)
    indices = list(range(1, len(calls) + 1)) if profiles.full() else subset(len(calls))
    failures: dict[int, list[str]] = {}
    for index in indices:
        tally.faults_tried[name] += 1
        broken = problems(name, fault, index, run_case(SCENARIOS[name], fault, index))
        if broken:
            failures[index] = broken
        else:
            tally.faults_passed[name] += 1
    assert failures == {}, f"{name}, fault {fault.name}, of {len(calls)} calls: {failures}"


@pytest.mark.parametrize(
    "fault", [f for f in FAULTS if f.name in TRANSPORT_FAILURES], ids=TRANSPORT_FAILURES
)
def test_listener_set_list_transport_failure_is_a_status(
    fault: Fault, monkeypatch: pytest.MonkeyPatch
) -> None:
    honour_timeouts(monkeypatch, fault)
    # Found by the full matrix (the LIST doubles as discovery and caught only ApiError);
    # fixed in integrator/cluster.py owned_listener_sets(). Pinned here since the subset of
    # call indices in `make test` does not reach it.
    calls = faultable(reference("integrator").first_calls)
    index = next(i for i, c in enumerate(calls, 1) if (c.verb, c.kind) == ("list", "ListenerSet"))
    result = run_case(INTEGRATOR_SCENARIO, fault, index)
    assert result.escaped is None


def test_second_reconcile_of_a_new_gateway_writes_nothing() -> None:
    result = run_case(INTEGRATOR_SCENARIO, None)
    assert [c.verb for c in result.second_calls if c.verb in WRITE_VERBS] == []
