"""Per-application identities: Juju's RBAC grants, answered with kube-apiserver's own 403."""

from __future__ import annotations

import httpx2
import lightkube
import pytest
from lightkube import ApiError
from lightkube.resources.core_v1 import Namespace, Secret, Service

from kube_apply.classify import classify
from kube_objects.failures import Forbidden
from kubedouble import KubeDouble
from kubedouble.rbac import Attributes, Rule
from kubedouble.samples import (
    Gateway,
    GatewayClass,
    HTTPRoute,
    gateway_body,
    route_body,
    service_body,
    typed,
)


@pytest.fixture
def tenant(kube: KubeDouble) -> lightkube.Client:
    """A client acting as the untrusted application `app` of model `shop`."""
    kube.ensure_namespace("shop")
    account = kube.service_account("shop", "app")
    return kube.client(field_manager="app", namespace="shop", token=account.token)


def status_of(raised: pytest.ExceptionInfo[ApiError]) -> tuple[int | None, str | None, str]:
    status = raised.value.status
    return status.code, status.reason, status.message or ""


def test_untrusted_list_is_forbidden_in_kube_apiserver_words(tenant: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        list(tenant.list(HTTPRoute, namespace="shop"))
    assert status_of(raised) == (
        403,
        "Forbidden",
        "httproutes.gateway.networking.k8s.io is forbidden: User "
        '"system:serviceaccount:shop:app" cannot list resource "httproutes" in API group '
        '"gateway.networking.k8s.io" in the namespace "shop"',
    )
    details = raised.value.status.details
    assert details is not None
    assert (details.kind, details.group, details.name) == (
        "httproutes",
        "gateway.networking.k8s.io",
        None,
    )


def test_cluster_scoped_refusal_says_at_the_cluster_scope(tenant: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        list(tenant.list(GatewayClass))
    assert status_of(raised)[2].endswith(
        'cannot list resource "gatewayclasses" in API group "gateway.networking.k8s.io" '
        "at the cluster scope"
    )


def test_named_refusal_names_the_object_and_the_core_group(tenant: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        tenant.get(Secret, "tls", namespace="shop")
    assert status_of(raised)[2] == (
        'secrets "tls" is forbidden: User "system:serviceaccount:shop:app" cannot get '
        'resource "secrets" in API group "" in the namespace "shop"'
    )


def test_charm_libraries_read_the_refusal_as_rbac(tenant: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        tenant.apply(typed(HTTPRoute, route_body(namespace="shop")))
    failure = classify(raised.value)
    assert isinstance(failure, Forbidden)
    assert failure.rbac


def test_untrusted_keeps_what_juju_grants_in_its_namespace(
    kube: KubeDouble, tenant: lightkube.Client
) -> None:
    kube.seed(service_body(name="web", namespace="shop"))
    assert [s.metadata.name for s in tenant.list(Service) if s.metadata] == ["web"]
    assert tenant.get(Namespace, "shop").metadata is not None
    assert len(list(tenant.list(Namespace))) >= 3  # the ClusterRole reads every namespace


def test_untrusted_grants_stop_at_its_namespace(
    kube: KubeDouble, tenant: lightkube.Client
) -> None:
    kube.ensure_namespace("blog")
    with pytest.raises(ApiError) as raised:
        list(tenant.list(Service, namespace="blog"))
    assert status_of(raised)[2].endswith('in the namespace "blog"')
    with pytest.raises(ApiError) as raised:
        list(tenant.list(Service, namespace="*"))
    assert status_of(raised)[2].endswith("at the cluster scope")


def test_apply_that_would_create_needs_create_too(
    kube: KubeDouble, tenant: lightkube.Client
) -> None:
    with pytest.raises(ApiError) as raised:
        tenant.apply(typed(Service, service_body(name="web", namespace="shop")))
    assert status_of(raised)[2] == (
        'services "web" is forbidden: User "system:serviceaccount:shop:app" cannot create '
        'resource "services" in API group "" in the namespace "shop"'
    )
    kube.seed(service_body(name="web", namespace="shop"))
    tenant.apply(typed(Service, service_body(name="web", namespace="shop")), force=True)


def test_trust_grants_everything_everywhere_and_removing_it_takes_it_back(
    kube: KubeDouble, tenant: lightkube.Client
) -> None:
    kube.ensure_namespace("blog")
    kube.trust("shop", "app")
    tenant.apply(typed(Gateway, gateway_body(namespace="blog")))
    assert list(tenant.list(GatewayClass)) == []
    kube.trust("shop", "app", trusted=False)
    with pytest.raises(ApiError):
        list(tenant.list(Gateway, namespace="shop"))


def test_nothing_is_stored_by_a_refused_write(kube: KubeDouble, tenant: lightkube.Client) -> None:
    with pytest.raises(ApiError):
        tenant.create(typed(HTTPRoute, route_body(namespace="shop")))
    assert kube.objects("HTTPRoute") == []
    record = kube.requests[-1]
    assert (record.verb, record.status, record.user) == (
        "create",
        403,
        "system:serviceaccount:shop:app",
    )


def test_unknown_token_is_unauthorized(kube: KubeDouble) -> None:
    response = httpx2.get(
        f"{kube.url}/api/v1/namespaces", headers={"Authorization": "Bearer nobody"}
    )
    assert response.status_code == 401
    assert response.json()["reason"] == "Unauthorized"


def test_shared_token_is_still_cluster_admin(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.service_account("shop", "app")
    client.create(typed(Service, service_body(name="web", namespace="default")))
    assert kube.requests[-1].user == kube.user == "system:serviceaccount:default:kubedouble"


def test_deny_speaks_for_whoever_asked(kube: KubeDouble) -> None:
    kube.ensure_namespace("shop")
    account = kube.service_account("shop", "app", trusted=True)
    kube.deny("list", "Service")
    client = kube.client(namespace="shop", token=account.token)
    with pytest.raises(ApiError) as raised:
        list(client.list(Service))
    assert 'User "system:serviceaccount:shop:app" cannot list' in status_of(raised)[2]


def test_service_account_again_sets_its_trust(kube: KubeDouble) -> None:
    first = kube.service_account("shop", "app")
    again = kube.service_account("shop", "app", trusted=True)
    assert again is first
    assert first.trusted


def test_trusting_an_unknown_account_is_an_error(kube: KubeDouble) -> None:
    with pytest.raises(KeyError):
        kube.trust("shop", "ghost")


def test_denying_create_also_stops_an_apply_that_would_create(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    kube.deny("create", "Service")
    with pytest.raises(ApiError) as raised:
        client.apply(typed(Service, service_body(name="web")))
    assert "cannot create resource" in status_of(raised)[2]
    kube.seed(service_body(name="web"))
    client.apply(typed(Service, service_body(name="web")), force=True)


def test_a_namespace_is_judged_in_itself(kube: KubeDouble, tenant: lightkube.Client) -> None:
    kube.ensure_namespace("blog")
    assert tenant.get(Namespace, "blog").metadata is not None  # the ClusterRole reads it
    kube.deny("get", "Namespace")
    with pytest.raises(ApiError) as raised:
        tenant.get(Namespace, "blog")
    assert status_of(raised)[2] == (
        'namespaces "blog" is forbidden: User "system:serviceaccount:shop:app" cannot get '
        'resource "namespaces" in API group "" in the namespace "blog"'
    )


@pytest.mark.parametrize(
    ("rule", "asked", "allowed"),
    [
        (
            Rule(("get",), ("",), ("namespaces",), ("shop",)),
            Attributes("get", "", "namespaces", name="shop"),
            True,
        ),
        (
            Rule(("get",), ("",), ("namespaces",), ("shop",)),
            Attributes("list", "", "namespaces"),
            False,
        ),
        (
            Rule(("list",), ("",), ("namespaces",), ("shop",)),
            Attributes("list", "", "namespaces", name="shop"),
            True,
        ),
        (Rule(("get",), ("",), ("services",)), Attributes("get", "", "services", "status"), False),
        (Rule(("get",), ("",), ("*/status",)), Attributes("get", "", "services", "status"), True),
        (Rule(("*",), ("*",), ("*",)), Attributes("deletecollection", "x.io", "widgets"), True),
        (Rule(("get",), ("",), ("services",)), Attributes("get", "apps", "services"), False),
    ],
)
def test_rules_match_as_kube_rbac_does(rule: Rule, asked: Attributes, allowed: bool) -> None:
    assert rule.allows(asked) is allowed


def test_a_list_selecting_one_name_carries_it(kube: KubeDouble, tenant: lightkube.Client) -> None:
    kube.deny("list", "Service")
    with pytest.raises(ApiError) as raised:
        list(tenant.list(Service, fields={"metadata.name": "web"}))
    assert status_of(raised)[2].startswith('services "web" is forbidden: ')
