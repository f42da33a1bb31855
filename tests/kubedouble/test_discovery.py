"""Discovery documents, as clients use them to find which kinds a cluster serves."""

from __future__ import annotations

import httpx2
import pytest

from kubedouble import KubeDouble


def _get(kube: KubeDouble, path: str) -> dict:
    response = httpx2.get(kube.url + path)
    assert response.status_code == 200
    return response.json()


def test_core_group_lists_v1(kube: KubeDouble) -> None:
    assert _get(kube, "/api")["versions"] == ["v1"]


def test_core_resources_are_listed(kube: KubeDouble) -> None:
    names = {r["name"] for r in _get(kube, "/api/v1")["resources"]}
    assert {"namespaces", "services", "secrets", "services/status"} <= names


def test_gateway_group_prefers_v1(kube: KubeDouble) -> None:
    groups = {g["name"]: g for g in _get(kube, "/apis")["groups"]}
    assert groups["gateway.networking.k8s.io"]["preferredVersion"]["version"] == "v1"


@pytest.mark.parametrize(
    ("version", "has_listenersets"), [("v1.2.1", False), ("v1.4.1", False), ("v1.6.1", True)]
)
def test_listenerset_served_only_on_newer_crds(version: str, has_listenersets: bool) -> None:
    with KubeDouble(version) as kube:
        resources = _get(kube, "/apis/gateway.networking.k8s.io/v1")["resources"]
        assert ("listenersets" in {r["name"] for r in resources}) is has_listenersets


@pytest.mark.parametrize(
    ("version", "has_policies"), [("v1.2.1", False), ("v1.4.1", True), ("v1.6.1", True)]
)
def test_backend_tls_policy_served_from_v1_4(version: str, has_policies: bool) -> None:
    with KubeDouble(version) as kube:
        resources = _get(kube, "/apis/gateway.networking.k8s.io/v1")["resources"]
        assert ("backendtlspolicies" in {r["name"] for r in resources}) is has_policies


def test_gatewayclass_is_cluster_scoped(kube: KubeDouble) -> None:
    resources = {
        r["name"]: r for r in _get(kube, "/apis/gateway.networking.k8s.io/v1")["resources"]
    }
    assert resources["gatewayclasses"]["namespaced"] is False
    assert resources["httproutes"]["namespaced"] is True


def test_discovery_is_logged_as_discovery(kube: KubeDouble) -> None:
    _get(kube, "/apis")
    assert kube.count("discovery") == 1
    assert kube.count("get") == 0
