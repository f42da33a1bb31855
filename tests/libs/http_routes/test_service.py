import pytest

from http_routes import (
    backend_service,
    backend_tls_policy,
    ca_config_map,
    pod_selector,
    service_name,
)
from http_routes.service import Scheme
from kubedouble.validation import Validator
from kubedouble.versions import serves

LONG_APP = "a-really-long-workload-application-name-that-goes-on-and-on-x"  # 61 characters


def test_service_selects_the_workload_pods_on_its_port() -> None:
    service = backend_service(
        name="catalogue-8080",
        namespace="shop",
        selector=pod_selector("catalogue", None),
        port=8080,
    )

    assert service["spec"] == {
        "type": "ClusterIP",
        "selector": {"app.kubernetes.io/name": "catalogue"},
        "ports": [{"name": "tcp-8080", "port": 8080, "targetPort": 8080, "protocol": "TCP"}],
    }
    assert service["metadata"] == {"name": "catalogue-8080", "namespace": "shop"}


@pytest.mark.parametrize(
    ("scheme", "app_protocol"), [("h2c", "kubernetes.io/h2c"), ("http", None), ("https", None)]
)
def test_service_port_says_h2c_only_for_h2c(scheme: Scheme, app_protocol: str | None) -> None:
    service = backend_service(
        name="api-9000",
        namespace="shop",
        selector=pod_selector("api", None),
        port=9000,
        scheme=scheme,
    )

    assert service["spec"]["ports"][0].get("appProtocol") == app_protocol


def test_pods_of_a_legacy_model_are_selected_as_juju_selects_them() -> None:
    assert pod_selector("catalogue", {"juju-app": "catalogue"}) == {"juju-app": "catalogue"}


@pytest.mark.parametrize(
    "juju_service",
    [
        None,
        {},
        {"juju-app": ""},
        {"": "x"},
        {"juju-app": "admin"},  # rewritten to select another application's pods
        {"juju-app": "catalogue", "tier": "x"},
        {"app.kubernetes.io/name": "admin"},
    ],
)
def test_without_a_usable_juju_selector_pods_are_selected_by_the_standard_label(
    juju_service: dict[str, str] | None,
) -> None:
    assert pod_selector("catalogue", juju_service) == {"app.kubernetes.io/name": "catalogue"}


def test_service_name_differs_from_the_service_juju_creates() -> None:
    assert service_name("catalogue", 8080) == "catalogue-8080"


@pytest.mark.parametrize("app", [LONG_APP, LONG_APP[:-1] + "y", "b" * 63])
def test_long_service_names_are_cut_to_63_with_a_stable_hash(app: str) -> None:
    name = service_name(app, 65534)

    assert len(name) <= 63
    assert name == service_name(app, 65534)
    assert name != service_name(app, 65533)


def test_long_names_sharing_a_prefix_do_not_collide() -> None:
    assert service_name(LONG_APP, 8080) != service_name(LONG_APP[:-1] + "y", 8080)


@pytest.mark.parametrize("app", ["catalogue", LONG_APP, "z" * 63])
@pytest.mark.parametrize("scheme", ["http", "h2c"])
def test_service_is_admitted_by_the_api_server(
    app: str, scheme: Scheme, validator: Validator
) -> None:
    service = backend_service(
        name=service_name(app, 65534),
        namespace="n" * 63,
        selector=pod_selector(app, None),
        port=65534,
        scheme=scheme,
    )

    assert validator.admit(service, None).errors == []


def policy() -> dict:
    return backend_tls_policy(
        name="api",
        namespace="shop",
        service="api-9000",
        hostname="api.shop.svc.cluster.local",
        ca_config_map="api-ca",
    )


def test_backend_tls_policy_trusts_the_workloads_ca_never_the_system_store() -> None:
    assert policy()["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert policy()["spec"] == {
        "targetRefs": [{"group": "", "kind": "Service", "name": "api-9000"}],
        "validation": {
            "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "api-ca"}],
            "hostname": "api.shop.svc.cluster.local",
        },
    }


def test_the_ca_bundle_is_stable_whatever_the_order_it_arrived_in() -> None:
    first = ca_config_map(name="api-ca", namespace="shop", certificates=["B\n", "A"])
    second = ca_config_map(name="api-ca", namespace="shop", certificates=["A", "B"])
    assert first == second
    assert first["data"] == {"ca.crt": "A\nB\n"}


def test_backend_tls_policy_is_admitted_where_the_crd_is_served(validator: Validator) -> None:
    errors = validator.admit(policy(), None).errors

    if serves(str(validator.gateway_api_version), "BackendTLSPolicy"):
        assert errors == []
    else:
        assert errors == [
            'no matches for kind "BackendTLSPolicy" in version "gateway.networking.k8s.io/v1"'
        ]
