"""The whole gateway application removed: nothing it owned is left; configurators say so."""

from __future__ import annotations

import pytest

from bundlesim import BundleRun, Deployer, owned_by, unit_status

GATEWAY = "gateway-api-integrator"


@pytest.fixture(scope="module")
def removed(module_deploy: Deployer) -> BundleRun:
    return module_deploy("default", steps=[{"remove": GATEWAY}])


def test_nothing_owned_by_the_gateway_is_left(removed: BundleRun):
    assert owned_by(removed, GATEWAY) == []
    assert removed.kube.objects(labels={"app.kubernetes.io/managed-by": GATEWAY}) == []


@pytest.mark.parametrize("tenant", ["shop", "blog"])
def test_configurators_report_the_missing_gateway(removed: BundleRun, tenant: str):
    assert unit_status(removed, f"{tenant}-route/0") == (
        "blocked: no gateway: integrate one in this model, or the gateway's offer from its own "
        f"model; run: juju integrate {tenant}-route "
        "<gateway app | [<controller>:]<owner>/<model>.<offer>>"
    )


@pytest.mark.parametrize("tenant", ["shop", "blog"])
def test_configurators_delete_their_routes(removed: BundleRun, tenant: str):
    assert [o["kind"] for o in owned_by(removed, f"{tenant}-route")] == ["Service"]


def test_workloads_are_left_without_urls(removed: BundleRun):
    assert removed.urls() == {"shop": None, "blog": None}
