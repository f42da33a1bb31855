"""gateway-route-configurator's world: its Context, a gateway's Gateway, a healthy neighbour.

The neighbour is a second configurator application in the same namespace (workload `orders`),
whose Service and HTTPRoute are made once per session by running the real charm, then seeded
into every fresh double; the fuzzed charm must never touch them.
"""

import functools
import json
from typing import Any, Literal

from ops import testing

import charmspecs
from fuzzdata.cluster import comparable, fresh_double, replay
from gateway_route import Accepted, ParentRef, ProviderData, encode
from kubedouble import KubeDouble

APP = "gateway-route-configurator"
NEIGHBOUR_APP = "orders-configurator"
MODEL = "shop"
EDGE = "edge"
GATEWAY = "gateway"
GATEWAY_CLASS = "gateway-class"
WORKLOAD = "catalogue"
HOST = "catalogue.example.com"
NEIGHBOUR = "orders"
NEIGHBOUR_HOST = "orders.example.com"
OWNER_LABELS = {
    "app.kubernetes.io/managed-by": APP,
    "gateway-api.juju.is/application": APP,
    "gateway-api.juju.is/model": MODEL,
}


def context(app: str = APP) -> testing.Context:
    return charmspecs.context("gateway-route-configurator", app_name=app, app_trusted=False)


def _section(prefix: str, hostname: str) -> str:
    return f"{prefix}-{hostname.replace('.', '-')}"


def seed_gateway(kube: KubeDouble) -> None:
    """The gateway's model, class and Gateway: HTTP and HTTPS listeners for both workloads."""
    kube.ensure_namespace(MODEL)
    kube.ensure_namespace(EDGE)
    allowed = {
        "namespaces": {
            "from": "Selector",
            "selector": {"matchLabels": {"kubernetes.io/metadata.name": MODEL}},
        }
    }
    listeners: list[dict[str, Any]] = []
    for hostname in (HOST, NEIGHBOUR_HOST):
        listeners.append(
            {
                "name": _section("http", hostname),
                "hostname": hostname,
                "port": 80,
                "protocol": "HTTP",
                "allowedRoutes": allowed,
            }
        )
        listeners.append(
            {
                "name": _section("https", hostname),
                "hostname": hostname,
                "port": 443,
                "protocol": "HTTPS",
                "tls": {"certificateRefs": [{"name": _section("tls", hostname)}]},
                "allowedRoutes": allowed,
            }
        )
    kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": GATEWAY_CLASS},
            "spec": {"controllerName": "example.com/gateway"},
        }
    )
    kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": GATEWAY, "namespace": EDGE},
            "spec": {"gatewayClassName": GATEWAY_CLASS, "listeners": listeners},
        }
    )


_LISTENERS: tuple[tuple[str, Literal["HTTP", "HTTPS"], int], ...] = (
    ("http", "HTTP", 80),
    ("https", "HTTPS", 443),
)


def answer(hostname: str = HOST) -> ProviderData:
    """The gateway's answer accepting `hostname` on its HTTP and HTTPS listeners."""
    parents = [
        ParentRef(
            name=GATEWAY,
            namespace=EDGE,
            section_name=_section(prefix, hostname),
            protocol=protocol,
            port=port,
        )
        for prefix, protocol, port in _LISTENERS
    ]
    return ProviderData(
        gateway_name=GATEWAY,
        gateway_namespace=EDGE,
        https_mode="enabled",
        hsts_max_age=0,
        addresses=["203.0.113.10"],
        accepted=[Accepted(hostname=hostname, parents=parents)],
        refused=[],
    )


def healthy_answer_decoded() -> dict[str, Any]:
    """The healthy answer as the JSON values its databag keys hold."""
    return answer().model_dump(mode="json")


def ingress_app_data(model: str = MODEL, workload: str = WORKLOAD) -> dict[str, str]:
    return {"model": json.dumps(model), "name": json.dumps(workload), "port": "8080"}


def unit_data(workload: str = WORKLOAD, unit: int = 0) -> dict[str, str]:
    return {
        "host": json.dumps(f"{workload}-{unit}.{workload}-endpoints.{MODEL}.svc.cluster.local")
    }


def ingress(
    app_data: dict[str, str] | None = None,
    units: dict[int, dict[str, str]] | None = None,
    workload: str = WORKLOAD,
) -> testing.Relation:
    return testing.Relation(
        "ingress",
        remote_app_name=workload,
        remote_app_data=app_data if app_data is not None else ingress_app_data(workload=workload),
        remote_units_data=units if units is not None else {0: unit_data(workload)},
    )


def gateway_route(provider_databag: dict[str, str]) -> testing.Relation:
    return testing.Relation(
        "gateway-route", remote_app_name="gateway-api-integrator", remote_app_data=provider_databag
    )


def state(*relations: testing.Relation, hostname: str = HOST) -> testing.State:
    return testing.State(
        leader=True,
        config={"hostname": hostname},
        relations=list(relations),
        model=testing.Model(name=MODEL),
    )


def healthy_state() -> testing.State:
    return state(ingress(), gateway_route(encode(answer())))


@functools.cache
def neighbour_objects() -> tuple[dict[str, Any], ...]:
    """The neighbour's Service and HTTPRoute, as the real charm makes them (made once)."""
    with fresh_double() as kube:
        seed_gateway(kube)
        before = state(
            ingress(ingress_app_data(workload=NEIGHBOUR), workload=NEIGHBOUR),
            gateway_route(encode(answer(NEIGHBOUR_HOST))),
            hostname=NEIGHBOUR_HOST,
        )
        context(NEIGHBOUR_APP).run(context(NEIGHBOUR_APP).on.config_changed(), before)
        made = kube.objects(labels={"gateway-api.juju.is/application": NEIGHBOUR_APP})
        assert {o["kind"] for o in made} == {"Service", "HTTPRoute"}, made
        return tuple(comparable(obj) for obj in made)


def seed_baseline(kube: KubeDouble) -> None:
    """Gateway, class and the neighbour's objects: the world before the fuzzed charm runs."""
    seed_gateway(kube)
    replay(kube, neighbour_objects(), field_manager=NEIGHBOUR_APP)
