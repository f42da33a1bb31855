"""The status subresource: status writes touch only status, spec writes never touch status."""

from __future__ import annotations

import lightkube
import pytest
from lightkube import ApiError
from lightkube.types import PatchType

from kubedouble import KubeDouble
from kubedouble.samples import Gateway, gateway_body, typed


@pytest.fixture
def kube(api):
    """These behaviours must hold on both servers: the double and a real kube-apiserver."""
    return api


ADDRESS = {"addresses": [{"type": "IPAddress", "value": "10.1.1.1"}]}


def test_status_patch_changes_only_status(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(gateway_body())
    client.patch(
        Gateway.Status,
        "gw",
        {"spec": {"gatewayClassName": "x"}, "status": ADDRESS},
        namespace="default",
        patch_type=PatchType.MERGE,
    )
    stored = kube.read("Gateway", "gw")
    assert stored["status"]["addresses"] == ADDRESS["addresses"]
    assert stored["spec"]["gatewayClassName"] == "gc"


def test_status_write_keeps_generation(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(gateway_body())
    client.patch(
        Gateway.Status, "gw", {"status": ADDRESS}, namespace="default", patch_type=PatchType.MERGE
    )
    assert kube.read("Gateway", "gw")["metadata"]["generation"] == 1


def test_main_resource_patch_cannot_change_status(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    kube.seed(gateway_body())
    client.patch(
        Gateway, "gw", {"status": ADDRESS}, namespace="default", patch_type=PatchType.MERGE
    )
    assert "addresses" not in kube.read("Gateway", "gw")["status"]


def test_main_resource_replace_keeps_status(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed({**gateway_body(), "status": ADDRESS})
    current = client.get(Gateway, "gw", namespace="default")
    current["status"] = {}
    client.replace(current)
    assert kube.read("Gateway", "gw")["status"]["addresses"] == ADDRESS["addresses"]


def test_status_apply_is_owned_under_status_subresource(kube: KubeDouble) -> None:
    kube.seed(gateway_body())
    body = {**gateway_body(), "status": ADDRESS}
    kube.client(field_manager="ctrl").apply(typed(Gateway.Status, body))
    entries = kube.read("Gateway", "gw")["metadata"]["managedFields"]
    assert any(e["manager"] == "ctrl" and e.get("subresource") == "status" for e in entries)


def test_invalid_status_is_refused(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(gateway_body())
    bad = {"status": {"addresses": [{"type": "IPAddress", "value": "x" * 300}]}}
    with pytest.raises(ApiError) as raised:
        client.patch(Gateway.Status, "gw", bad, namespace="default", patch_type=PatchType.MERGE)
    assert raised.value.status.code == 422


def test_status_get_returns_object(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(gateway_body())
    assert client.get(Gateway.Status, "gw", namespace="default")["metadata"]["name"] == "gw"
