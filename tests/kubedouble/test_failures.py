"""Refusals and injected faults, as the real lightkube client surfaces them."""

from __future__ import annotations

from typing import Any

import httpx2
import lightkube
import pytest
from lightkube import ApiError
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import Secret, Service

from kubedouble import KubeDouble, transport
from kubedouble.samples import HTTPRoute, route_body, service_body, typed


def test_get_missing_is_not_found_status(client: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        client.get(Service, "nope", namespace="default")
    status = raised.value.status
    assert (status.code, status.reason, status.message) == (
        404,
        "NotFound",
        'services "nope" not found',
    )


def test_create_in_missing_namespace_is_not_found(client: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        client.create(typed(Service, service_body(namespace="ghost")))
    assert raised.value.status.message == 'namespaces "ghost" not found'


def test_apply_in_missing_namespace_is_not_found(client: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        client.apply(typed(Service, service_body(namespace="ghost")))
    assert raised.value.status.code == 404


def test_duplicate_create_is_already_exists(client: lightkube.Client) -> None:
    client.create(typed(Service, service_body()))
    with pytest.raises(ApiError) as raised:
        client.create(typed(Service, service_body()))
    assert (raised.value.status.code, raised.value.status.reason) == (409, "AlreadyExists")


def test_invalid_object_is_422_with_causes(client: lightkube.Client) -> None:
    body = route_body(hostnames=[f"h{i}.example.com" for i in range(17)])
    with pytest.raises(ApiError) as raised:
        client.create(typed(HTTPRoute, body))
    status = raised.value.status
    assert (status.code, status.reason) == (422, "Invalid")
    assert status.details is not None
    assert status.details.causes
    assert any("hostnames" in (cause.field or "") for cause in status.details.causes)


def test_refused_write_stores_nothing(kube: KubeDouble, client: lightkube.Client) -> None:
    body = route_body(hostnames=[f"h{i}.example.com" for i in range(17)])
    with pytest.raises(ApiError):
        client.create(typed(HTTPRoute, body))
    assert kube.objects("HTTPRoute") == []


def test_tls_secret_without_key_is_invalid(client: lightkube.Client) -> None:
    secret = Secret(
        metadata=ObjectMeta(name="cert", namespace="default"),
        type="kubernetes.io/tls",
        stringData={"tls.crt": "x"},
    )
    with pytest.raises(ApiError) as raised:
        client.create(secret)
    assert raised.value.status.code == 422


def test_unknown_field_is_pruned_with_a_recorded_warning(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    body = route_body()
    body["spec"]["rules"][0]["backendRef"] = {"name": "typo"}
    created = client.create(typed(HTTPRoute, body))
    assert "backendRef" not in created["spec"]["rules"][0]
    assert any("backendRef" in warning for warning in kube.warnings)
    assert kube.requests[-1].warnings


def test_denied_verb_is_forbidden_like_rbac(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.deny("patch", "Service")
    with pytest.raises(ApiError) as raised:
        client.apply(typed(Service, service_body()))
    status = raised.value.status
    assert (status.code, status.reason) == (403, "Forbidden")
    assert status.message == (
        f'services "web" is forbidden: User "{kube.user}" cannot patch resource "services" '
        'in API group "" in the namespace "default"'
    )


def test_deny_leaves_other_verbs_alone(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.deny("delete", "Service")
    client.create(typed(Service, service_body()))
    assert kube.get("Service", "web") is not None


def test_allow_lifts_a_denial(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.deny("list", "Service")
    kube.allow("list", "Service")
    assert _names(client.list(Service)) == ["kubernetes"]  # the API server\'s own


def test_injected_status_fault_is_api_error(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.inject_fault(verb="create", kind="Service", status=500)
    with pytest.raises(ApiError) as raised:
        client.create(typed(Service, service_body()))
    assert (raised.value.status.code, raised.value.status.reason) == (500, "InternalError")
    assert kube.get("Service", "web") is None


def test_fault_fires_on_nth_match_only(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.inject_fault(verb="get", kind="Service", nth=2, status=503)
    kube.seed(service_body())
    client.get(Service, "web", namespace="default")
    with pytest.raises(ApiError):
        client.get(Service, "web", namespace="default")
    client.get(Service, "web", namespace="default")
    assert [r.status for r in kube.requests] == [200, 503, 200]


def test_fault_repeats_times(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.inject_fault(verb="list", status=500, times=2)
    for _ in range(2):
        with pytest.raises(ApiError):
            list(client.list(Service))
    assert _names(client.list(Service)) == ["kubernetes"]  # the API server\'s own


def test_reset_fault_is_transport_error(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.inject_fault(verb="apply", kind="Service", reset=True)
    with pytest.raises(httpx2.TransportError):
        client.apply(typed(Service, service_body()))
    assert kube.requests[-1].status is None
    assert kube.get("Service", "web") is None


def test_client_recovers_after_reset(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.inject_fault(verb="apply", reset=True)
    with pytest.raises(httpx2.TransportError):
        client.apply(typed(Service, service_body()))
    client.apply(typed(Service, service_body()))
    assert kube.get("Service", "web") is not None


def test_timeout_fault_is_a_read_timeout_after_the_server_did_the_work(
    kube: KubeDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport.install(monkeypatch)
    client = kube.client(field_manager="t")
    kube.inject_fault(verb="apply", kind="Service", timeout=True)

    with pytest.raises(httpx2.ReadTimeout):
        client.apply(typed(Service, service_body()))

    assert kube.get("Service", "web") is not None
    assert kube.requests[-1].status == 201


def test_timeout_fault_fires_once_then_serves(
    kube: KubeDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport.install(monkeypatch)
    client = kube.client()
    kube.inject_fault(verb="list", kind="Service", timeout=True)

    with pytest.raises(httpx2.ReadTimeout):
        list(client.list(Service))
    assert _names(client.list(Service)) == ["kubernetes"]  # the API server\'s own


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"status": 500, "reset": True},
        {"status": 500, "timeout": True},
        {"nth": 0, "status": 500},
    ],
)
def test_meaningless_fault_is_refused(kube: KubeDouble, kwargs: dict) -> None:
    with pytest.raises(ValueError, match=r"fault|count"):
        kube.inject_fault(**kwargs)


def test_unknown_path_is_a_plain_text_not_found(kube: KubeDouble) -> None:
    # As kube-apiserver's HTTP mux answers a path nothing serves (seen on the real tier for a
    # kind whose CRD is not installed): not a JSON Status, so lightkube raises an HTTP error.
    response = httpx2.get(f"{kube.url}/apis/example.com/v1/widgets")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text.strip() == "404 page not found"


def test_a_missing_object_of_a_served_kind_is_a_status(kube: KubeDouble) -> None:
    response = httpx2.get(f"{kube.url}/api/v1/namespaces/default/services/missing")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["reason"] == "NotFound"


def test_gateway_api_absent_without_crds() -> None:
    with KubeDouble(gateway_api_version=None) as bare:
        response = httpx2.get(f"{bare.url}/apis/gateway.networking.k8s.io/v1")
        assert response.status_code == 404
        assert not bare.serves("Gateway")


def test_seed_of_invalid_object_raises_seed_error(kube: KubeDouble) -> None:
    from kubedouble import SeedError

    with pytest.raises(SeedError, match="422"):
        kube.seed(route_body(hostnames=[f"h{i}.example.com" for i in range(17)]))


def _names(items: Any) -> list[str]:
    return [item.metadata.name for item in items if item.metadata]
