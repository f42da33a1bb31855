"""Every charm reaches the same Kubernetes cluster; each model is a namespace in it."""

from __future__ import annotations

import os
from pathlib import Path

import lightkube
import ops
from lightkube.resources.core_v1 import Namespace

from kubedouble import KubeDouble
from modelsim import Simulation


class Cluster:
    """Records what the simulation asks of the shared cluster."""

    def __init__(self) -> None:
        self.namespaces: list[str] = []

    def ensure_namespace(self, name: str) -> None:
        if name not in self.namespaces:
            self.namespaces.append(name)

    def kubeconfig(self, path: Path) -> Path:
        path.write_text("apiVersion: v1\nkind: Config\n")
        return path


class KubeconfigReporter(ops.CharmBase):
    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.update_status, self._report)

    def _report(self, _: ops.EventBase) -> None:
        path = os.environ.get("KUBECONFIG", "")
        self.unit.status = ops.ActiveStatus(Path(path).read_text().splitlines()[1])


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

        assert str(sim.status("a").units["a/0"]) == "active: kind: Config"


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
