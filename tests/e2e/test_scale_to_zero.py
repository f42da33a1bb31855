"""Scaled to zero and back, either charm keeps every object it owns; removal deletes them.

`juju scale-application <app> 0` and `juju remove-application <app>` look alike to the last
unit. Every owned object names the application's StatefulSet as its owner: Juju deletes that
only on removal, after the last hook, and the garbage collector (modelled by the API double)
then deletes the objects (`kube_apply.removal`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bundlesim import BundleRun, Deployer, owned_by, unit_status
from realapi.fixtures import real_cluster

GATEWAY = "gateway-api-integrator"
APPS = (GATEWAY, "shop-route", "blog-route")
URLS = {"shop": "https://shop.example.com/", "blog": "https://blog.example.com/"}


def _stored(run: BundleRun) -> dict[tuple[str, str, str], str]:
    """Every owned object, by kind, namespace and name, with its uid (recreated: a new uid)."""
    return {
        (o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]): o["metadata"]["uid"]
        for app in APPS
        for o in owned_by(run, app)
    }


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(("double", GATEWAY), id="double-gateway"),
        pytest.param(("double", "shop-route"), id="double-configurator"),
        pytest.param(("real", GATEWAY), id="real-gateway", marks=pytest.mark.real_apiserver),
    ],
)
def scaled(
    request: pytest.FixtureRequest,
    module_deploy: Deployer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    """The default bundle; one charm scaled to 0, then back to 1 (on the real server too)."""
    server, app = request.param
    with pytest.MonkeyPatch.context() as patch:
        cluster = real_cluster(request, tmp_path_factory, patch) if server == "real" else None
        try:
            run = module_deploy("default", steps=[], kube=cluster)
            before = _stored(run)
            run.apply({"scale": {app: 0}})
            at_zero = {"objects": _stored(run), "urls": run.urls()}
            run.apply({"scale": {app: 1}})
            yield {"run": run, "app": app, "before": before, "at_zero": at_zero}
        finally:
            if cluster is not None:
                cluster.clean()
                cluster.close()


def test_nothing_owned_is_deleted_at_zero_units(scaled: dict[str, Any]):
    assert scaled["at_zero"]["objects"] == scaled["before"]


def test_workloads_keep_their_urls_at_zero_units(scaled: dict[str, Any]):
    assert scaled["at_zero"]["urls"] == URLS


def test_scaling_back_up_serves_the_same_objects(scaled: dict[str, Any]):
    assert _stored(scaled["run"]) == scaled["before"]
    assert scaled["run"].urls() == URLS


def test_the_new_unit_is_active(scaled: dict[str, Any]):
    unit = f"{scaled['app']}/1"
    assert unit_status(scaled["run"], unit).startswith("active: ")


@pytest.mark.parametrize("app", [GATEWAY, "shop-route"])
def test_removing_the_application_deletes_what_it_owns(module_deploy: Deployer, app: str):
    run = module_deploy("default", steps=[])
    assert owned_by(run, app)
    run.apply({"remove": app})
    assert owned_by(run, app) == []
