"""The gateway's incremental reconcile equals a from-scratch one after every hook (issue 17).

A fixed seed here (`make test`); the fuzz env plays more (`tests/fuzz/test_incremental_walks.py`).
The walk and the checks are in `bundlesim.incremental`.
"""

from __future__ import annotations

import pytest

from bundlesim import Deployer
from bundlesim.incremental import play


def test_incremental_equals_scratch_after_every_hook(
    deploy: Deployer, monkeypatch: pytest.MonkeyPatch
) -> None:
    play(deploy, monkeypatch, seed=17, steps=25)
