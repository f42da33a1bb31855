"""More random walks for the incremental-vs-scratch check (`tests/e2e/test_incremental.py`).

`make test` (profile fuzz-sample) plays two fixed seeds; `tox -e fuzz` plays WALKS random ones
(each seed is printed on failure, so a failing walk can be replayed).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from bundlesim import Deployer
from bundlesim.incremental import play
from fuzzdata import profiles

WALKS = 12
"""Random walks per `tox -e fuzz` run (about 15 s each on 2 CPUs)."""


def _seeds() -> list[int]:
    if profiles.name() == profiles.FULL:
        return [random.SystemRandom().randrange(1 << 30) for _ in range(WALKS)]
    return [3, 1017]


@pytest.fixture
def deploy() -> Iterator[Deployer]:
    with ExitStack() as stack:
        deployer = Deployer(stack)
        yield deployer
        for run in deployer.runs:
            assert run.kube.internal_errors == []


@pytest.mark.parametrize("seed", _seeds())
def test_incremental_equals_scratch_on_a_random_walk(
    deploy: Deployer, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    play(deploy, monkeypatch, seed=seed, steps=30)
