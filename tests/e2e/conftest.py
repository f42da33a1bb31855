"""Fixtures for the whole-bundle tests: scenarios deployed on the model simulation.

Readers shared by the tests (owned_by, listeners, unit_status) live in bundlesim.views.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from bundlesim import BundleRun, Deployer


def _deployer() -> Iterator[Deployer]:
    with ExitStack() as stack:
        deployer = Deployer(stack)
        yield deployer
        for run in deployer.runs:
            assert run.kube.internal_errors == []


@pytest.fixture
def deploy() -> Iterator[Deployer]:
    """A Deployer whose runs last one test."""
    yield from _deployer()


@pytest.fixture(scope="module")
def module_deploy() -> Iterator[Deployer]:
    """A Deployer whose runs are shared by the tests of one module."""
    yield from _deployer()


@pytest.fixture(scope="module")
def default_run(module_deploy: Deployer) -> BundleRun:
    """The shipped default scenario, steps played, shared by the tests of one module."""
    return module_deploy("default")
