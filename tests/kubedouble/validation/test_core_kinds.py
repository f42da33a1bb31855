"""Built-in kinds: the checks kube-apiserver makes in code that matter to the charms."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from kubedouble.validation import Validator


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def service(name: str = "web", **spec: Any) -> dict[str, Any]:
    body = {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": body}


def secret(name: str = "cert", **body: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, **body}


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def config_map(**body: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, **body}


TLS_DATA = {"tls.crt": b64("cert"), "tls.key": b64("key")}

INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "service-name-starts-with-digit": (service("1web"), 'metadata.name: Invalid value: "1web"'),
    "service-name-64-chars": (service("a" * 64), "must be no more than 63 characters"),
    "service-name-with-dot": (service("web.app"), "DNS-1035 label"),
    "namespace-name-with-dot": (namespace("team.a"), "RFC 1123 label"),
    "secret-name-uppercase": (secret("Cert", data={}), "RFC 1123 subdomain"),
    "missing-name": (
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}},
        "metadata.name: Required value",
    ),
    "label-value-too-long": (
        {**service(), "metadata": {"name": "web", "labels": {"app": "x" * 64}}},
        "metadata.labels: Invalid value",
    ),
    "label-key-bad-prefix": (
        {**service(), "metadata": {"name": "web", "labels": {"Example.com/app": "x"}}},
        'metadata.labels: Invalid value: "Example.com/app"',
    ),
    "port-zero": (service(ports=[{"port": 0}]), "spec.ports[0].port: Invalid value: 0"),
    "port-too-high": (service(ports=[{"port": 65536}]), "must be between 1 and 65535"),
    "target-port-too-high": (
        service(ports=[{"port": 80, "targetPort": 70000}]),
        "spec.ports[0].targetPort: Invalid value: 70000",
    ),
    "target-port-name-too-long": (
        service(ports=[{"port": 80, "targetPort": "a-very-long-port-name"}]),
        "must be no more than 15 characters",
    ),
    "target-port-name-no-letter": (
        service(ports=[{"port": 80, "targetPort": "8080"}]),
        "must contain at least one letter",
    ),
    "unnamed-port-among-two": (
        service(ports=[{"name": "http", "port": 80}, {"port": 443}]),
        "spec.ports[1].name: Required value",
    ),
    "duplicate-port-names": (
        service(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 81}]),
        'spec.ports[1].name: Duplicate value: "http"',
    ),
    "port-name-uppercase": (
        service(ports=[{"name": "HTTP", "port": 80}]),
        'spec.ports[0].name: Invalid value: "HTTP"',
    ),
    "bad-protocol": (
        service(ports=[{"port": 80, "protocol": "HTTP"}]),
        'spec.ports[0].protocol: Unsupported value: "HTTP"',
    ),
    "bad-type": (service(type="Ingress"), 'spec.type: Unsupported value: "Ingress"'),
    "bad-app-protocol": (
        service(ports=[{"port": 80, "appProtocol": "kubernetes.io/h2c!"}]),
        "spec.ports[0].appProtocol: Invalid value",
    ),
    "node-port-on-cluster-ip": (
        service(ports=[{"port": 80, "nodePort": 30080}]),
        "spec.ports[0].nodePort: Forbidden",
    ),
    "no-ports": (service(ports=[]), "spec.ports: Required value"),
    "tls-secret-without-key": (
        secret(type="kubernetes.io/tls", data={"tls.crt": b64("cert")}),
        "data[tls.key]: Required value",
    ),
    "tls-secret-without-cert": (
        secret(type="kubernetes.io/tls", data={"tls.key": b64("key")}),
        "data[tls.crt]: Required value",
    ),
    "secret-bad-base64": (secret(data={"a": "not base64!"}), "data[a]: Invalid value"),
    "secret-bad-key": (secret(data={"a b": b64("x")}), "data[a b]: Invalid value"),
    "config-map-bad-key": (config_map(data={"a/b": "x"}), "data[a/b]: Invalid value"),
}


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_invalid_core_object_is_rejected(core: Validator, case: str) -> None:
    obj, fragment = INVALID[case]
    errors = core.admit(obj, None).errors
    assert any(fragment in e for e in errors), errors


VALID: dict[str, dict[str, Any]] = {
    "service-one-unnamed-port": service(ports=[{"port": 80, "targetPort": "http"}]),
    "service-two-named-ports": service(
        ports=[{"name": "http", "port": 80}, {"name": "https", "port": 443, "targetPort": 8443}]
    ),
    "service-headless-without-ports": service(clusterIP="None", ports=[]),
    "service-app-protocol": service(ports=[{"port": 80, "appProtocol": "kubernetes.io/h2c"}]),
    "tls-secret": secret(type="kubernetes.io/tls", data=TLS_DATA),
    "opaque-secret-string-data": secret(stringData={"password": "x"}),
    "namespace": namespace("team-a"),
    "config-map": config_map(data={"app.conf": "x"}),
    "prefixed-labels": {
        **service(),
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web", "empty": ""}},
    },
}


@pytest.mark.parametrize("case", VALID, ids=list(VALID))
def test_valid_core_object_is_admitted(core: Validator, case: str) -> None:
    assert core.admit(VALID[case], None).errors == []


def test_service_defaults_are_filled(core: Validator) -> None:
    stored = core.admit(service(), None).obj
    assert stored["spec"]["type"] == "ClusterIP"
    assert stored["spec"]["ports"][0] == {
        "name": "http",
        "port": 80,
        "protocol": "TCP",
        "targetPort": 80,
    }


def test_secret_type_defaults_to_opaque(core: Validator) -> None:
    assert core.admit(secret(data={}), None).obj["type"] == "Opaque"


def test_secret_type_is_immutable(core: Validator) -> None:
    old = core.admit(secret(data=TLS_DATA), None).obj
    errors = core.admit(secret(type="kubernetes.io/tls", data=TLS_DATA), old).errors
    assert errors == ['type: Invalid value: "kubernetes.io/tls": field is immutable']


def test_core_kinds_are_served_without_crds(core: Validator) -> None:
    kinds = {(t.api_version, t.kind) for t in core.resource_types()}
    assert kinds == {
        ("v1", "Namespace"),
        ("v1", "Service"),
        ("v1", "Secret"),
        ("v1", "ConfigMap"),
        ("v1", "Endpoints"),
        ("discovery.k8s.io/v1", "EndpointSlice"),
        ("apps/v1", "StatefulSet"),
    }


def test_gateway_kind_is_unknown_without_crds(core: Validator) -> None:
    obj = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {}}
    assert core.admit(obj, None).errors == [
        'no matches for kind "Gateway" in version "gateway.networking.k8s.io/v1"'
    ]
