"""Rigs for the security suites: each charm under ops.testing against the Kubernetes API double.

The suites count what they prove (hijack attempts refused, leaks found) in `TALLY`; the counts
are printed in pytest's terminal summary so a plain `pytest tests/security` shows them.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest
from charmlibs.interfaces.tls_certificates import PrivateKey
from ops import testing

from charmspecs import context
from gateway_route import Accepted, ParentRef, ProviderData, RequirerData, encode
from kubedouble import KubeDouble
from modelsim.model import claimed_models, model_uuid, namespace_annotations
from tls_provider import REQUIRER_KEY_LABEL, TLSProvider

WRITE_VERBS = frozenset({"create", "update", "patch", "apply", "delete", "deletecollection"})
GATEWAY_CLASS = "cilium"

TALLY: Counter[str] = Counter()
"""Counts printed at the end of the run: what each suite tried and what held."""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the suites' counts (only for the suites that ran)."""
    if not TALLY:
        return
    terminalreporter.section("security counts")
    for line in sorted(TALLY):
        terminalreporter.write_line(f"{line} = {TALLY[line]}")


def _writes_to(kube: KubeDouble, kind: str, namespace: str | None, name: str) -> list[str]:
    """Every write request the double saw on one object (its status subresource included)."""
    return [
        f"{record.verb} {record.kind} {record.namespace}/{record.name} -> {record.status}"
        for record in kube.requests
        if record.verb in WRITE_VERBS
        and record.kind == kind
        and record.name == name
        and (record.namespace or None) == namespace
    ] + [
        # A collection delete has no name but would take the object with it.
        f"deletecollection {record.kind} {record.namespace} {record.query}"
        for record in kube.requests
        if record.verb == "deletecollection" and record.kind == kind
    ]


# ----- gateway-api-integrator ----------------------------------------------------------------

GATEWAY_APP = "gateway"
GATEWAY_MODEL = "infra"


@pytest.fixture(scope="session")
def requirer_key() -> str:
    """The gateway's TLS private key, made once (the library would make one per test)."""
    return str(PrivateKey.generate(key_size=2048))


@pytest.fixture(scope="session")
def tls() -> TLSProvider:
    """One CA for the session (key generation is the slow part)."""
    return TLSProvider()


@dataclasses.dataclass
class GatewayRig:
    """gateway-api-integrator as app `gateway` in model `infra`, with a TLS provider."""

    kube: KubeDouble
    tls: TLSProvider
    requirer_key: str = dataclasses.field(repr=False)  # kept out of failure reports
    ctx: testing.Context = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.ctx = context("gateway-api-integrator", app_name=GATEWAY_APP)
        self.kube.ensure_namespace(GATEWAY_MODEL)
        if self.kube.get("GatewayClass", GATEWAY_CLASS) is None:
            self.kube.seed(
                {
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": GATEWAY_CLASS},
                    "spec": {"controllerName": f"example.com/{GATEWAY_CLASS}"},
                }
            )

    @staticmethod
    def route(
        relation_id: int,
        data: dict[str, str],
        remote_app: str | None = None,
        model: str | None = None,
    ) -> testing.Relation:
        """A gateway-route relation whose configurator wrote `data` (wire form).

        `model`: the model Juju says it is in; by default the one its data names (honest).
        """
        claimed = json.loads(data.get("namespace", "null")) if "namespace" in data else None
        home = model or (claimed if isinstance(claimed, str) else "elsewhere")
        return testing.Relation(
            "gateway-route",
            id=relation_id,
            remote_app_name=remote_app or f"configurator-{relation_id}",
            remote_app_data=data,
            remote_model_uuid=model_uuid(home),
        )

    @staticmethod
    def request(namespace: str, hostnames: Iterable[str], application: str) -> dict[str, str]:
        """What an honest configurator writes."""
        return encode(
            RequirerData(namespace=namespace, application=application, hostnames=list(hostnames))
        )

    @staticmethod
    def certificates(relation_id: int = 100) -> testing.Relation:
        return testing.Relation(
            "certificates", id=relation_id, remote_app_name="self-signed-certificates"
        )

    def state(self, *relations: testing.Relation, config: dict[str, Any] | None = None):
        """Leader of `gateway` in `infra`; the library's key secret exists when related."""
        secrets = []
        if any(rel.endpoint == "certificates" for rel in relations):
            secrets.append(
                testing.Secret(
                    {"private-key": self.requirer_key}, label=REQUIRER_KEY_LABEL, owner="app"
                )
            )
        return testing.State(
            leader=True,
            relations=relations,
            config={"enforce-https": False, **(config or {})},
            model=testing.Model(name=GATEWAY_MODEL),
            secrets=secrets,
        )

    @staticmethod
    def replaced(out: testing.State, relation: testing.Relation) -> testing.State:
        others = [rel for rel in out.relations if rel.id != relation.id]
        return dataclasses.replace(out, relations=[*others, relation])

    def changed(self, before: testing.State, relation_id: int) -> testing.State:
        relation = before.get_relation(relation_id)
        for model in claimed_models(before.relations):  # Juju made every model's namespace
            self.kube.ensure_namespace(model, namespace_annotations(model))
        return self.ctx.run(self.ctx.on.relation_changed(relation), before)

    def certify(self, before: testing.State, relation_id: int = 100) -> testing.State:
        """Send the CSRs (relation-changed), let the CA answer, deliver the answer."""
        requested = self.changed(before, relation_id)
        relation = requested.get_relation(relation_id)
        assert isinstance(relation, testing.Relation)
        answered = dataclasses.replace(
            relation, remote_app_data=self.tls.answer(relation.local_app_data)
        )
        return self.changed(self.replaced(requested, answered), relation_id)

    def answer(self, out: testing.State, relation_id: int) -> dict[str, str]:
        relation = out.get_relation(relation_id)
        assert isinstance(relation, testing.Relation)
        return dict(relation.local_app_data)


@pytest.fixture
def gateway_rig(kube: KubeDouble, tls: TLSProvider, requirer_key: str) -> GatewayRig:
    return GatewayRig(kube, tls, requirer_key)


# ----- gateway-route-configurator ------------------------------------------------------------

ROUTE_APP = "gateway-route-configurator"
EDGE = "edge"
"""Where the configurator suite's stand-in Gateway lives."""
EDGE_GATEWAY = "gateway"


@dataclasses.dataclass
class RouteRig:
    """gateway-route-configurator for workload `catalogue` in `model`."""

    kube: KubeDouble
    model: str = "shop"
    app: str = ROUTE_APP
    workload: str = "catalogue"
    ctx: testing.Context = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.ctx = context("gateway-route-configurator", app_name=self.app)
        self.kube.ensure_namespace(self.model)

    def stand_in_gateway(self, hostname: str, admits: str) -> None:
        """A Gateway in `edge` as gateway-api-integrator builds it, admitting one namespace."""
        self.kube.ensure_namespace(EDGE)
        if self.kube.get("GatewayClass", GATEWAY_CLASS) is None:
            self.kube.seed(
                {
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": GATEWAY_CLASS},
                    "spec": {"controllerName": f"example.com/{GATEWAY_CLASS}"},
                }
            )
        self.kube.seed(
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "Gateway",
                "metadata": {"name": EDGE_GATEWAY, "namespace": EDGE},
                "spec": {
                    "gatewayClassName": GATEWAY_CLASS,
                    "listeners": [
                        {
                            "name": f"http-{hostname}",
                            "hostname": hostname,
                            "port": 80,
                            "protocol": "HTTP",
                            "allowedRoutes": {
                                "namespaces": {
                                    "from": "Selector",
                                    "selector": {
                                        "matchLabels": {"kubernetes.io/metadata.name": admits}
                                    },
                                }
                            },
                        }
                    ],
                },
            }
        )

    @staticmethod
    def answer(hostname: str) -> ProviderData:
        """The gateway's acceptance of `hostname` on the stand-in Gateway's HTTP listener."""
        parent = ParentRef(
            name=EDGE_GATEWAY,
            namespace=EDGE,
            section_name=f"http-{hostname}",
            protocol="HTTP",
            port=80,
        )
        return ProviderData(
            gateway_name=EDGE_GATEWAY,
            gateway_namespace=EDGE,
            https_mode="disabled",
            hsts_max_age=0,
            addresses=["203.0.113.10"],
            accepted=[Accepted(hostname=hostname, parents=[parent])],
            refused=[],
        )

    def ingress(self) -> testing.Relation:
        return testing.Relation(
            "ingress",
            remote_app_name=self.workload,
            remote_app_data={
                "model": json.dumps(self.model),
                "name": json.dumps(self.workload),
                "port": "8080",
            },
            remote_units_data={
                0: {
                    "host": json.dumps(
                        f"{self.workload}-0.{self.workload}-endpoints.{self.model}"
                        ".svc.cluster.local"
                    )
                }
            },
        )

    @staticmethod
    def gateway_route(answer: ProviderData | dict[str, str]) -> testing.Relation:
        data = answer if isinstance(answer, dict) else encode(answer)
        return testing.Relation(
            "gateway-route", remote_app_name="gateway-api-integrator", remote_app_data=data
        )

    def state(self, *relations: testing.Relation, config: dict[str, str]) -> testing.State:
        return testing.State(
            leader=True,
            config=config,
            relations=list(relations),
            model=testing.Model(name=self.model),
        )

    def run(self, state: testing.State, event: Any = None) -> testing.State:
        return self.ctx.run(event or self.ctx.on.config_changed(), state)

    @staticmethod
    def url(out: testing.State) -> str | None:
        relations = out.get_relations("ingress")
        raw = relations[0].local_app_data.get("ingress") if relations else None
        return json.loads(raw)["url"] if raw else None


@pytest.fixture
def route_rig(kube: KubeDouble) -> RouteRig:
    return RouteRig(kube)


@pytest.fixture
def tally() -> Counter[str]:
    """The run-wide counters (see TALLY)."""
    return TALLY


@pytest.fixture
def writes_to() -> Any:
    """`writes_to(kube, kind, namespace, name)`: the write requests seen on one object."""
    return _writes_to


@pytest.fixture
def new_route_rig(kube: KubeDouble) -> Any:
    """`new_route_rig(model=..., workload=...)`: a configurator in another namespace."""
    return lambda **fields: RouteRig(kube, **fields)


@pytest.fixture
def kube(api: KubeDouble) -> KubeDouble:
    """Here `kube` is `api`: every security test runs on the double and on the real server.

    None of them injects faults; the real server judges RBAC, admission and server-side apply.
    """
    return api
