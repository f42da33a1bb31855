"""Tenant isolation: a hostname served for one namespace cannot be taken by another.

Tenant A (namespace `shop`) is served `shop.example.com` first, through the real integrator and
the real configurator. Tenant B (namespace `blog`) then asks for the same hostname, honestly or
with forged data in its gateway-route databag. Whatever B writes, A keeps its answer, its objects
and its URL; the Gateway's listeners for the hostname admit only `shop`; B is refused; and a
route B puts in its own namespace is not attached by the Gateway controller
(NotAllowedByListeners), which is the guarantee that does not depend on what B claims.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import ops
import pytest
from ops import testing

from gateway_route import ProviderData, decode

HOST = "shop.example.com"
SHOP_ONLY = {
    "from": "Selector",
    "selector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
}


def wire(namespace: str, application: str, hostnames: list[str], **extra: Any) -> dict[str, str]:
    """A gateway-route request as raw databag strings (so it can say what the models refuse)."""
    values = {
        "version": 1,
        "namespace": namespace,
        "application": application,
        "hostnames": hostnames,
        **extra,
    }
    return {key: json.dumps(value) for key, value in values.items()}


@dataclasses.dataclass(frozen=True)
class Forgery:
    """What B writes, under which Juju application name, and why it must be refused."""

    data: dict[str, str]
    reason: str
    """The refusal B must get for `asked`."""
    asked: str = HOST
    remote_app: str = "blog-route"


FORGERIES = {
    "plain": Forgery(wire("blog", "blog", [HOST]), "conflict"),
    "claims-a-application": Forgery(wire("blog", "shop", [HOST]), "conflict"),
    "same-juju-app-name-as-a": Forgery(
        wire("blog", "blog", [HOST]), "conflict", remote_app="shop-route"
    ),
    "extra-unknown-keys": Forgery(
        wire(
            "blog",
            "blog",
            [HOST],
            owner="shop",
            allowed_namespaces=["blog", "shop"],
            force=True,
            priority=-1,
        ),
        "conflict",
    ),
    "hostname-listed-twice": Forgery(wire("blog", "blog", [HOST, HOST]), "conflict"),
    "hostname-in-uppercase": Forgery(
        wire("blog", "blog", ["SHOP.EXAMPLE.COM"]), "invalid", "SHOP.EXAMPLE.COM"
    ),
    "hostname-in-mixed-case": Forgery(
        wire("blog", "blog", ["Shop.Example.com"]), "invalid", "Shop.Example.com"
    ),
    "hostname-with-trailing-dot": Forgery(
        wire("blog", "blog", [f"{HOST}."]), "invalid", f"{HOST}."
    ),
    "hostname-with-whitespace": Forgery(wire("blog", "blog", [f" {HOST}"]), "invalid", f" {HOST}"),
}


@dataclasses.dataclass
class Tenants:
    """The integrator serving A, and A's configurator, ready for B to arrive."""

    gateway: Any
    a: Any
    gateway_out: testing.State
    a_out: testing.State

    def answer(self, relation_id: int) -> dict[str, str]:
        relation = self.gateway_out.get_relation(relation_id)
        assert isinstance(relation, testing.Relation)
        return dict(relation.local_app_data)

    def decoded(self, relation_id: int) -> ProviderData:
        data = decode(ProviderData, self.answer(relation_id))
        assert isinstance(data, ProviderData), data
        return data

    def serve_a(self) -> None:
        """A's configurator takes the integrator's current answer; the controller reports."""
        (relation,) = self.a_out.get_relations("gateway-route")
        fresh = dataclasses.replace(relation, remote_app_data=self.answer(1))
        state = dataclasses.replace(
            self.a_out, relations=[*self.a_out.get_relations("ingress"), fresh]
        )
        self.a_out = self.a.run(state)
        self.gateway.kube.controller.reconcile()
        self.a_out = self.a.run(self.a_out, self.a.ctx.on.update_status())

    def b_arrives(self, forgery: Forgery) -> None:
        """B's relation appears with its databag; the integrator reconciles twice."""
        rig = self.gateway
        relation = rig.route(2, forgery.data, remote_app=forgery.remote_app)
        out = rig.changed(rig.replaced(self.gateway_out, relation), 2)
        self.gateway_out = rig.ctx.run(rig.ctx.on.config_changed(), out)

    def listeners_for(self, hostname: str) -> list[dict[str, Any]]:
        gateway = self.gateway.kube.read("Gateway", "gateway", "infra")
        return [
            entry
            for entry in gateway["spec"]["listeners"]
            if str(entry.get("hostname", "")).lower().rstrip(".") == hostname
        ]

    def a_objects(self) -> list[dict[str, Any]]:
        return sorted(
            self.gateway.kube.objects("HTTPRoute", "shop")
            + self.gateway.kube.objects("Service", "shop"),
            key=lambda o: (o["kind"], o["metadata"]["name"]),
        )


@pytest.fixture
def tenants(gateway_rig, new_route_rig, kube) -> Tenants:
    rig = gateway_rig
    out = rig.changed(rig.state(rig.route(1, wire("shop", "shop", [HOST]), "shop-route")), 1)
    kube.controller.reconcile()
    out = rig.ctx.run(rig.ctx.on.update_status(), out)
    a = new_route_rig(model="shop", workload="shop")
    a_out = a.state(
        a.ingress(), a.gateway_route({}), config={"hostname": HOST}
    )  # the answer is filled in by serve_a
    world = Tenants(gateway=rig, a=a, gateway_out=out, a_out=a_out)
    world.serve_a()
    assert a.url(world.a_out) == f"http://{HOST}/", world.a_out.unit_status
    return world


def b_route(kube, parents: list[dict[str, Any]]) -> dict[str, Any]:
    """B's HTTPRoute as a configurator in `blog` would write it, aimed at A's listeners."""
    kube.ensure_namespace("blog")
    kube.seed(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "blog-80", "namespace": "blog"},
            "spec": {"selector": {"app": "blog"}, "ports": [{"port": 80}]},
        }
    )
    kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "blog", "namespace": "blog"},
            "spec": {
                "parentRefs": parents,
                "hostnames": [HOST],
                "rules": [{"backendRefs": [{"name": "blog-80", "port": 80}]}],
            },
        }
    )
    kube.controller.reconcile()
    return kube.read("HTTPRoute", "blog", "blog")


def accepted_reasons(route: dict[str, Any]) -> list[str]:
    """The Accepted condition's reason on each parent the controller reported on."""
    return [
        condition["reason"]
        for parent in route["status"]["parents"]
        for condition in parent["conditions"]
        if condition["type"] == "Accepted"
    ]


def a_parents(tenants: Tenants) -> list[dict[str, Any]]:
    return [
        {
            "group": ref.group,
            "kind": ref.kind,
            "name": ref.name,
            "namespace": ref.namespace,
            "sectionName": ref.section_name,
        }
        for ref in tenants.decoded(1).attachments_for(HOST)
    ]


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_second_namespace_cannot_take_a_served_hostname(tenants, kube, tally, forgery):
    a_answer, a_url = tenants.answer(1), tenants.a.url(tenants.a_out)
    a_objects, listeners = tenants.a_objects(), tenants.listeners_for(HOST)

    tenants.b_arrives(forgery)
    tenants.serve_a()

    # A keeps serving: same answer, same objects, same URL, same listeners.
    assert tenants.answer(1) == a_answer
    assert tenants.a.url(tenants.a_out) == a_url
    assert tenants.a_objects() == a_objects
    assert tenants.listeners_for(HOST) == listeners
    assert [entry["allowedRoutes"]["namespaces"] for entry in listeners] == [SHOP_ONLY]
    # B is refused, for the right reason, and given nothing.
    b_answer = tenants.decoded(2)
    assert b_answer.accepted == []
    refusal = b_answer.refusal_for(forgery.asked)
    assert refusal is not None
    assert refusal.reason.value == forgery.reason
    # A route from B's namespace aimed at A's listener is not attached.
    assert set(accepted_reasons(b_route(kube, a_parents(tenants)))) == {"NotAllowedByListeners"}
    tally["tenant isolation: hijacks refused"] += 1


def test_refused_tenant_is_blocked_with_the_reason(tenants, new_route_rig):
    tenants.b_arrives(FORGERIES["plain"])
    b = new_route_rig(model="blog", workload="blog")

    out = b.run(
        b.state(b.ingress(), b.gateway_route(tenants.answer(2)), config={"hostname": HOST})
    )

    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert out.unit_status.message.startswith(f"gateway refused {HOST} (conflict): ")
    assert "namespace shop" in out.unit_status.message
    assert b.url(out) is None


def test_forged_namespace_gains_no_route_into_the_served_hostname(
    tenants, new_route_rig, kube, tally
):
    """B claims A's namespace: the gateway cannot tell, but B's route lives in `blog`."""
    a_answer, listeners = tenants.answer(1), tenants.listeners_for(HOST)
    tenants.b_arrives(Forgery(wire("shop", "shop", [HOST]), "none"))
    b = new_route_rig(model="blog", workload="blog")

    out = b.run(
        b.state(b.ingress(), b.gateway_route(tenants.answer(2)), config={"hostname": HOST})
    )
    kube.controller.reconcile()
    out = b.run(out, b.ctx.on.update_status())

    assert tenants.answer(1) == a_answer
    assert tenants.listeners_for(HOST) == listeners  # still admits `shop` only
    b_routes = kube.objects("HTTPRoute", "blog")
    assert b_routes, "the configurator made no route: nothing was tested"
    for route in b_routes:
        assert set(accepted_reasons(route)) == {"NotAllowedByListeners"}
    assert b.url(out) is None
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "NotAllowedByListeners" in out.unit_status.message
    tally["tenant isolation: hijacks refused"] += 1
