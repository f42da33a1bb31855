"""Deployed without `--trust`: each charm asks for `juju trust`, writes nothing, and recovers."""

from __future__ import annotations

import pytest

from bundlesim import BundleRun, Deployer, owned_by, unit_status

CHARMS = ("gateway-api-integrator", "shop-route")
MODELS = {"gateway-api-integrator": "infra", "shop-route": "shop"}
WRITES = frozenset({"create", "update", "patch", "apply", "delete", "deletecollection"})


@pytest.fixture(scope="module")
def untrusted(module_deploy: Deployer) -> BundleRun:
    """scenarios/untrusted.yaml as deployed, before any `trust` step."""
    return module_deploy("untrusted", steps=[])


@pytest.fixture(scope="module")
def trusted(module_deploy: Deployer) -> BundleRun:
    """The same bundle after its steps trusted both charms."""
    return module_deploy("untrusted")


def user(app: str) -> str:
    return f"system:serviceaccount:{MODELS[app]}:{app}"


@pytest.mark.parametrize("app", CHARMS)
def test_untrusted_charm_is_blocked_asking_for_juju_trust(untrusted: BundleRun, app: str):
    status = unit_status(untrusted, f"{app}/0")
    assert status.startswith("blocked: no access to the Kubernetes API (")
    assert f'User "{user(app)}" cannot ' in status
    assert status.endswith(f"; run: juju trust {app} --scope=cluster")


@pytest.mark.parametrize("app", CHARMS)
def test_untrusted_charm_writes_nothing_to_the_cluster(untrusted: BundleRun, app: str):
    asked = [r for r in untrusted.kube.requests if r.user == user(app)]
    assert asked, "the charm never reached the API double"
    assert [r for r in asked if r.verb in WRITES and r.status is not None and r.status < 400] == []
    assert owned_by(untrusted, app) == []


def test_untrusted_bundle_publishes_no_url(untrusted: BundleRun):
    assert untrusted.urls() == {"shop": None}


@pytest.mark.parametrize("app", CHARMS)
def test_trust_step_recovers_each_charm(trusted: BundleRun, app: str):
    assert unit_status(trusted, f"{app}/0").startswith("active: ")


def test_trusted_bundle_serves_the_workload(trusted: BundleRun):
    assert trusted.urls() == {"shop": "https://shop.example.com/"}
    assert unit_status(trusted, "shop-route/0") == "active: https://shop.example.com/"


def test_trusting_only_the_gateway_leaves_the_configurator_asking(deploy: Deployer):
    run = deploy("untrusted", steps=[{"trust": "gateway-api-integrator"}])
    assert unit_status(run, "gateway-api-integrator/0").startswith("active: ")
    assert unit_status(run, "shop-route/0").endswith(
        "; run: juju trust shop-route --scope=cluster"
    )
    assert run.url("shop") is None


def test_removing_trust_blocks_the_charm_again(deploy: Deployer):
    run = deploy(
        "untrusted",
        steps=[
            {"trust": "gateway-api-integrator"},
            {"trust": "shop-route"},
            {"trust": {"shop-route": False}},
        ],
    )
    assert unit_status(run, "shop-route/0").endswith(
        "; run: juju trust shop-route --scope=cluster"
    )
