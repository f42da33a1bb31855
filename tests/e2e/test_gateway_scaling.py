"""The gateway scaled to three units and its leadership moved: one writer, nothing rewritten."""

from __future__ import annotations

from typing import Any

import pytest

from bundlesim import BundleRun, Deployer, owned_by, unit_status

GATEWAY = "gateway-api-integrator"
WRITES = ("create", "update", "patch", "apply", "delete", "deletecollection")


def _versions(run: BundleRun) -> dict[tuple[str, str, str], str]:
    return {
        (o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]): o["metadata"][
            "resourceVersion"
        ]
        for app in (GATEWAY, "shop-route", "blog-route")
        for o in owned_by(run, app)
    }


@pytest.fixture(scope="module")
def scaled(module_deploy: Deployer) -> dict[str, Any]:
    """Default bundle; scale the gateway to 3, then move leadership to unit 2."""
    run = module_deploy("default", steps=[])
    versions = _versions(run)
    run.kube.reset_requests()
    run.apply({"scale": {GATEWAY: 3}})
    after_scale = {"writes": sum(run.kube.count(v) for v in WRITES), "versions": _versions(run)}
    run.kube.reset_requests()
    run.apply({"leader": f"{GATEWAY}/2"})
    writes = sum(run.kube.count(v) for v in WRITES)
    return {"run": run, "versions": versions, "scale": after_scale, "leader_writes": writes}


def test_scaling_up_writes_nothing_to_kubernetes(scaled: dict[str, Any]):
    assert scaled["scale"]["writes"] == 0
    assert scaled["scale"]["versions"] == scaled["versions"]


def test_moving_the_leader_rewrites_no_object(scaled: dict[str, Any]):
    assert scaled["leader_writes"] == 0
    assert _versions(scaled["run"]) == scaled["versions"]


@pytest.mark.parametrize("unit", [f"{GATEWAY}/0", f"{GATEWAY}/1"])
def test_non_leaders_stand_by(scaled: dict[str, Any], unit: str):
    assert unit_status(scaled["run"], unit) == "active: standby"


def test_new_leader_serves_every_hostname(scaled: dict[str, Any]):
    assert unit_status(scaled["run"], f"{GATEWAY}/2") == (
        "active: 2 hostname(s) served at 10.0.0.1"
    )


def test_workloads_keep_their_urls(scaled: dict[str, Any]):
    assert scaled["run"].urls() == {
        "shop": "https://shop.example.com/",
        "blog": "https://blog.example.com/",
    }


def test_new_leader_can_show_the_served_certificate(scaled: dict[str, Any]):
    run = scaled["run"]
    run.apply({"action": f"{GATEWAY}/2 get-certificate hostname=shop.example.com"})
    assert run.actions[-1].certificate is not None
    assert run.actions[-1].certificate.matches


def test_non_leader_refuses_get_certificate(scaled: dict[str, Any]):
    run = scaled["run"]
    run.apply({"action": f"{GATEWAY}/0 get-certificate hostname=shop.example.com"})
    assert run.actions[-1].outcome.failure == (
        "only the leader unit holds the certificates: run this on the leader"
    )
