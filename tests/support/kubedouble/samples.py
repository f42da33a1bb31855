"""Minimal valid objects and lightkube resource classes, for tests that need a quick fixture.

The builders return plain dicts (what `KubeDouble.seed` and `Resource.from_dict` take).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from lightkube.generic_resource import create_global_resource, create_namespaced_resource

T = TypeVar("T")

GROUP = "gateway.networking.k8s.io"
GatewayClass = create_global_resource(GROUP, "v1", "GatewayClass", "gatewayclasses")
Gateway = create_namespaced_resource(GROUP, "v1", "Gateway", "gateways")
HTTPRoute = create_namespaced_resource(GROUP, "v1", "HTTPRoute", "httproutes")
ReferenceGrant = create_namespaced_resource(GROUP, "v1beta1", "ReferenceGrant", "referencegrants")
ListenerSet = create_namespaced_resource(GROUP, "v1", "ListenerSet", "listenersets")
BackendTLSPolicy = create_namespaced_resource(
    GROUP, "v1", "BackendTLSPolicy", "backendtlspolicies"
)


def gateway_body(name: str = "gw", namespace: str = "default", **spec: Any) -> dict[str, Any]:
    """A minimal valid Gateway with one HTTP listener unless `spec` says otherwise."""
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "Gateway",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "gatewayClassName": "gc",
            "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
            **spec,
        },
    }


def route_body(
    name: str = "route",
    namespace: str = "default",
    *,
    parent: dict[str, Any] | None = None,
    hostnames: list[str] | None = None,
    backend: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An HTTPRoute attached to `parent` (default: Gateway default/gw) with one backend."""
    spec: dict[str, Any] = {
        "parentRefs": [parent or {"name": "gw", "namespace": "default"}],
        "rules": [{"backendRefs": [backend or {"name": "web", "port": 80}]}],
    }
    if hostnames is not None:
        spec["hostnames"] = hostnames
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def service_body(name: str = "web", namespace: str = "default", **labels: str) -> dict[str, Any]:
    """A ClusterIP Service on port 80."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"ports": [{"name": "http", "port": 80}], "selector": {"app": name}},
    }


def gateway_class_body(
    name: str = "gc", controller: str = "example.com/gateway"
) -> dict[str, Any]:
    """A GatewayClass served by `controller`."""
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "GatewayClass",
        "metadata": {"name": name},
        "spec": {"controllerName": controller},
    }


def typed(cls: type[T], body: dict[str, Any]) -> T:
    """`cls.from_dict(body)` typed as `cls` (lightkube annotates from_dict as DictMixin)."""
    return cast(T, cls.from_dict(body))  # type: ignore[attr-defined]


def tls_secret_body(
    name: str, namespace: str = "default", data: dict[str, str] | None = None
) -> dict[str, Any]:
    """A `kubernetes.io/tls` Secret; `data` (base64 values) defaults to placeholder bytes."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/tls",
        "metadata": {"name": name, "namespace": namespace},
        "data": data if data is not None else {"tls.crt": "Y3J0", "tls.key": "a2V5"},
    }


def listener_set_body(
    name: str,
    namespace: str,
    *,
    gateway: tuple[str, str],
    listeners: list[dict[str, Any]],
) -> dict[str, Any]:
    """A ListenerSet (v1.5+) attached to Gateway `gateway` = (namespace, name)."""
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "ListenerSet",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "parentRef": {"name": gateway[1], "namespace": gateway[0]},
            "listeners": listeners,
        },
    }


def backend_tls_policy_body(
    name: str,
    namespace: str,
    *,
    service: str,
    hostname: str = "web.example.internal",
    ca_refs: list[dict[str, str]] | None = None,
    well_known: str | None = None,
) -> dict[str, Any]:
    """A BackendTLSPolicy (v1.4+) on Service `service`, with CA refs or well-known CAs."""
    validation: dict[str, Any] = {"hostname": hostname}
    if ca_refs is not None:
        validation["caCertificateRefs"] = ca_refs
    if well_known is not None:
        validation["wellKnownCACertificates"] = well_known
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "BackendTLSPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": service}],
            "validation": validation,
        },
    }


def config_map_body(name: str, namespace: str, data: dict[str, str]) -> dict[str, Any]:
    """A ConfigMap holding `data`."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
    }
