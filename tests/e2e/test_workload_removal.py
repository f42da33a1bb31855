"""A tenant leaves: its objects and URL go, the other tenant is not touched."""

from __future__ import annotations

from typing import Any

import pytest

from bundlesim import BundleRun, Deployer, listeners, owned_by, unit_status

SHOP_INGRESS = ["shop:ingress", "shop-route:ingress"]
SHOP_GATEWAY = ["shop-route:gateway-route", "gateway-api-integrator:gateway-route"]


def _blog(run: BundleRun) -> dict[str, Any]:
    """Everything of the blog tenant as stored (resourceVersion and managedFields included)."""
    gateway = listeners(run, "gateway-api-integrator", "infra")
    return {
        "objects": sorted(owned_by(run, "blog-route"), key=lambda o: o["kind"]),
        "listeners": {name: item for name, item in gateway.items() if "blog" in name},
        "secret": run.kube.read("Secret", "gateway-api-integrator-tls-blog.example.com", "infra"),
        "ingress": run.sim.app_data(run.sim.relation_id("blog", "blog-route"), "blog-route"),
        "status": unit_status(run, "blog-route/0"),
    }


Departure = tuple[BundleRun, dict[str, Any]]  # the run after, and the blog tenant before


def _departure(deploy: Deployer, relation: list[str]) -> Departure:
    run = deploy("default", steps=[])
    before = _blog(run)
    run.apply({"unrelate": relation})
    return run, before


@pytest.fixture(scope="module")
def ingress_removed(module_deploy: Deployer) -> Departure:
    """The default bundle, then the shop workload's ingress relation removed."""
    return _departure(module_deploy, SHOP_INGRESS)


@pytest.fixture(scope="module")
def gateway_route_removed(module_deploy: Deployer) -> Departure:
    """The default bundle, then shop-route's relation to the gateway removed."""
    return _departure(module_deploy, SHOP_GATEWAY)


@pytest.fixture(params=["ingress_removed", "gateway_route_removed"])
def either(request: pytest.FixtureRequest) -> Departure:
    return request.getfixturevalue(request.param)


def test_other_tenant_is_untouched_byte_for_byte(either: Departure):
    run, before = either
    assert _blog(run) == before


def test_other_tenant_keeps_its_url(either: Departure):
    run, _ = either
    assert run.url("blog") == "https://blog.example.com/"


def test_shop_listeners_and_secret_are_gone(either: Departure):
    run, _ = either
    assert sorted(listeners(run, "gateway-api-integrator", "infra")) == [
        "http-blog.example.com",
        "https-blog.example.com",
    ]
    assert run.kube.get("Secret", "gateway-api-integrator-tls-shop.example.com", "infra") is None


def test_removing_ingress_deletes_the_tenants_service_and_route(ingress_removed: Departure):
    run, _ = ingress_removed
    assert owned_by(run, "shop-route") == []


def test_removing_ingress_blocks_the_configurator_asking_for_a_workload(
    ingress_removed: Departure,
):
    run, _ = ingress_removed
    assert unit_status(run, "shop-route/0") == (
        "blocked: no workload: integrate one from this model; "
        "run: juju integrate <workload> shop-route"
    )


def test_removing_ingress_leaves_the_workload_without_url(ingress_removed: Departure):
    run, _ = ingress_removed
    assert run.url("shop") is None
    assert len(run.workloads["shop"].removed) == 1  # the workload saw relation-broken


def test_removing_gateway_route_wipes_the_url_from_the_ingress_databag(
    gateway_route_removed: Departure,
):
    run, _ = gateway_route_removed
    ingress = run.sim.app_data(run.sim.relation_id("shop", "shop-route"), "shop-route")
    assert "ingress" not in ingress


def test_removing_gateway_route_deletes_the_route_but_keeps_the_service(
    gateway_route_removed: Departure,
):
    run, _ = gateway_route_removed
    assert [o["kind"] for o in owned_by(run, "shop-route")] == ["Service"]
