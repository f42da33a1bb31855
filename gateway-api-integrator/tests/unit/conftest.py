"""Shared fixtures: an ops.testing Context for the charm, a TLS provider, and a cluster.

Charm tests run the real lightkube client against the Kubernetes API double (`kube` /
`kube_any` fixtures, loaded from the root conftest), so every object the charm sends is
admitted by the real Gateway API CRD schemas and CEL rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from charmlibs.interfaces.tls_certificates import PrivateKey
from ops import testing

from charmspecs import charmcraft, context
from gateway_route import ProviderData, RequirerData, decode, encode
from kubedouble import KubeDouble
from modelsim.model import claimed_models, model_uuid, namespace_annotations
from tls_provider import REQUIRER_KEY_LABEL, TLSProvider

CHARM = "gateway-api-integrator"
APP = "gateway"
MODEL = "infra"
GATEWAY_CLASS = "cilium"
ADDRESS = "10.0.0.1"
WRITE_VERBS = ("create", "update", "patch", "apply", "delete", "deletecollection")


@pytest.fixture(scope="session")
def charm_spec() -> dict[str, Any]:
    return charmcraft(CHARM)


def new_context() -> testing.Context:
    """A Context for the trusted charm as app `gateway`; each one is a fresh pod."""
    return context(CHARM, app_name=APP)


@pytest.fixture
def ctx() -> testing.Context:
    return new_context()


@pytest.fixture
def fresh_context() -> Any:
    """`fresh_context()`: another Context, as after a pod restart or on a new leader."""
    return new_context


@pytest.fixture(scope="session")
def requirer_key() -> str:
    """The charm's TLS private key, made once: the library would generate one per test."""
    return str(PrivateKey.generate(key_size=2048))


@pytest.fixture(scope="session")
def tls() -> TLSProvider:
    """One CA for the session: key generation is the slow part."""
    return TLSProvider()


class Cluster:
    """The double seeded like a cluster with one Gateway API controller."""

    def __init__(self, kube: KubeDouble, classes: Iterable[str] = (GATEWAY_CLASS,)):
        self.kube = kube
        kube.ensure_namespace(MODEL)
        for name in classes:
            self.add_class(name)
        # The controller is running: it has accepted the classes and said what it implements.
        kube.controller.reconcile(addresses=[])

    def add_class(self, name: str) -> None:
        self.kube.seed(
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "GatewayClass",
                "metadata": {"name": name},
                "spec": {"controllerName": f"example.com/{name}"},
            }
        )

    def gateway(self) -> dict[str, Any] | None:
        return self.kube.get("Gateway", APP, MODEL)

    def listeners(self) -> dict[str, dict[str, Any]]:
        gateway = self.gateway()
        assert gateway is not None, "no Gateway"
        return {entry["name"]: entry for entry in gateway["spec"]["listeners"]}

    def secret(self, hostname: str) -> dict[str, Any] | None:
        return self.kube.get("Secret", f"{APP}-tls-{hostname}", MODEL)

    def owned(self) -> list[dict[str, Any]]:
        return self.kube.objects(labels={"gateway-api.juju.is/application": APP})

    def publish_address(self, address: str = ADDRESS) -> None:
        self.kube.controller.reconcile(addresses=[address])

    def writes(self) -> int:
        return sum(self.kube.count(verb) for verb in WRITE_VERBS)


@pytest.fixture
def cluster(api: KubeDouble) -> Cluster:
    """The newest Gateway API release, on the double and on the real kube-apiserver."""
    return Cluster(api)


@pytest.fixture
def cluster_any(api_any: KubeDouble) -> Cluster:
    """The same, once per supported Gateway API release and server."""
    return Cluster(api_any)


@pytest.fixture
def double_cluster(kube: KubeDouble) -> Cluster:
    """On the double only: for tests that inject faults or read the double's own records."""
    return Cluster(kube)


@pytest.fixture
def cluster_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """A cluster with Gateway API v1.2.1, which has no ListenerSet."""
    with KubeDouble("v1.2.1") as double:
        monkeypatch.setenv("KUBECONFIG", str(double.kubeconfig(tmp_path / "kubeconfig")))
        for variable in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(variable, "127.0.0.1,localhost")
        yield Cluster(double)
    assert not double.internal_errors, "\n".join(double.internal_errors)


class Flow:
    """Runs events like Juju would, feeding the TLS provider's answers back."""

    def __init__(
        self,
        ctx: testing.Context,
        tls: TLSProvider,
        requirer_key: str,
        kube: KubeDouble | None = None,
    ):
        self.ctx = ctx
        self.kube = kube
        """The cluster, where Juju has made each tenant's model namespace."""
        self.tls = tls
        self.key_secret = testing.Secret(
            {"private-key": requirer_key}, label=REQUIRER_KEY_LABEL, owner="app"
        )

    @staticmethod
    def route(
        relation_id: int,
        namespace: str,
        hostnames: Iterable[str] = (),
        application: str | None = None,
        remote_app: str | None = None,
    ) -> testing.Relation:
        """A gateway-route relation whose configurator asks for `hostnames` in `namespace`."""
        data = RequirerData(
            namespace=namespace,
            application=application or f"{namespace}-app",
            hostnames=list(hostnames),
        )
        return testing.Relation(
            "gateway-route",
            id=relation_id,
            remote_app_name=remote_app or f"configurator-{relation_id}",
            remote_app_data=encode(data),
            # Honest: the configurator is in the model it names (its namespace).
            remote_model_uuid=model_uuid(namespace),
        )

    @staticmethod
    def certificates(relation_id: int = 100) -> testing.Relation:
        """A certificates relation to a TLS provider that has not answered yet."""
        return testing.Relation(
            "certificates", id=relation_id, remote_app_name="self-signed-certificates"
        )

    def state(
        self,
        *relations: testing.Relation,
        leader: bool = True,
        config: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> testing.State:
        """A State in model `infra`, HTTPS not enforced unless `config` says so.

        With a certificates relation, the library's private key secret is already there.
        """
        if any(rel.endpoint == "certificates" for rel in relations):
            kwargs.setdefault("secrets", [self.key_secret])
        return testing.State(
            leader=leader,
            relations=relations,
            config={"enforce-https": False, **(config or {})},
            model=testing.Model(name=MODEL, uuid=model_uuid(MODEL)),
            **kwargs,
        )

    @staticmethod
    def with_relation(out: testing.State, relation: testing.Relation) -> testing.State:
        """`out` with one relation replaced (same id) or added."""
        others = [rel for rel in out.relations if rel.id != relation.id]
        return dataclasses.replace(out, relations=[*others, relation])

    @staticmethod
    def with_config(out: testing.State, **config: Any) -> testing.State:
        """`out` with config options changed (underscores become dashes)."""
        changes = {key.replace("_", "-"): value for key, value in config.items()}
        return dataclasses.replace(out, config={**out.config, **changes})

    def run(self, event: Any, before: testing.State) -> testing.State:
        self._models(before)
        return self.ctx.run(event, before)

    def changed(self, before: testing.State, relation_id: int | None = None) -> testing.State:
        """Run relation-changed on one relation (config-changed when none given)."""
        if relation_id is None:
            return self.run(self.ctx.on.config_changed(), before)
        return self.run(self.ctx.on.relation_changed(before.get_relation(relation_id)), before)

    def _models(self, state: testing.State) -> None:
        """Juju made the namespace of every tenant's model before the tenant could relate."""
        if self.kube is not None:
            for model in claimed_models(state.relations):
                self.kube.ensure_namespace(model, namespace_annotations(model))

    def certify(self, before: testing.State, relation_id: int = 100) -> testing.State:
        """Let the provider answer our CSRs, then deliver its answer (relation-changed)."""
        relation = before.get_relation(relation_id)
        assert isinstance(relation, testing.Relation)
        answered = dataclasses.replace(
            relation, remote_app_data=self.tls.answer(relation.local_app_data)
        )
        return self.changed(self.with_relation(before, answered), relation_id)

    def with_certificates(self, before: testing.State, relation_id: int = 100) -> testing.State:
        """From a state holding a fresh certificates relation: CSRs sent, then certified."""
        requested = self.changed(before, relation_id)
        return self.certify(requested, relation_id)


@pytest.fixture
def flow(
    ctx: testing.Context, tls: TLSProvider, requirer_key: str, request: pytest.FixtureRequest
) -> Flow:
    """The flow, on whichever cluster the test uses."""
    kube = next(
        (
            request.getfixturevalue(name).kube
            for name in ("cluster_old", "cluster_any", "cluster", "double_cluster")
            if name in request.fixturenames
        ),
        request.getfixturevalue("kube") if "kube" in request.fixturenames else None,
    )
    return Flow(ctx, tls, requirer_key, kube)


def answer_of(out: testing.State, relation_id: int) -> ProviderData:
    """The gateway's answer on one gateway-route relation (fails when absent or invalid)."""
    relation = out.get_relation(relation_id)
    assert isinstance(relation, testing.Relation)
    data = decode(ProviderData, relation.local_app_data)
    assert isinstance(data, ProviderData), f"no valid answer on relation {relation_id}: {data}"
    return data


@pytest.fixture
def answer() -> Any:
    """`answer(out, relation_id)`: the decoded ProviderData on that relation."""
    return answer_of
