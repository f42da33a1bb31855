"""One real kube-apiserver (with embedded etcd) on 127.0.0.1, its CRDs installed and Established.

Started from the binary `realapi.build` makes; one per Gateway API release per test process
(pytest-xdist workers each start their own: ports, folders and tokens are never shared).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
import lightkube
import yaml
from lightkube.config.kubeconfig import KubeConfig
from lightkube.config.models import Cluster, User
from lightkube.generic_resource import create_global_resource, create_namespaced_resource
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition

from kubedouble.validation import crd_dir
from realapi import certs
from realapi.build import Build

ADMIN = "realapi-admin"
STARTUP_LIMIT_S = 180.0  # bounds a hang; a loaded machine takes far less (4 s idle)
CLIENT_TIMEOUT_S = 300.0
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StartFailed(RuntimeError):
    """The server did not come up; the message ends with its log."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RealApiServer:
    """kube-apiserver `build.kubernetes_version` serving Gateway API `gateway_api_version`."""

    def __init__(self, build: Build, gateway_api_version: str | None) -> None:
        self.build = build
        self.gateway_api_version = gateway_api_version
        self.folder = Path(tempfile.mkdtemp(prefix="realapi-"))
        self.material = certs.generate(self.folder / "pki")
        self.admin_token = secrets.token_hex(16)
        self.port = 0
        self.version: dict[str, Any] = {}
        self.crds: list[dict[str, Any]] = []
        self._process: subprocess.Popen[bytes] | None = None
        self._log = self.folder / "apiserver.log"

    @property
    def url(self) -> str:
        """https://127.0.0.1:<port>."""
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start, wait for /readyz, install the release's CRDs and wait for them."""
        for attempt in range(3):  # the free port may be taken between choosing and binding
            self.port = _free_port()
            self._spawn(attempt)
            if self._wait_ready():
                break
            self._terminate()
        else:
            raise StartFailed(f"kube-apiserver did not become ready:\n{self._tail()}")
        admin = self.admin_client()
        with self._http() as http:
            self.version = http.get("/version").json()
        if self.gateway_api_version:
            self._install_crds(admin)

    def _spawn(self, attempt: int) -> None:
        tokens = self.folder / "tokens.csv"
        tokens.write_text(f'{self.admin_token},{ADMIN},{ADMIN},"system:masters"\n')
        etcd = self.folder / f"etcd-{attempt}"
        args = [
            str(self.build.binary),
            "--etcd-dir",
            str(etcd),
            "--",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={self.port}",
            f"--cert-dir={self.folder / 'generated'}",
            f"--tls-cert-file={self.material.serving_cert}",
            f"--tls-private-key-file={self.material.serving_key}",
            f"--token-auth-file={tokens}",
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc",
            f"--service-account-key-file={self.material.sa_public}",
            f"--service-account-signing-key-file={self.material.sa_private}",
            "--service-cluster-ip-range=10.96.0.0/16",
            "--v=1",
        ]
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - one prctl() call, no locks taken
            )

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            with contextlib.suppress(httpx2.HTTPError), self._http() as http:
                if http.get("/readyz", timeout=5).status_code == 200:
                    return True
            time.sleep(0.2)
        return False

    def _install_crds(self, admin: lightkube.Client) -> None:
        assert self.gateway_api_version is not None
        folder = crd_dir(self.gateway_api_version)
        for file in sorted(folder.glob("*.yaml")):
            for doc in yaml.load_all(file.read_text(encoding="utf-8"), Loader=_LOADER):
                if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                    doc.get("metadata", {}).pop("creationTimestamp", None)
                    doc.pop("status", None)
                    admin.create(CustomResourceDefinition.from_dict(doc))  # type: ignore[call-overload]
                    self.crds.append(doc)
                    _register(doc)
        deadline = time.monotonic() + STARTUP_LIMIT_S
        pending = {doc["metadata"]["name"] for doc in self.crds}
        while pending and time.monotonic() < deadline:
            for name in sorted(pending):
                crd = admin.get(CustomResourceDefinition, name)
                conditions = (crd.status.conditions if crd.status else None) or []
                if any(c.type == "Established" and c.status == "True" for c in conditions):
                    pending.discard(name)
            if pending:
                time.sleep(0.1)
        if pending:
            raise StartFailed(f"CRDs never Established: {sorted(pending)}\n{self._tail()}")
        # Established is not yet served: each kind's storage answers 429 "storage is
        # (re)initializing" until its watch cache is ready. Wait until every kind lists.
        for doc in self.crds:
            spec = doc["spec"]
            for version in spec["versions"]:
                if version.get("served", True):
                    self._wait_listable(
                        f"/apis/{spec['group']}/{version['name']}/{spec['names']['plural']}"
                    )

    def _wait_listable(self, path: str) -> None:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx2.HTTPError), self._http() as http:
                if http.get(path).status_code == 200:
                    return
            time.sleep(0.1)
        raise StartFailed(f"{path} never became listable\n{self._tail()}")

    def _http(self) -> httpx2.Client:
        return httpx2.Client(
            base_url=self.url,
            verify=ssl.create_default_context(cafile=str(self.material.ca_cert)),
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=CLIENT_TIMEOUT_S,
            trust_env=False,
        )

    def kubeconfig(self, token: str, namespace: str = "default") -> dict[str, Any]:
        """A kubeconfig for `token`, verifying the serving certificate against our CA."""
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": "realapi",
                    "cluster": {
                        "server": self.url,
                        "certificate-authority": str(self.material.ca_cert),
                    },
                }
            ],
            "users": [{"name": "realapi", "user": {"token": token}}],
            "contexts": [
                {
                    "name": "realapi",
                    "context": {"cluster": "realapi", "user": "realapi", "namespace": namespace},
                }
            ],
            "current-context": "realapi",
        }

    def admin_client(self, field_manager: str | None = None, **kwargs: Any) -> lightkube.Client:
        """A system:masters client (the test's own hands: seeding, reading back, cleaning)."""
        config = KubeConfig.from_one(
            cluster=Cluster(server=self.url, certificate_auth=str(self.material.ca_cert)),
            user=User(token=self.admin_token),
        )
        return lightkube.Client(
            config=config,
            field_manager=field_manager,
            trust_env=False,
            timeout=httpx2.Timeout(CLIENT_TIMEOUT_S),
            **kwargs,
        )

    def stop(self) -> None:
        """Stop the process and delete its folder (etcd data, keys, log)."""
        self._terminate()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _terminate(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def _tail(self) -> str:
        try:
            return self._log.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"


def _die_with_parent() -> None:
    # Linux: the server gets SIGTERM when the test process dies, however it dies, so a killed
    # run leaves no kube-apiserver behind.
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _register(crd: dict[str, Any]) -> None:
    # lightkube needs a class per kind to (de)serialise; kube_apply registers the ones the
    # charms use, this the rest (the same call is idempotent for a known kind).
    spec = crd["spec"]
    names = spec["names"]
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        make = (
            create_namespaced_resource if spec["scope"] == "Namespaced" else create_global_resource
        )
        make(spec["group"], version["name"], names["kind"], names["plural"])
