"""Two models ask for one hostname: the first keeps it, the second is refused and Blocked."""

from __future__ import annotations

import json

import pytest

from bundlesim import BundleRun, Deployer, listeners, owned_by, unit_status

HOST = "www.example.com"


@pytest.fixture(scope="module")
def conflict(module_deploy: Deployer) -> BundleRun:
    return module_deploy("hostname-conflict")


def test_first_claimant_keeps_the_hostname(conflict: BundleRun):
    assert conflict.url("shop") == f"https://{HOST}/"
    assert unit_status(conflict, "shop-route/0") == f"active: https://{HOST}/"


def test_second_claimant_gets_no_url(conflict: BundleRun):
    assert conflict.url("intruder") is None


def test_second_claimant_is_blocked_with_the_reason(conflict: BundleRun):
    status = unit_status(conflict, "intruder-route/0")
    assert status.startswith(f"blocked: gateway refused {HOST} (conflict): ")
    assert "namespace shop" in status


def test_gateway_tells_the_second_claimant_why(conflict: BundleRun):
    answer = conflict.sim.app_data(
        conflict.sim.relation_id("intruder-route", "gateway-api-integrator"),
        "gateway-api-integrator",
    )
    (refusal,) = json.loads(answer["refused"])
    assert (refusal["hostname"], refusal["reason"]) == (HOST, "conflict")
    assert json.loads(answer["accepted"]) == []


@pytest.mark.parametrize("listener", [f"https-{HOST}"])
def test_listener_admits_only_the_first_namespace(conflict: BundleRun, listener: str):
    allowed = listeners(conflict, "gateway-api-integrator", "infra")[listener]["allowedRoutes"]
    assert allowed["namespaces"]["selector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "shop"}
    }


def test_second_claimant_creates_no_route(conflict: BundleRun):
    assert [o["kind"] for o in owned_by(conflict, "intruder-route")] == ["Service"]


def test_hostname_passes_to_the_second_claimant_once_the_first_releases_it(deploy: Deployer):
    run = deploy(
        "hostname-conflict",
        steps=[{"unrelate": ["shop-route:gateway-route", "gateway-api-integrator:gateway-route"]}],
    )
    assert run.url("intruder") == f"https://{HOST}/"


def test_blocked_message_states_the_fix_once(conflict: BundleRun):
    status = unit_status(conflict, "intruder-route/0")
    assert status.count("juju config") == 1
    assert status.endswith("run: juju config intruder-route hostname=<another DNS name>")
