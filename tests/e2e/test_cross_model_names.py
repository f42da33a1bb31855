"""With Juju's cross-model names the gateway sees `remote-<uuid>` requesters; all else holds."""

from __future__ import annotations

import re

import pytest

from bundlesim import BundleRun, Deployer

REMOTE = re.compile(r"^remote-[0-9a-f]{32}$")
GATEWAY = "gateway-api-integrator"


@pytest.fixture(scope="module")
def simple(module_deploy: Deployer) -> BundleRun:
    return module_deploy("default")


@pytest.fixture(scope="module")
def juju(module_deploy: Deployer) -> BundleRun:
    return module_deploy("default", cross_model_names="juju")


def remote_names(run: BundleRun, unit: str, endpoint: str) -> list[str]:
    state = run.sim.unit_state(unit)
    return sorted(
        getattr(relation, "remote_app_name", "")
        for relation in state.relations
        if relation.endpoint == endpoint
    )


def test_gateway_sees_each_configurator_under_its_own_remote_name(juju: BundleRun):
    names = remote_names(juju, f"{GATEWAY}/0", "gateway-route")
    assert len(names) == len(set(names)) == 2
    assert all(REMOTE.match(name) for name in names)


def test_configurators_see_the_gateway_by_its_application_name(juju: BundleRun):
    assert remote_names(juju, "shop-route/0", "gateway-route") == [GATEWAY]


def test_same_model_relations_keep_real_names(juju: BundleRun):
    assert remote_names(juju, "shop-route/0", "ingress") == ["shop"]
    assert remote_names(juju, f"{GATEWAY}/0", "certificates") == ["self-signed-certificates"]


def test_the_bundle_ends_the_same_under_either_naming(simple: BundleRun, juju: BundleRun):
    assert juju.urls() == simple.urls()
    assert juju.sim.statuses() == simple.sim.statuses()
