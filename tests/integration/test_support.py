"""The suite's own helpers, which run without a controller: skip reasons and gateway HTTP."""

import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from gateway_http import get
from prerequisites import CHARMS, missing, packed_charm

CONTROLLERS = '{"controllers": {"k8s": {}}, "current-controller": "k8s"}'


def _juju(*answers: tuple[int, str, str]):
    """A fake `run` answering `juju controllers`, then `juju models`."""
    queue = list(answers)

    def run(_command: Sequence[str]) -> tuple[int, str, str]:
        return queue.pop(0)

    return run


def _packed(root: Path) -> Path:
    for charm in CHARMS:
        (root / charm).mkdir()
        (root / charm / f"{charm}_amd64.charm").write_bytes(b"PK")
    return root


def _reason(root: Path, *, which=lambda _name: "/snap/bin/juju", run=None, kube=None) -> str:
    return str(
        missing(
            importable=lambda _module: True,
            which=which,
            run=run or _juju((0, CONTROLLERS, ""), (0, "{}", "")),
            root=root,
            environ={},
            kubeconfig_problem=lambda: kube,
        )
    )


def test_nothing_is_missing_with_binary_controller_charms_and_credentials(tmp_path: Path):
    assert (
        missing(
            importable=lambda _module: True,
            which=lambda _name: "/snap/bin/juju",
            run=_juju((0, CONTROLLERS, ""), (0, "{}", "")),
            root=_packed(tmp_path),
            environ={},
            kubeconfig_problem=lambda: None,
        )
        is None
    )


def test_reason_names_the_missing_juju_binary(tmp_path: Path):
    assert "no `juju` binary on PATH" in _reason(_packed(tmp_path), which=lambda _name: None)


def test_reason_names_a_missing_controller(tmp_path: Path):
    run = _juju((0, '{"controllers": {}}', ""))
    assert "no current Juju controller" in _reason(_packed(tmp_path), run=run)


def test_reason_names_an_unreachable_controller_and_its_error(tmp_path: Path):
    run = _juju((0, CONTROLLERS, ""), (1, "", "ERROR connection refused\n"))
    reason = _reason(_packed(tmp_path), run=run)
    assert "Juju controller 'k8s' is not reachable: ERROR connection refused" in reason


@pytest.mark.parametrize("charm", CHARMS)
def test_reason_names_each_unpacked_charm_and_how_to_pack_it(tmp_path: Path, charm: str):
    _packed(tmp_path)
    (tmp_path / charm / f"{charm}_amd64.charm").unlink()
    reason = _reason(tmp_path)
    assert f"no packed charm {charm}/{charm}_*.charm: run `make pack`" in reason


def test_reason_names_missing_kubernetes_credentials(tmp_path: Path):
    assert "set KUBECONFIG" in _reason(_packed(tmp_path), kube="set KUBECONFIG")


def test_reason_names_missing_jubilant(tmp_path: Path):
    reason = missing(
        importable=lambda module: module != "jubilant",
        which=lambda _name: "/snap/bin/juju",
        run=_juju((0, CONTROLLERS, ""), (0, "{}", "")),
        root=_packed(tmp_path),
        environ={},
        kubeconfig_problem=lambda: None,
    )
    assert reason == "jubilant is not installed: run the suite with `tox -e integration`"


def test_charm_path_from_the_environment_wins(tmp_path: Path):
    packed = tmp_path / "elsewhere.charm"
    packed.write_bytes(b"PK")
    environ = {"GATEWAY_API_INTEGRATOR_CHARM": str(packed)}
    assert packed_charm("gateway-api-integrator", tmp_path, environ) == packed.resolve()


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"{self.headers['Host']} {self.path}".encode()
        self.send_response(301 if self.path == "/moved" else 200)
        self.send_header("Location", "https://example.test/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_request_goes_to_the_address_with_the_hostname_as_host(echo: int):
    answer = get("127.0.0.1", "app.example.test", "/x/y", port=echo)
    assert (answer.status, answer.body) == (200, b"app.example.test /x/y")


def test_redirects_are_returned_not_followed(echo: int):
    answer = get("127.0.0.1", "app.example.test", "/moved", port=echo)
    assert (answer.status, answer.headers["location"]) == (301, "https://example.test/")
