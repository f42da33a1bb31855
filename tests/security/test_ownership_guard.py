"""Ownership guard: an object under a name a charm wants, owned by somebody else, is never touched.

For every object each charm creates (by name and namespace), a foreign object is put there
first, labelled in each way that is *not* our ownership: no labels, unrelated labels, another
application's labels (same charm, other app or other model), another charm's labels, and partial
sets of ours. Each charm then goes through its whole lifecycle (first reconcile, config change,
relation removals, application removal). After every step the foreign object must be exactly
what was stored (the full dict, resourceVersion and managedFields included), the API double
must have seen no write request for it, and while the charm wants that name its status must be
Blocked naming the object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import ops
import pytest
from ops import testing

from kube_objects.ownership import APPLICATION, MANAGED_BY, MODEL
from kubedouble import KubeDouble

HOST = "shop.example.com"
FOREIGN_CERT = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCm5vdCBvdXJzCg=="  # a PEM-ish "not ours"
Step = tuple[str, testing.State]
WritesTo = Callable[[KubeDouble, str, str | None, str], list[str]]


def variants(charm: str, app: str, model: str) -> dict[str, dict[str, str] | None]:
    """Every way labels can fail to prove that `app` of `charm` in `model` owns an object."""
    return {
        "no-labels": None,
        "unrelated-labels": {"team": "web", "app.kubernetes.io/name": "web"},
        "other-app-same-charm": {MANAGED_BY: charm, APPLICATION: f"{app}-2", MODEL: model},
        "same-app-other-model": {MANAGED_BY: charm, APPLICATION: app, MODEL: "elsewhere"},
        "other-charm": {MANAGED_BY: "someone-else", APPLICATION: app, MODEL: model},
        "partial-managed-by-only": {MANAGED_BY: charm},
        "partial-without-model": {MANAGED_BY: charm, APPLICATION: app},
        "partial-without-charm": {APPLICATION: app, MODEL: model},
    }


GATEWAY_LABELS = variants("gateway-api-integrator", "gateway", "infra")
ROUTE_LABELS = variants("gateway-route-configurator", "gateway-route-configurator", "shop")


def _meta(kind_name: str, namespace: str, labels: dict[str, str] | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": kind_name, "namespace": namespace}
    if labels is not None:
        meta["labels"] = labels
    return meta


def foreign_gateway(labels: dict[str, str] | None) -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": _meta("gateway", "infra", labels),
        "spec": {
            "gatewayClassName": "cilium",
            "listeners": [{"name": "web", "port": 8080, "protocol": "HTTP"}],
        },
    }


def foreign_secret(labels: dict[str, str] | None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _meta(f"gateway-tls-{HOST}", "infra", labels),
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": FOREIGN_CERT, "tls.key": FOREIGN_CERT},
    }


def foreign_route(name: str, namespace: str, labels: dict[str, str] | None) -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": _meta(name, namespace, labels),
        "spec": {
            "parentRefs": [{"name": "their-gateway", "namespace": "their-namespace"}],
            "rules": [{"backendRefs": [{"name": "web", "port": 80}]}],
        },
    }


def foreign_service(labels: dict[str, str] | None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta("catalogue-8080", "shop", labels),
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
    }


Builder = Callable[[dict[str, str] | None], dict[str, Any]]

GATEWAY_OBJECTS: dict[str, Builder] = {
    "Gateway infra/gateway": foreign_gateway,
    f"Secret infra/gateway-tls-{HOST}": foreign_secret,
    "HTTPRoute infra/gateway-https-redirect": lambda labels: foreign_route(
        "gateway-https-redirect", "infra", labels
    ),
}
ROUTE_OBJECTS: dict[str, Builder] = {
    "Service shop/catalogue-8080": foreign_service,
    "HTTPRoute shop/catalogue": lambda labels: foreign_route("catalogue", "shop", labels),
}

WANTED_STEPS = frozenset({"first reconcile", "config change"})
"""Steps after which the charm still wants every name in the tables (so must be Blocked)."""


# ----- lifecycles ----------------------------------------------------------------------------


def without(out: testing.State, relation_id: int) -> testing.State:
    return dataclasses.replace(out, relations=[r for r in out.relations if r.id != relation_id])


def gateway_lifecycle(rig) -> Iterator[Step]:
    """HTTPS enforced (so the redirect route exists), one tenant, one certificate."""
    route = rig.route(1, rig.request("shop", [HOST], "catalogue"))
    out = rig.certify(rig.state(route, rig.certificates(), config={"enforce-https": True}))
    yield "first reconcile", out
    out = rig.ctx.run(
        rig.ctx.on.config_changed(),
        dataclasses.replace(out, config={**out.config, "hsts-max-age": 600}),
    )
    yield "config change", out
    out = without(rig.ctx.run(rig.ctx.on.relation_broken(out.get_relation(1)), out), 1)
    yield "gateway-route removal", out
    out = without(rig.ctx.run(rig.ctx.on.relation_broken(out.get_relation(100)), out), 100)
    yield "certificates removal", out
    out = rig.ctx.run(rig.ctx.on.remove(), dataclasses.replace(out, planned_units=0))
    yield "application removal", out


def route_lifecycle(rig) -> Iterator[Step]:
    """One workload served under HOST; the controller reports on the routes in between."""
    rig.stand_in_gateway(HOST, admits="shop")
    gateway_route = rig.gateway_route(rig.answer(HOST))
    out = rig.run(rig.state(rig.ingress(), gateway_route, config={"hostname": HOST}))
    rig.kube.controller.reconcile()
    out = rig.run(out, rig.ctx.on.update_status())
    yield "first reconcile", out
    out = rig.run(dataclasses.replace(out, config={"hostname": HOST, "paths": "/,/api"}))
    yield "config change", out
    (relation,) = out.get_relations("gateway-route")
    out = without(rig.run(out, rig.ctx.on.relation_broken(relation)), relation.id)
    yield "gateway-route removal", out
    (relation,) = out.get_relations("ingress")
    out = without(rig.run(out, rig.ctx.on.relation_broken(relation)), relation.id)
    yield "ingress removal", out
    out = rig.ctx.run(rig.ctx.on.remove(), dataclasses.replace(out, planned_units=0))
    yield "application removal", out


# ----- the checks ----------------------------------------------------------------------------


def created(kube: KubeDouble, label: str, value: str) -> set[str]:
    return {
        f"{o['kind']} {o['metadata']['namespace']}/{o['metadata']['name']}"
        for o in kube.objects(labels={label: value})
    }


def assert_untouched(
    kube: KubeDouble, stored: dict[str, Any], writes_to: WritesTo, step: str
) -> None:
    meta = stored["metadata"]
    now = kube.get(stored["kind"], meta["name"], meta["namespace"])
    assert now == stored, f"{step}: the foreign object changed"
    assert writes_to(kube, stored["kind"], meta["namespace"], meta["name"]) == [], step


def assert_blocked_naming(out: testing.State, described: str, step: str) -> None:
    assert isinstance(out.unit_status, ops.BlockedStatus), f"{step}: {out.unit_status}"
    assert described in out.unit_status.message, f"{step}: {out.unit_status.message}"


# ----- the tests -----------------------------------------------------------------------------


def test_gateway_table_lists_every_object_the_integrator_creates(gateway_rig):
    seen: set[str] = set()
    for _step, _out in gateway_lifecycle(gateway_rig):
        seen |= created(gateway_rig.kube, APPLICATION, "gateway")
    assert seen == set(GATEWAY_OBJECTS)


def test_route_table_lists_every_object_the_configurator_creates(route_rig):
    seen: set[str] = set()
    for _step, _out in route_lifecycle(route_rig):
        seen |= created(route_rig.kube, APPLICATION, "gateway-route-configurator")
    assert seen == set(ROUTE_OBJECTS)


def guard(
    rig: Any,
    *,
    lifecycle: Callable[[Any], Iterator[Step]],
    foreign: dict[str, Any],
    described: str,
    writes_to: WritesTo,
    tally: Any,
) -> None:
    kube: KubeDouble = rig.kube
    kube.ensure_namespace(foreign["metadata"]["namespace"])
    kube.seed(foreign)
    kube.controller.reconcile()  # whatever a controller says about it is said before we look
    kind, name = foreign["kind"], foreign["metadata"]["name"]
    stored = kube.read(kind, name, foreign["metadata"]["namespace"])
    for step, out in lifecycle(rig):
        assert_untouched(kube, stored, writes_to, step)
        if step in WANTED_STEPS:
            assert_blocked_naming(out, described, step)
        tally["ownership guard: hijack attempts refused"] += 1


@pytest.mark.parametrize("labels", GATEWAY_LABELS.values(), ids=GATEWAY_LABELS.keys())
@pytest.mark.parametrize("described", GATEWAY_OBJECTS)
def test_integrator_leaves_foreign_object_alone_and_names_it(
    gateway_rig, writes_to, tally, described, labels
):
    foreign = GATEWAY_OBJECTS[described](labels)
    guard(
        gateway_rig,
        lifecycle=gateway_lifecycle,
        foreign=foreign,
        described=described,
        writes_to=writes_to,
        tally=tally,
    )


@pytest.mark.parametrize("labels", ROUTE_LABELS.values(), ids=ROUTE_LABELS.keys())
@pytest.mark.parametrize("described", ROUTE_OBJECTS)
def test_configurator_leaves_foreign_object_alone_and_names_it(
    route_rig, writes_to, tally, described, labels
):
    foreign = ROUTE_OBJECTS[described](labels)
    guard(
        route_rig,
        lifecycle=route_lifecycle,
        foreign=foreign,
        described=described,
        writes_to=writes_to,
        tally=tally,
    )


# ----- what our own objects point at ---------------------------------------------------------
# Leaving a foreign object byte-identical is not enough if an object we own then *uses* it:
# a listener terminating TLS with somebody else's key, a route sending traffic to somebody
# else's Service.


def test_gateway_listener_never_references_a_foreign_tls_secret(gateway_rig):
    gateway_rig.kube.seed(foreign_secret(None))
    steps = gateway_lifecycle(gateway_rig)
    next(steps)  # first reconcile: certificate issued, the Secret name is taken
    gateway = gateway_rig.kube.read("Gateway", "gateway", "infra")
    referenced = {
        ref["name"]
        for listener in gateway["spec"]["listeners"]
        for ref in (listener.get("tls") or {}).get("certificateRefs", [])
    }
    assert f"gateway-tls-{HOST}" not in referenced


def test_route_never_sends_traffic_to_a_foreign_service(route_rig):
    route_rig.kube.seed(foreign_service(None))
    steps = route_lifecycle(route_rig)
    next(steps)  # first reconcile: accepted by the gateway, the Service name is taken
    backends = {
        ref["name"]
        for route in route_rig.kube.objects("HTTPRoute", namespace="shop")
        for rule in route["spec"].get("rules", [])
        for ref in rule.get("backendRefs", [])
    }
    assert "catalogue-8080" not in backends
