"""100 HTTPS hostnames end to end on the API double, under the oldest and newest release.

Each holder of hostnames (the Gateway, then ListenerSets or further Gateways) gets a redirect
route with up to 32 parentRefs; the CRDs' pairwise parentRef rules used to make each such
PATCH take 10-21 s in celpy. Native twins (kubedouble/validation/cel_twins.py) judge them now.
"""

from __future__ import annotations

from typing import Any

import pytest

from bundlesim import BundleRun, Deployer, owned_by, unit_status
from kubedouble.versions import NEWEST, OLDEST

GATEWAY = "gateway-api-integrator"
TENANTS = range(10)
WRITES = ("create", "update", "patch", "apply", "delete", "deletecollection")


@pytest.fixture(
    scope="module",
    params=[(OLDEST, "conformant"), (NEWEST, "conformant"), (NEWEST, "core-only")],
    ids=["v1.2.1", "v1.6.1", "v1.6.1-no-listenerset-support"],
)
def hundred(module_deploy: Deployer, request: pytest.FixtureRequest) -> BundleRun:
    version, profile = request.param
    return module_deploy(
        "hundred-hostnames", cluster={"gateway-api": version}, controller={"profile": profile}
    )


def _redirects(run: BundleRun) -> list[dict[str, Any]]:
    return [
        o
        for o in owned_by(run, GATEWAY)
        if o["kind"] == "HTTPRoute" and o["metadata"]["name"].endswith("-https-redirect")
    ]


def test_every_tenant_is_given_its_https_url(hundred: BundleRun):
    expected = {f"tenant{t}": f"https://app0.tenant{t}.example.com/" for t in TENANTS}
    assert hundred.urls() == expected


def test_gateway_serves_all_hundred_hostnames(hundred: BundleRun):
    assert unit_status(hundred, f"{GATEWAY}/0") == "active: 100 hostname(s) served at 10.0.0.1"


def test_each_hostname_has_its_tls_secret(hundred: BundleRun):
    secrets = [o for o in owned_by(hundred, GATEWAY) if o["kind"] == "Secret"]
    assert len(secrets) == 100


def test_redirect_routes_cover_every_http_listener_within_32_parents(hundred: BundleRun):
    redirects = _redirects(hundred)
    parents = [p for route in redirects for p in route["spec"]["parentRefs"]]
    assert all(len(route["spec"]["parentRefs"]) <= 32 for route in redirects)
    assert len(parents) == 100
    assert len({(p["kind"], p["name"], p["sectionName"]) for p in parents}) == 100


def test_overflow_goes_to_listener_sets_only_where_the_controller_implements_them(
    hundred: BundleRun,
):
    # core-only installs the ListenerSet CRD (v1.6.1) but does not advertise or reconcile it:
    # the hostnames past the first Gateway must sit on further Gateways of their own.
    profile = hundred.kube.controller.profile
    holders = [o for o in owned_by(hundred, GATEWAY) if o["kind"] in ("Gateway", "ListenerSet")]
    kinds = {o["kind"] for o in holders}
    assert len(holders) > 1
    if profile.listener_sets and hundred.kube.serves("ListenerSet"):
        assert kinds == {"Gateway", "ListenerSet"}
    else:
        assert kinds == {"Gateway"}


def test_nothing_was_dropped_and_a_further_tick_writes_nothing(hundred: BundleRun):
    assert hundred.kube.warnings == []
    hundred.kube.reset_requests()
    hundred.apply("settle")
    assert sum(hundred.kube.count(verb) for verb in WRITES) == 0
