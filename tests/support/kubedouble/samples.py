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
