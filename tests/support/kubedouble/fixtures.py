"""pytest fixtures: a started KubeDouble per test, reachable by a plain `lightkube.Client()`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import lightkube
import pytest

from kubedouble.double import CLIENT_TIMEOUT_S, KubeDouble
from kubedouble.versions import GATEWAY_API_VERSIONS, NEWEST


def pytest_configure(config: pytest.Config) -> None:
    """Give the charms' clients (kube_apply.connect) the tests' generous timeout.

    lightkube's 10 s is right for a hook on a real cluster, but on a loaded test machine a
    slow answer is not a failure of the code under test. Set before any test runs, so doubles
    made outside these fixtures (scenarios, fuzzing, the model simulation) are covered too.
    """
    del config
    os.environ.setdefault("KUBE_APPLY_TIMEOUT", str(CLIENT_TIMEOUT_S))


def patient_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every lightkube.Client a test makes waits CLIENT_TIMEOUT_S unless told otherwise.

    lightkube's own default is 10 s, which a busy 2-core machine can exceed: a client timeout
    must never be what fails a test under load. Clients given a timeout keep theirs.
    """
    original = lightkube.Client.__init__

    def init(self: lightkube.Client, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", httpx2.Timeout(CLIENT_TIMEOUT_S))
        original(self, *args, **kwargs)

    monkeypatch.setattr(lightkube.Client, "__init__", init)


def started_double(
    version: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest | None = None,
) -> Iterator[KubeDouble]:
    """Start a double, point KUBECONFIG at it, and check at the end it never crashed."""
    if request is not None:  # counted by the end-of-run summary (realapi.fixtures)
        request.node.user_properties.append(("api_server", "double"))
    double = KubeDouble(version)
    double.start()
    try:
        patient_clients(monkeypatch)
        monkeypatch.setenv("KUBECONFIG", str(double.kubeconfig(tmp_path / "kubeconfig")))
        # A proxy from the environment must not swallow requests to 127.0.0.1.
        for variable in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(variable, "127.0.0.1,localhost")
        yield double
    finally:
        double.stop()
    assert not double.internal_errors, "the KubeDouble failed internally:\n" + "\n".join(
        double.internal_errors
    )


@pytest.fixture
def kube(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KubeDouble]:
    """A started double serving the newest Gateway API CRDs; KUBECONFIG points at it."""
    yield from started_double(NEWEST, tmp_path, monkeypatch, request)


@pytest.fixture(params=GATEWAY_API_VERSIONS)
def kube_any(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KubeDouble]:
    """Like `kube`, once per supported Gateway API release (`kubedouble.versions`)."""
    yield from started_double(request.param, tmp_path, monkeypatch, request)
