"""A workload related straight to the gateway (`gateway` endpoint): scenarios/direct.yaml.

The promise (docs/reference/gateway-api-integrator.md, "A workload related directly") is that
`juju integrate shop gateway-api-integrator` serves `shop` exactly as a configurator without a
hostname in the gateway's model would, so the key test deploys both ways and compares.
"""

from __future__ import annotations

from typing import Any

import pytest

from bundlesim import BundleRun, Deployer
from bundlesim.scenario import GatewayApiVersion, parse_scenario
from bundlesim.views import listeners, scenario_data, unit_status

GATEWAY = "gateway-api-integrator"
DIRECT = ("shop:ingress", f"{GATEWAY}:gateway")
URL = "https://gateway.example.com/infra-shop"
VERSIONS: tuple[GatewayApiVersion, ...] = ("v1.2.1", "v1.4.1", "v1.6.1")
# The labels that say who owns an object; the only metadata allowed to differ between paths.
OWNERSHIP_LABELS = frozenset(
    {
        "app.kubernetes.io/managed-by",
        "gateway-api.juju.is/application",
        "gateway-api.juju.is/model",
        "gateway-api.juju.is/ingress",
    }
)


@pytest.fixture(scope="module")
def direct_run(module_deploy: Deployer) -> BundleRun:
    """The shipped direct scenario, once for the module."""
    return module_deploy("direct")


def _shop_alone(*, via_configurator: bool, model: str = "infra") -> dict[str, Any]:
    """The direct scenario with only `shop`, related straight or behind a configurator."""
    data = scenario_data("direct")
    for name in ("blog", "blog-route"):
        del data["applications"][name]
    data["applications"]["shop"]["model"] = model
    relations = [pair for pair in data["relations"] if "blog" not in " ".join(pair)]
    if via_configurator:
        data["applications"]["shop-route"] = {
            "charm": "gateway-route-configurator",
            "model": model,
        }
        relations.remove(list(DIRECT))
        relations += [
            ["shop:ingress", "shop-route:ingress"],
            ["shop-route:gateway-route", f"{GATEWAY}:gateway-route"],
        ]
    data["relations"] = relations
    return data


def _shop_objects(run: BundleRun) -> tuple[dict[str, Any], dict[str, Any]]:
    return run.kube.read("HTTPRoute", "shop", "infra"), run.kube.read(
        "Service", "shop-8080", "infra"
    )


def _other_labels(obj: dict[str, Any]) -> dict[str, str]:
    labels = obj["metadata"].get("labels") or {}
    return {key: value for key, value in labels.items() if key not in OWNERSHIP_LABELS}


def test_the_direct_workload_is_served_next_to_a_tenant(direct_run: BundleRun) -> None:
    """Both paths share one gateway: each workload gets its URL, the gateway is Active."""
    assert direct_run.urls() == {"shop": URL, "blog": "https://blog.example.com/"}
    status = unit_status(direct_run, f"{GATEWAY}/0")
    assert status.startswith("active:")
    assert f"shop at {URL}" in status
    route = direct_run.kube.read("HTTPRoute", "shop", "infra")
    assert route["spec"]["hostnames"] == ["gateway.example.com"]


def test_the_route_has_the_configurators_shape(deploy: Deployer) -> None:
    """The same HTTPRoute and Service as a configurator without hostname in the gateway's model.

    Compared: the HTTPRoute's parentRefs (which Gateway and listener), hostnames and rules
    (matches, filters, backends), the Service's selector and ports: everything that decides
    what is served. Not compared: status (the controller's), metadata other than labels
    (uid, resourceVersion, managedFields), and the ownership labels, which name who made them.
    """
    direct = deploy.run(parse_scenario(_shop_alone(via_configurator=False), "direct"))
    configured = deploy.run(parse_scenario(_shop_alone(via_configurator=True), "configurator"))
    assert direct.url("shop") == configured.url("shop") == URL
    (direct_route, direct_service), (route, service) = (
        _shop_objects(direct),
        _shop_objects(configured),
    )
    for key in ("parentRefs", "hostnames", "rules"):
        assert direct_route["spec"][key] == route["spec"][key], key
    for key in ("selector", "ports"):
        assert direct_service["spec"][key] == service["spec"][key], key
    assert _other_labels(direct_route) == _other_labels(route)
    assert _other_labels(direct_service) == _other_labels(service)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_objects_are_valid_under_every_release(
    deploy: Deployer, version: GatewayApiVersion
) -> None:
    """The double refuses (422) what a release's schema or CEL rules reject; nothing was."""
    run = deploy("direct", cluster={"gateway-api": version})
    assert run.url("shop") == URL
    route, _ = _shop_objects(run)
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    refused = [
        (r.verb, r.kind, r.name, r.status)
        for r in run.kube.requests
        if r.kind in ("HTTPRoute", "Service", "Gateway") and r.status in (400, 422)
    ]
    assert refused == []


def test_a_workload_in_another_model_is_refused(deploy: Deployer) -> None:
    """Served directly only in the gateway's model: elsewhere, Blocked naming the configurator."""
    run = deploy.run(parse_scenario(_shop_alone(via_configurator=False, model="shop"), "other"))
    assert run.url("shop") is None
    names = {(o["kind"], o["metadata"]["name"]) for o in run.kube.objects()}
    assert ("HTTPRoute", "shop") not in names
    assert ("Service", "shop-8080") not in names
    status = unit_status(run, f"{GATEWAY}/0")
    assert status.startswith("blocked:")
    assert "deploy a gateway-route-configurator there" in status


def test_removing_the_relation_removes_only_the_workloads_objects(deploy: Deployer) -> None:
    """The route and Service go; nothing else is deleted; the tenant keeps URL and listeners."""
    run = deploy("direct")
    blog_listeners = {n: v for n, v in listeners(run, GATEWAY, "infra").items() if "blog" in n}
    before = {_key(obj) for obj in run.kube.objects()}
    run.kube.reset_requests()
    run.apply({"unrelate": list(DIRECT)})
    after = {_key(obj) for obj in run.kube.objects()}
    assert before - after == {("HTTPRoute", "infra", "shop"), ("Service", "infra", "shop-8080")}
    deleted = {(r.kind, r.name) for r in run.kube.requests if r.verb.startswith("delete")}
    assert deleted == {("HTTPRoute", "shop"), ("Service", "shop-8080")}
    assert run.urls() == {"shop": None, "blog": "https://blog.example.com/"}
    now = listeners(run, GATEWAY, "infra")
    assert {name: now.get(name) for name in blog_listeners} == blog_listeners


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace") or "", meta["name"])
