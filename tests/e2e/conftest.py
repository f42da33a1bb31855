"""Fixtures for the whole-bundle tests: scenarios deployed on the model simulation.

Readers shared by the tests (owned_by, listeners, unit_status) live in bundlesim.views.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from bundlesim import BundleRun, Deployer
from realapi.fixtures import SERVER_PROPERTY, real_cluster


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


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("double", id="double"),
        pytest.param("real", id="real", marks=pytest.mark.real_apiserver),
    ],
)
def default_run(
    module_deploy: Deployer,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BundleRun]:
    """The shipped default scenario, steps played, shared by the tests of one module.

    Once on the API double and once on the real kube-apiserver (the controller's status written
    through the real API by the same rules), so the whole bundle is judged by the real server's
    admission, server-side apply and RBAC too.
    """
    if request.param == "double":
        yield module_deploy("default")
        return
    with pytest.MonkeyPatch.context() as patch:
        cluster = real_cluster(request, tmp_path_factory, patch)
        try:
            yield module_deploy("default", kube=cluster)
        finally:
            cluster.clean()
            cluster.close()


@pytest.fixture(autouse=True)
def _count_the_server(request: pytest.FixtureRequest) -> None:
    """Count default_run's tests per server in the end-of-run summary."""
    callspec = getattr(request.node, "callspec", None)
    server = callspec.params.get("default_run") if callspec is not None else None
    if server == "real":
        request.node.user_properties.append((SERVER_PROPERTY, "real v1.36.3"))
    elif server == "double":
        request.node.user_properties.append((SERVER_PROPERTY, "double"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The controller matrix's counts, when it ran (tests/e2e/test_controller_matrix.py)."""
    module = sys.modules.get("test_controller_matrix") or sys.modules.get(
        "tests.e2e.test_controller_matrix"
    )
    tally = getattr(module, "TALLY", None)
    if not tally:
        return
    terminalreporter.section("controller matrix")
    terminalreporter.write_line(
        ", ".join(f"{key} {value}" for key, value in sorted(tally.items()))
    )
