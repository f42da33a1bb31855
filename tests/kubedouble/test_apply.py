"""Server-side apply: field ownership, removal, conflicts, no-op applies."""

from __future__ import annotations

import lightkube
import pytest
from lightkube import ApiError
from lightkube.resources.core_v1 import Secret, Service
from lightkube.types import PatchType

from kubedouble import KubeDouble
from kubedouble.samples import Gateway, HTTPRoute, gateway_body, route_body, service_body, typed


@pytest.fixture
def kube(api):
    """These behaviours must hold on both servers: the double and a real kube-apiserver."""
    return api


def _apply(kube: KubeDouble, manager: str, body: dict, force: bool = False) -> dict:
    client = kube.client(field_manager=manager)
    if body["kind"] == "Gateway":
        return client.apply(typed(Gateway, body), force=force)
    result = client.apply(typed(Service, body), force=force)
    return result.to_dict()


def test_label_dropped_from_apply_is_removed(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body(a="1", b="2"))
    _apply(kube, "charm", service_body(a="1"))
    assert kube.read("Service", "web")["metadata"]["labels"] == {"a": "1"}


def test_field_dropped_but_owned_by_another_manager_stays(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body(shared="x", mine="y"))
    _apply(kube, "other", service_body(shared="x"))
    _apply(kube, "charm", service_body())
    assert kube.read("Service", "web")["metadata"]["labels"] == {"shared": "x"}


def test_field_set_by_another_manager_survives_apply(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body())
    kube.client(field_manager="human").patch(
        Service,
        "web",
        {"metadata": {"labels": {"note": "hi"}}},
        namespace="default",
        patch_type=PatchType.MERGE,
    )
    _apply(kube, "charm", service_body())
    assert kube.read("Service", "web")["metadata"]["labels"] == {"note": "hi"}


def test_fields_from_plain_create_are_not_removed_by_apply(kube: KubeDouble) -> None:
    # kubernetes#99003: a create's fields belong to the (manager, Update) entry, not to Apply.
    kube.client(field_manager="charm").create(typed(Service, service_body(a="1")))
    _apply(kube, "charm", service_body())
    assert kube.read("Service", "web")["metadata"]["labels"] == {"a": "1"}


def test_list_map_element_dropped_from_apply_is_removed(kube: KubeDouble) -> None:
    two = gateway_body()
    two["spec"]["listeners"].append({"name": "alt", "port": 8080, "protocol": "HTTP"})
    _apply(kube, "charm", two)
    _apply(kube, "charm", gateway_body())
    names = [li["name"] for li in kube.read("Gateway", "gw")["spec"]["listeners"]]
    assert names == ["http"]


def test_list_map_elements_from_two_managers_merge(kube: KubeDouble) -> None:
    _apply(kube, "charm", gateway_body())
    other = gateway_body()
    other["spec"]["listeners"] = [{"name": "alt", "port": 8080, "protocol": "HTTP"}]
    _apply(kube, "other", other)
    names = sorted(li["name"] for li in kube.read("Gateway", "gw")["spec"]["listeners"])
    assert names == ["alt", "http"]


def test_conflicting_value_is_409_naming_the_manager(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body(tier="front"))
    with pytest.raises(ApiError) as raised:
        _apply(kube, "other", service_body(tier="back"))
    status = raised.value.status
    assert (status.code, status.reason) == (409, "Conflict")
    assert 'conflict with "charm"' in (status.message or "")
    assert ".metadata.labels.tier" in (status.message or "")


def test_same_value_from_two_managers_is_shared_not_conflict(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body(tier="front"))
    _apply(kube, "other", service_body(tier="front"))
    managers = {e["manager"] for e in kube.read("Service", "web")["metadata"]["managedFields"]}
    assert managers == {"charm", "other"}


def test_forced_apply_takes_ownership(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body(tier="front"))
    _apply(kube, "other", service_body(tier="back"), force=True)
    _apply(kube, "charm", service_body())  # charm no longer owns tier: it must not remove it
    assert kube.read("Service", "web")["metadata"]["labels"] == {"tier": "back"}


def test_unchanged_apply_keeps_resource_version(kube: KubeDouble) -> None:
    _apply(kube, "charm", gateway_body())
    # The first write after creating a custom resource whose status the CRD defaults persists
    # those defaults (a resourceVersion bump with no visible change), as kube-apiserver does.
    second = _apply(kube, "charm", gateway_body())
    third = _apply(kube, "charm", gateway_body())
    assert third["metadata"]["resourceVersion"] == second["metadata"]["resourceVersion"]
    assert third["metadata"]["generation"] == 1


def test_unchanged_apply_of_a_service_keeps_resource_version(kube: KubeDouble) -> None:
    first = _apply(kube, "charm", service_body())
    second = _apply(kube, "charm", service_body())
    assert second["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]


@pytest.mark.parametrize(
    ("cls", "body"),
    [(Service, service_body(a="1")), (HTTPRoute, route_body(hostnames=["a.example.com"]))],
)
def test_reapply_over_server_defaults_is_a_no_op(kube: KubeDouble, cls: type, body: dict) -> None:
    # The stored object has defaults the configuration lacks (clusterIP, backendRef weight...).
    client = kube.client(field_manager="charm")
    first = client.apply(typed(cls, body))
    kube.reset_requests()
    second = client.apply(typed(cls, body))
    assert second.metadata.resourceVersion == first.metadata.resourceVersion
    assert kube.requests[-1].status == 200


def test_changed_apply_bumps_resource_version(kube: KubeDouble) -> None:
    first = _apply(kube, "charm", gateway_body())
    second = _apply(kube, "charm", gateway_body(gatewayClassName="other"))
    assert int(second["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])
    assert second["metadata"]["generation"] == 2


def test_apply_with_stale_resource_version_conflicts(kube: KubeDouble) -> None:
    body = service_body()
    _apply(kube, "charm", body)
    _apply(kube, "charm", service_body(changed="yes"))
    body["metadata"]["resourceVersion"] = "1"
    with pytest.raises(ApiError) as raised:
        _apply(kube, "charm", body)
    assert raised.value.status.code == 409


def test_apply_with_managed_fields_is_bad_request(kube: KubeDouble) -> None:
    stored = _apply(kube, "charm", service_body())
    with pytest.raises(ApiError) as raised:
        _apply(kube, "charm", stored)
    assert raised.value.status.code == 400


def test_managed_fields_record_apply_operation(kube: KubeDouble) -> None:
    _apply(kube, "charm", service_body(a="1"))
    (entry,) = kube.read("Service", "web")["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"]) == ("charm", "Apply")
    assert entry["fieldsV1"]["f:metadata"] == {"f:labels": {"f:a": {}}}


def test_apply_accepts_yaml_body(kube: KubeDouble) -> None:
    import httpx2

    if not isinstance(kube, KubeDouble):
        pytest.skip("talks plain HTTP to the double's URL; lightkube itself sends YAML applies")
    body = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"
    response = httpx2.patch(
        f"{kube.url}/api/v1/namespaces/default/services/web",
        params={"fieldManager": "yaml"},
        headers={"Content-Type": "application/apply-patch+yaml"},
        content=body,
    )
    assert response.status_code == 201
    assert kube.read("Service", "web")["spec"]["ports"][0]["port"] == 80


def test_applied_secret_string_data_key_removal_keeps_its_data_key(kube: KubeDouble) -> None:
    # stringData is write-only: folded into data after the merge, so the data key stays
    # (kube-apiserver's answer; the double used to remove it).
    client = kube.client(field_manager="charm")
    base = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "default"},
    }
    client.apply(typed(Secret, {**base, "stringData": {"a": "1", "b": "2"}}))
    client.apply(typed(Secret, {**base, "stringData": {"a": "1"}}))
    assert sorted(kube.read("Secret", "s")["data"]) == ["a", "b"]


def test_main_resource_apply_ignores_status(kube: KubeDouble, client: lightkube.Client) -> None:
    body = gateway_body()
    body["status"] = {"addresses": [{"type": "IPAddress", "value": "1.2.3.4"}]}
    created = client.apply(typed(Gateway, body))
    assert "addresses" not in (created.get("status") or {})
