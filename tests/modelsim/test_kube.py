"""Every charm reaches one Kubernetes cluster as its own application; a model is a namespace."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import lightkube
import ops
from lightkube import ApiError
from lightkube.resources.core_v1 import Namespace, Secret

from kubedouble import KubeDouble
from modelsim import Simulation


@dataclasses.dataclass
class Account:
    token: str
    trusted: bool


class Cluster:
    """Records what the simulation asks of the shared cluster."""

    def __init__(self) -> None:
        self.namespaces: list[str] = []
        self.accounts: dict[tuple[str, str], Account] = {}
        self.stored: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.replicas: list[tuple[str, int | None]] = []  # StatefulSet name, replicas (None: gone)

    def ensure_namespace(self, name: str, annotations: Mapping[str, str] | None = None) -> None:
        if name not in self.namespaces:
            self.namespaces.append(name)

    def kubeconfig(self, path: Path, token: str) -> Path:
        path.write_text(f"apiVersion: v1\nkind: Config\n# {token}\n")
        return path

    def service_account(self, namespace: str, name: str, *, trusted: bool) -> Account:
        account = self.accounts.setdefault(
            (namespace, name), Account(f"{namespace}/{name}", False)
        )
        account.trusted = trusted
        return account

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        found = self.stored.get((kind, namespace or "default", name))
        return copy.deepcopy(found)

    def seed(self, obj: Any) -> dict[str, Any]:
        return self.replace(obj)

    def replace(self, obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj["metadata"]
        self.stored[(obj["kind"], meta["namespace"], meta["name"])] = copy.deepcopy(obj)
        self.replicas.append((meta["name"], obj["spec"]["replicas"]))
        return obj

    def remove(self, kind: str, name: str, namespace: str | None = None) -> None:
        if self.stored.pop((kind, namespace or "default", name), None) is not None:
            self.replicas.append((name, None))


class KubeconfigReporter(ops.CharmBase):
    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.update_status, self._report)

    def _report(self, _: ops.EventBase) -> None:
        path = os.environ.get("KUBECONFIG", "")
        self.unit.status = ops.ActiveStatus(" ".join(Path(path).read_text().splitlines()[1:]))


def test_each_model_gets_its_namespace_once() -> None:
    cluster = Cluster()
    sim = Simulation(kube=cluster)

    for name, model in (("a", "infra"), ("b", "apps"), ("c", "infra")):
        sim.add_app(name, KubeconfigReporter, {"name": name}, model=model)

    assert cluster.namespaces == ["infra", "apps"]


def test_charms_run_with_kubeconfig_pointing_at_the_shared_cluster() -> None:
    with Simulation(kube=Cluster()) as sim:
        sim.add_app("a", KubeconfigReporter, {"name": "a"})
        sim.update_status("a")

        assert str(sim.status("a").units["a/0"]) == "active: kind: Config # default/a"


def test_kubeconfig_is_restored_after_each_run(monkeypatch) -> None:
    monkeypatch.setenv("KUBECONFIG", "/elsewhere")
    with Simulation(kube=Cluster()) as sim:
        sim.add_app("a", KubeconfigReporter, {"name": "a"})
        sim.update_status("a")

    assert os.environ["KUBECONFIG"] == "/elsewhere"


class NamespaceReader(ops.CharmBase):
    """Reads its own model's namespace with a plain lightkube.Client(), as the charms do."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.update_status, self._report)

    def _report(self, _: ops.EventBase) -> None:
        namespace = lightkube.Client().get(Namespace, name=self.model.name)
        assert namespace.metadata is not None
        self.unit.status = ops.ActiveStatus(f"namespace {namespace.metadata.name}")


def test_charms_reach_the_api_double_in_their_model_namespace() -> None:
    with KubeDouble(gateway_api_version=None) as kube, Simulation(kube=kube) as sim:
        sim.add_app("a", NamespaceReader, {"name": "a"}, model="tenant-a")
        sim.update_status("a")

        assert str(sim.status("a").units["a/0"]) == "active: namespace tenant-a"


def test_each_application_authenticates_as_itself() -> None:
    cluster = Cluster()
    with Simulation(kube=cluster) as sim:
        sim.add_app("a", KubeconfigReporter, {"name": "a"}, model="infra", units=2)
        sim.add_app("b", KubeconfigReporter, {"name": "b"}, model="shop", trusted=False)
        sim.update_status()

        assert str(sim.status("a").units["a/1"]).endswith("# infra/a")
        assert str(sim.status("b").units["b/0"]).endswith("# shop/b")
    assert cluster.accounts == {
        ("infra", "a"): Account("infra/a", True),
        ("shop", "b"): Account("shop/b", False),
    }


def test_trust_regrants_and_fires_config_changed_once() -> None:
    cluster = Cluster()
    with Simulation(kube=cluster) as sim:
        sim.add_app("a", KubeconfigReporter, {"name": "a"}, trusted=False)
        before = len(sim.events("a/0"))
        sim.trust("a")
        sim.trust("a")  # no change: Juju fires nothing

        assert sim.events("a/0")[before:] == ["a/0: config-changed"]
        assert cluster.accounts[("default", "a")].trusted
        sim.trust("a", trusted=False)
        assert not cluster.accounts[("default", "a")].trusted


class SecretLister(ops.CharmBase):
    """Lists Secrets in its namespace with a plain lightkube.Client(), as the charms do."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.config_changed, self._report)
        framework.observe(self.on.update_status, self._report)

    def _report(self, _: ops.EventBase) -> None:
        try:
            found = list(lightkube.Client().list(Secret, namespace=self.model.name))
        except ApiError as error:
            self.unit.status = ops.BlockedStatus(error.status.message or "")
            return
        self.unit.status = ops.ActiveStatus(f"{len(found)} secrets")


def test_untrusted_application_is_refused_until_trusted() -> None:
    with KubeDouble(gateway_api_version=None) as kube, Simulation(kube=kube) as sim:
        sim.add_app("a", SecretLister, {"name": "a"}, model="shop", trusted=False)

        assert str(sim.status("a").units["a/0"]) == (
            'blocked: secrets is forbidden: User "system:serviceaccount:shop:a" cannot list '
            'resource "secrets" in API group "" in the namespace "shop"'
        )
        sim.trust("a")
        assert str(sim.status("a").units["a/0"]) == "active: 0 secrets"


def test_trusted_applications_are_unchanged() -> None:
    with KubeDouble(gateway_api_version=None) as kube, Simulation(kube=kube) as sim:
        sim.add_app("a", SecretLister, {"name": "a"}, model="shop")

        assert str(sim.status("a").units["a/0"]) == "active: 0 secrets"
        assert {r.user for r in kube.requests} == {"system:serviceaccount:shop:a"}


def test_juju_scales_the_statefulset_after_teardown_and_deletes_it_after_removal() -> None:
    """Scaled once the leaving units are dead; on removal, then deleted."""
    cluster = Cluster()
    with Simulation(kube=cluster) as sim:
        sim.add_app("a", KubeconfigReporter, {"name": "a"}, units=2)
        sim.scale("a", 0)
        sim.scale("a", 1)
        sim.remove_app("a")

    assert cluster.replicas == [("a", 2), ("a", 0), ("a", 1), ("a", 0), ("a", None)]
    assert cluster.get("StatefulSet", "a") is None
