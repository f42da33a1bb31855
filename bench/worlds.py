"""The model being measured: one gateway app, N configurators with one hostname each.

Both charms run for real under ops.testing; the gateway-route answers the configurators get are
the ones the integrator wrote, so the configurators attach to the listeners (and ListenerSets)
the integrator really made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from ops import testing

from charmspecs import context
from gateway_route import RequirerData, encode
from kubedouble import KubeDouble
from modelsim.model import model_uuid

GATEWAY_APP = "gateway"
GATEWAY_MODEL = "infra"
ROUTE_APP = "route"
GATEWAY_CLASS = "cilium"


def tenant_model(index: int) -> str:
    """Configurator `index` lives in its own model (namespace), with its workload."""
    return f"t{index:04}"


def tenant_hostname(index: int, generation: int = 0) -> str:
    """The hostname configurator `index` asks for (a new generation is a tenant's change)."""
    suffix = f"-v{generation}" if generation else ""
    return f"app{index:04}{suffix}.example.com"


def integrator_context() -> testing.Context:
    """A Context for gateway-api-integrator, as charmcraft.yaml declares it."""
    return context("gateway-api-integrator", app_name=GATEWAY_APP)


def configurator_context() -> testing.Context:
    """A Context for gateway-route-configurator (one per tenant model, same app name)."""
    return context("gateway-route-configurator", app_name=ROUTE_APP)


def seed_cluster(kube: KubeDouble, tenants: int) -> None:
    """Namespaces and the one GatewayClass the integrator picks up by itself."""
    kube.ensure_namespace(GATEWAY_MODEL)
    for index in range(1, tenants + 1):
        kube.ensure_namespace(tenant_model(index))
    kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": GATEWAY_CLASS},
            "spec": {"controllerName": f"example.com/{GATEWAY_CLASS}"},
        }
    )


def route_relation(index: int, generation: int = 0) -> testing.Relation:
    """The integrator's view of configurator `index` (relation id = index)."""
    data = RequirerData(
        namespace=tenant_model(index),
        application=f"app{index:04}",
        hostnames=[tenant_hostname(index, generation)],
    )
    return testing.Relation(
        "gateway-route",
        id=index,
        remote_app_name=f"{ROUTE_APP}-{tenant_model(index)}",
        remote_app_data=encode(data),
        remote_model_uuid=model_uuid(tenant_model(index)),
    )


def integrator_state(tenants: int) -> testing.State:
    """The leader of the gateway app with `tenants` gateway-route relations, plain HTTP."""
    return testing.State(
        leader=True,
        relations=[route_relation(i) for i in range(1, tenants + 1)],
        config={"enforce-https": False},
        model=testing.Model(name=GATEWAY_MODEL),
    )


def with_relation(state: testing.State, relation: testing.Relation) -> testing.State:
    """`state` with the relation of the same id replaced."""
    others = [rel for rel in state.relations if rel.id != relation.id]
    return replace(state, relations=[*others, relation])


@dataclass(frozen=True)
class Tenant:
    """What configurator `index` needs: the workload's ingress data and the gateway's answer."""

    index: int
    answer: dict[str, str]

    def state(self, config: dict[str, Any] | None = None) -> testing.State:
        """The configurator's leader, related to its workload and to the gateway."""
        model = tenant_model(self.index)
        ingress = testing.Relation(
            "ingress",
            id=1,
            remote_app_name="web",
            remote_app_data={"model": json.dumps(model), "name": '"web"', "port": "8080"},
            remote_units_data={0: {"host": json.dumps(f"web-0.web-endpoints.{model}.svc")}},
        )
        gateway = testing.Relation(
            "gateway-route",
            id=2,
            remote_app_name=GATEWAY_APP,
            remote_app_data=dict(self.answer),
        )
        return testing.State(
            leader=True,
            relations=[ingress, gateway],
            config={"hostname": tenant_hostname(self.index), **(config or {})},
            model=testing.Model(name=model),
        )


def answers(out: testing.State, tenants: int) -> list[Tenant]:
    """The integrator's answer to each configurator, from its output state."""
    found = []
    for index in range(1, tenants + 1):
        relation = out.get_relation(index)
        found.append(Tenant(index, dict(relation.local_app_data)))
    return found
