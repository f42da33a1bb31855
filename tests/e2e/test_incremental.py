"""The gateway's incremental reconcile equals a from-scratch one after every hook (issue 17).

A fixed seed here (`make test`); the fuzz env plays more (`tests/fuzz/test_incremental_walks.py`).
The walk and the checks are in `bundlesim.incremental`.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from bundlesim import Deployer, parse_scenario, unit_status
from bundlesim.incremental import (
    GATEWAY,
    ScratchCheck,
    play,
    settled_check,
    skipped_hooks,
    walk_bundle,
)
from integrator import observe as observe_module
from integrator.memory import FULL_PASS


def test_incremental_equals_scratch_after_every_hook(
    deploy: Deployer, monkeypatch: pytest.MonkeyPatch
) -> None:
    play(deploy, monkeypatch, seed=17, steps=25)


def test_a_skipped_hook_is_caught_up_by_the_hourly_full_read(
    deploy: Deployer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`juju resolved --no-retry` drops a hook and all it would have kept; FULL_PASS bounds it.

    The leader's certificates relation-changed carrying a revocation is skipped. Until the next
    full read the leader serves what it remembers (the settled check sees the difference, so
    it can fail); the first update-status an hour on reads everything and catches up.
    """
    run = deploy.run(parse_scenario(walk_bundle(), "skipped"))
    leader = run.sim.apps[GATEWAY].leader
    assert leader is not None
    with skipped_hooks(monkeypatch, leader, "relation-changed", "certificates") as skipped:
        run._tls_change(None, "shop.example.com")  # the provider revokes it
        run.sim.settle()
    assert skipped
    run.sim.update_status(GATEWAY)
    run.sim.settle()
    stale = ScratchCheck()
    settled_check(run, stale)
    assert stale.mismatches, "the leader read the certificates relation without a reason"
    clock = time.time() + FULL_PASS.total_seconds()
    monkeypatch.setattr(observe_module, "time", SimpleNamespace(time=lambda: clock))
    run.sim.update_status(GATEWAY)
    run.sim.settle()
    caught_up = ScratchCheck()
    settled_check(run, caught_up)
    assert caught_up.mismatches == []
    assert "revoked" in unit_status(run, leader)
