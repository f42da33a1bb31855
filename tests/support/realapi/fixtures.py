"""One fixture interface, two API servers: the double and a real kube-apiserver.

`api` gives a started server serving the newest Gateway API release, `api_any` one per
supported release; each is parametrized over `double` (a `KubeDouble`) and `real` (a
`RealCluster` on a kube-apiserver built from tests/realapi). Either way KUBECONFIG points at it,
so a plain `lightkube.Client()` in charm code reaches it, and the test reads the same interface.

The real cases carry the `real_apiserver` marker: `-m real_apiserver` runs only them,
`-m "not real_apiserver"` none of them. Without a Go toolchain they are skipped, saying why.
A summary at the end of the run counts, per suite, the tests that ran on each server.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lightkube
import pytest

from kubedouble.fixtures import patient_clients, started_double
from kubedouble.versions import GATEWAY_API_VERSIONS, NEWEST
from realapi.build import BuildFailed, GoMissing, ensure_built
from realapi.cluster import RealCluster
from realapi.recording import RecordingTransport
from realapi.server import RealApiServer

MARK = "real_apiserver"
SERVER_PROPERTY = "api_server"
SKIP_PROPERTY = "api_server_skipped"
SERVERS = ("double", "real")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARK}: runs against a real kube-apiserver built from tests/realapi"
    )


class ServerPool:
    """Real API servers of this test process, one per Gateway API release, started on demand."""

    def __init__(self) -> None:
        self._servers: dict[str, RealApiServer] = {}
        self._unavailable: str | None = None

    def get(self, version: str) -> RealApiServer:
        """The running server for `version`; skips the test when none can be built here."""
        if self._unavailable is not None:
            pytest.skip(self._unavailable)
        if version not in self._servers:
            try:
                build = ensure_built()
            except GoMissing as missing:
                self._unavailable = f"real kube-apiserver tier skipped: {missing}"
                pytest.skip(self._unavailable)
            except BuildFailed as failed:  # a broken build is a failure, not a skip
                pytest.fail(str(failed), pytrace=False)
            server = RealApiServer(build, version)
            server.start()
            self._servers[version] = server
        return self._servers[version]

    def stop(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


@pytest.fixture(scope="session")
def real_servers() -> Iterator[ServerPool]:
    """The process's real API servers, stopped at the end of the session."""
    pool = ServerPool()
    yield pool
    pool.stop()


def _real(
    pool: ServerPool,
    version: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[RealCluster]:
    try:
        server = pool.get(version)
    except pytest.skip.Exception as skipped:
        request.node.user_properties.append((SKIP_PROPERTY, str(skipped.msg)))
        raise
    cluster = RealCluster(server, tmp_path)
    try:
        monkeypatch.setenv("KUBECONFIG", str(cluster.kubeconfig(tmp_path / "kubeconfig")))
        _wire(monkeypatch, cluster)
        request.node.user_properties.append((SERVER_PROPERTY, f"real {cluster.version}"))
        yield cluster
    finally:
        cluster.clean()
        cluster.close()


def real_cluster(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    version: str = NEWEST,
) -> RealCluster:
    """A cluster on the real server for a wider-scoped fixture (skips where none can be built).

    Every lightkube client made while `monkeypatch` holds logs its requests; the caller cleans
    and closes the cluster.
    """
    server = request.getfixturevalue("real_servers").get(version)
    cluster = RealCluster(server, tmp_path_factory.mktemp("real"))
    _wire(monkeypatch, cluster)
    return cluster


def _wire(monkeypatch: pytest.MonkeyPatch, cluster: RealCluster) -> None:
    """No proxy for loopback; every lightkube.Client made logs its requests, and is patient."""
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(variable, "127.0.0.1,localhost")
    patient_clients(monkeypatch)
    original = lightkube.Client.__init__
    ca_file = str(cluster.server.material.ca_cert)

    def init(self: lightkube.Client, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("transport", RecordingTransport(cluster.log, ca_file))
        original(self, *args, **kwargs)

    monkeypatch.setattr(lightkube.Client, "__init__", init)


def _server(
    kind: str,
    version: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    if kind == "real":
        pool = request.getfixturevalue("real_servers")
        yield from _real(pool, version, request, tmp_path, monkeypatch)
    else:
        yield from started_double(version, tmp_path, monkeypatch, request)


def _params(versions: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(
            (kind, version),
            id=kind if len(versions) == 1 else f"{kind}-{version}",
            marks=[pytest.mark.real_apiserver] if kind == "real" else [],
        )
        for version in versions
        for kind in SERVERS
    ]


@pytest.fixture(params=_params((NEWEST,)))
def api(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A started API server (double or real) serving the newest Gateway API CRDs."""
    kind, version = request.param
    yield from _server(kind, version, request, tmp_path, monkeypatch)


@pytest.fixture(params=_params(GATEWAY_API_VERSIONS))
def api_any(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Like `api`, once per supported Gateway API release and server."""
    kind, version = request.param
    yield from _server(kind, version, request, tmp_path, monkeypatch)


# ----- the end-of-run count ---------------------------------------------------------------


def _suite(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return os.path.dirname(path) or path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Per suite, how many tests ran on each server; and the real tier's version or skip."""
    ran: dict[str, Counter[str]] = defaultdict(Counter)
    versions: set[str] = set()
    skipped: Counter[str] = Counter()
    for outcome in ("passed", "failed", "error", "skipped", "xfailed", "xpassed"):
        for report in terminalreporter.stats.get(outcome, []):
            properties = dict(getattr(report, "user_properties", ()) or ())
            if outcome == "skipped" and SKIP_PROPERTY in properties:
                if report.when == "setup":
                    skipped[str(properties[SKIP_PROPERTY])] += 1
                continue
            server = properties.get(SERVER_PROPERTY)
            if server is None or report.when != "call":
                continue
            name = "real" if str(server).startswith("real") else "double"
            if name == "real":
                versions.add(str(server).removeprefix("real "))
            ran[_suite(report.nodeid)][name] += 1
    if not ran and not skipped:
        return
    terminalreporter.section("API servers: tests run per suite")
    for suite in sorted(ran):
        counts = ran[suite]
        terminalreporter.write_line(
            f"  {suite}: real kube-apiserver {counts['real']}, API double {counts['double']}"
        )
    real = sum(c["real"] for c in ran.values())
    double = sum(c["double"] for c in ran.values())
    version = ", ".join(sorted(versions)) or "not run"
    terminalreporter.write_line(
        f"real kube-apiserver {version}: {real} tests; API double: {double} tests"
    )
    for reason, count in skipped.items():
        terminalreporter.write_line(f"SKIPPED {count} real-server tests: {reason}")
