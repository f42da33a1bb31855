"""The shipped default scenario: one gateway with TLS, two tenants in two models."""

from __future__ import annotations

import pytest
from cryptography import x509

from bundlesim import BundleRun, Deployer, listeners, owned_by, served_certificate, unit_status
from kubedouble.versions import GATEWAY_API_VERSIONS

GATEWAY = "gateway-api-integrator"
HOSTS = {"shop": "shop.example.com", "blog": "blog.example.com"}


def test_both_workloads_are_given_https_urls(default_run: BundleRun):
    assert default_run.urls() == {
        "shop": "https://shop.example.com/",
        "blog": "https://blog.example.com/",
    }


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("gateway-api-integrator/0", "active: 2 hostname(s) served at 10.0.0.1"),
        ("shop-route/0", "active: https://shop.example.com/"),
        ("blog-route/0", "active: https://blog.example.com/"),
    ],
)
def test_every_charm_is_active(default_run: BundleRun, unit: str, expected: str):
    assert unit_status(default_run, unit) == expected


def test_gateway_has_an_http_and_an_https_listener_per_hostname(default_run: BundleRun):
    found = {
        name: (item["protocol"], item["port"], item["hostname"])
        for name, item in listeners(default_run, GATEWAY, "infra").items()
    }
    assert found == {
        f"{scheme}-{host}": (scheme.upper(), port, host)
        for host in HOSTS.values()
        for scheme, port in (("http", 80), ("https", 443))
    }


@pytest.mark.parametrize(("tenant", "host"), HOSTS.items())
def test_https_listener_admits_only_its_tenant(default_run: BundleRun, tenant: str, host: str):
    allowed = listeners(default_run, GATEWAY, "infra")[f"https-{host}"]["allowedRoutes"]
    assert allowed["namespaces"] == {
        "from": "Selector",
        "selector": {"matchLabels": {"kubernetes.io/metadata.name": tenant}},
    }


@pytest.mark.parametrize("host", HOSTS.values())
def test_each_hostname_is_served_with_the_certificate_the_provider_signed(
    default_run: BundleRun, host: str
):
    served = served_certificate(default_run.kube, host)
    issued = default_run.tls["self-signed-certificates"].provider.issued(host)
    assert served is not None
    assert issued is not None
    assert served[0] == f"infra/{GATEWAY}-tls-{host}"
    assert served[1].serial_number == _serial(issued.certificate)


def test_get_certificate_returns_the_certificate_being_served(default_run: BundleRun):
    (record,) = default_run.actions
    assert record.outcome.failure is None
    assert record.certificate is not None
    assert record.certificate.matches


def test_plain_http_is_redirected_to_https_by_the_gateway(default_run: BundleRun):
    route = default_run.kube.read("HTTPRoute", f"{GATEWAY}-https-redirect", "infra")
    sections = sorted(p["sectionName"] for p in route["spec"]["parentRefs"])
    (rule,) = route["spec"]["rules"]
    assert sections == [f"http-{host}" for host in sorted(HOSTS.values())]
    assert rule["filters"] == [
        {
            "type": "RequestRedirect",
            "requestRedirect": {"scheme": "https", "port": 443, "statusCode": 301},
        }
    ]


@pytest.mark.parametrize(("tenant", "host"), HOSTS.items())
def test_tenant_route_attaches_to_its_https_listener_only(
    default_run: BundleRun, tenant: str, host: str
):
    route = default_run.kube.read("HTTPRoute", tenant, tenant)
    assert route["spec"]["hostnames"] == [host]
    assert [p["sectionName"] for p in route["spec"]["parentRefs"]] == [f"https-{host}"]
    (parent,) = route["status"]["parents"]
    assert {c["type"]: c["status"] for c in parent["conditions"]} == {
        "Accepted": "True",
        "ResolvedRefs": "True",
    }


def test_shop_route_strips_the_api_prefix(default_run: BundleRun):
    rules = default_run.kube.read("HTTPRoute", "shop", "shop")["spec"]["rules"]
    rewrites = {
        (m["path"]["type"], m["path"]["value"]): f["urlRewrite"]["path"]
        for rule in rules
        for m in rule["matches"]
        for f in rule.get("filters", [])
        if f["type"] == "URLRewrite"
    }
    assert rewrites == {
        ("PathPrefix", "/api/"): {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"},
        ("Exact", "/api"): {"type": "ReplaceFullPath", "replaceFullPath": "/"},
    }


@pytest.mark.parametrize(
    ("app", "kinds"),
    [
        (GATEWAY, ["Gateway", "HTTPRoute", "Secret", "Secret"]),
        ("shop-route", ["HTTPRoute", "Service"]),
        ("blog-route", ["HTTPRoute", "Service"]),
    ],
)
def test_each_charm_owns_exactly_its_objects(default_run: BundleRun, app: str, kinds: list[str]):
    assert sorted(o["kind"] for o in owned_by(default_run, app)) == kinds


def test_no_field_was_dropped_by_the_api_server(default_run: BundleRun):
    assert default_run.kube.warnings == []


def _serial(pem: str) -> int:
    return x509.load_pem_x509_certificate(pem.encode()).serial_number


@pytest.mark.parametrize("version", GATEWAY_API_VERSIONS)
def test_default_bundle_serves_under_every_gateway_api_release(deploy: Deployer, version: str):
    run = deploy("default", cluster={"gateway-api": version})

    assert run.urls() == {"shop": "https://shop.example.com/", "blog": "https://blog.example.com/"}
    assert unit_status(run, f"{GATEWAY}/0") == "active: 2 hostname(s) served at 10.0.0.1"
    assert run.kube.warnings == []
