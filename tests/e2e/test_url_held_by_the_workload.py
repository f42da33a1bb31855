"""The URL a workload holds, as the real ingress library holds it, is served after every hook.

The de-facto requirer library keeps the last URL it was given until the relation ends and sees
no withdrawal (`bundlesim.standins.LibraryRequirer` behaves so). So through the changes the
charms make on their own account (a new hostname, new paths, the gateway's leader moving, the
gateway's configuration changing) the URL the workload holds must keep carrying its traffic:
it may be stale for at most one hook in a row, never longer. "Carrying" is judged by
`bundlesim.dataplane` from what the controller reported.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from bundlesim import BundleRun, Deployer
from bundlesim.dataplane import flows
from bundlesim.standins import LibraryRequirer

STEPS = [
    {"config": {"shop-route": {"hostname": "store.example.com"}}},
    {"config": {"shop-route": {"paths": "/"}}},
    {"config": {"blog-route": {"hostname": "journal.example.com"}}},
    {"scale": {"gateway-api-integrator": 2}},
    {"leader": "gateway-api-integrator/1"},
    {"config": {"gateway-api-integrator": {"hsts-max-age": 60}}},
]


def _flowing(run: BundleRun, workload: str, url: str | None) -> bool:
    if url is None:
        return False
    parts = urlsplit(url)
    return (parts.scheme, parts.hostname) in flows(run.kube).get(workload, set())


@pytest.fixture(scope="module")
def watched(module_deploy: Deployer) -> dict[str, Any]:
    run = module_deploy("default")
    workloads = {name: w for name, w in run.workloads.items() if isinstance(w, LibraryRequirer)}
    streaks = dict.fromkeys(workloads, 0)
    worst = dict.fromkeys(workloads, 0)
    seen: list[str] = []
    original = run.sim._record

    def record(target: str, event: str, *args: Any, **kwargs: Any) -> None:
        original(target, event, *args, **kwargs)
        seen.append(f"{target} {event}")
        if event == "participant":
            return  # recorded before a stand-in reads its relation: judged at the next hook
        for name, workload in workloads.items():
            stale = not _flowing(run, name, workload.held)
            streaks[name] = streaks[name] + 1 if stale else 0
            worst[name] = max(worst[name], streaks[name])

    run.sim._record = record  # type: ignore[method-assign]
    try:
        for step in STEPS:
            run.apply(step)
    finally:
        run.sim._record = original  # type: ignore[method-assign]
    return {"run": run, "workloads": workloads, "worst": worst, "hooks": seen}


def test_the_workloads_behave_like_the_library(watched):
    assert set(watched["workloads"]) == {"shop", "blog"}
    assert len(watched["hooks"]) > 20


def test_a_held_url_is_never_stale_for_more_than_one_hook(watched):
    # One hook: the configurator's hook after it published the new URL may drop the old
    # hostname before the workload's own relation-changed has read the new URL.
    assert max(watched["worst"].values()) <= 1, watched["worst"]


def test_the_new_hostnames_reach_the_workloads(watched):
    workloads = watched["workloads"]
    assert workloads["shop"].held == "https://store.example.com/"
    assert workloads["blog"].held == "https://journal.example.com/"
    run = watched["run"]
    assert _flowing(run, "shop", workloads["shop"].held)
    assert _flowing(run, "blog", workloads["blog"].held)


def test_the_old_hostnames_are_released_once_the_new_ones_flow(watched):
    run = watched["run"]
    hostnames = {
        h
        for route in run.kube.objects("HTTPRoute", namespace="shop")
        for h in route["spec"].get("hostnames") or []
    }
    assert hostnames == {"store.example.com"}
