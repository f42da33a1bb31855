"""The TLS provider goes away, with HTTPS enforced and without."""

from __future__ import annotations

import pytest

from bundlesim import BundleRun, Deployer, listeners, owned_by, unit_status

TLS = ["gateway-api-integrator:certificates", "self-signed-certificates:certificates"]
GATEWAY = "gateway-api-integrator"
TENANTS = ["shop", "blog"]


@pytest.fixture(scope="module")
def enforced(module_deploy: Deployer) -> BundleRun:
    """The default bundle (enforce-https on), then the certificates relation removed."""
    return module_deploy("default", steps=[{"unrelate": TLS}])


@pytest.fixture(scope="module")
def optional(module_deploy: Deployer) -> BundleRun:
    """The default bundle with enforce-https off, then the certificates relation removed."""
    config = {GATEWAY: {"enforce-https": False}}
    return module_deploy("default", config=config, steps=[{"unrelate": TLS}])


@pytest.fixture(params=["enforced", "optional"])
def either(request: pytest.FixtureRequest) -> BundleRun:
    return request.getfixturevalue(request.param)


def test_no_https_listener_is_left(either: BundleRun):
    protocols = {item["protocol"] for item in listeners(either, GATEWAY, "infra").values()}
    assert protocols == {"HTTP"}


def test_no_tls_secret_is_left(either: BundleRun):
    assert [
        o["metadata"]["name"] for o in owned_by(either, GATEWAY) if o["kind"] == "Secret"
    ] == []


def test_enforced_gateway_is_blocked_asking_for_certificates(enforced: BundleRun):
    assert unit_status(enforced, f"{GATEWAY}/0") == (
        "blocked: this charm's config enforce-https=true needs a TLS provider; run: juju "
        "integrate gateway-api-integrator:certificates "
        "<a tls-certificates provider or its offer, e.g. self-signed-certificates>"
    )


def test_enforced_tenants_lose_their_urls_and_routes(enforced: BundleRun):
    assert enforced.urls() == {"shop": None, "blog": None}
    assert [o["kind"] for t in TENANTS for o in owned_by(enforced, f"{t}-route")] == [
        "Service",
        "Service",
    ]


@pytest.mark.parametrize("tenant", TENANTS)
def test_enforced_tenants_are_blocked_naming_the_gateways_missing_tls_provider(
    enforced: BundleRun, tenant: str
):
    # No certificate can come: waiting would be a lie. The tenant's operator is told who acts.
    assert unit_status(enforced, f"{tenant}-route/0") == (
        f"blocked: gateway cannot serve {tenant}.example.com over HTTPS: HTTPS is enforced and "
        f"the gateway {GATEWAY} has no TLS provider; the gateway's operator must run: "
        f"juju integrate {GATEWAY}:certificates <a tls-certificates provider>"
    )


def test_enforced_gateway_keeps_only_a_placeholder_listener(enforced: BundleRun):
    (listener,) = listeners(enforced, GATEWAY, "infra").values()
    assert (listener["name"], listener["allowedRoutes"]["namespaces"]) == (
        "http",
        {"from": "Same"},
    )


def test_optional_tenants_fall_back_to_http(optional: BundleRun):
    assert optional.urls() == {
        "shop": "http://shop.example.com/",
        "blog": "http://blog.example.com/",
    }


@pytest.mark.parametrize("tenant", TENANTS)
def test_optional_tenants_attach_to_their_http_listener(optional: BundleRun, tenant: str):
    route = optional.kube.read("HTTPRoute", tenant, tenant)
    assert [p["sectionName"] for p in route["spec"]["parentRefs"]] == [
        f"http-{tenant}.example.com"
    ]
    assert unit_status(optional, f"{tenant}-route/0") == f"active: http://{tenant}.example.com/"


def test_optional_http_listeners_admit_their_tenant_only(optional: BundleRun):
    admitted = {
        name: item["allowedRoutes"]["namespaces"]["selector"]["matchLabels"]
        for name, item in listeners(optional, GATEWAY, "infra").items()
    }
    assert admitted == {
        f"http-{t}.example.com": {"kubernetes.io/metadata.name": t} for t in TENANTS
    }


def test_optional_gateway_stays_active(optional: BundleRun):
    assert unit_status(optional, f"{GATEWAY}/0") == "active: 2 hostname(s) served at 10.0.0.1"
