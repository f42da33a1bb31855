"""The Applier with the permissions Juju gives an application, trusted or not.

On the real server the identity is a ServiceAccount bound to Juju's own Role and ClusterRole
(realapi.juju_rbac, from juju/juju internal/provider/kubernetes/application/trust.go); on the
double, `KubeDouble.juju_untrusted()` refuses the same verbs, namespace-blind.
"""

from typing import Any

import pytest
from lightkube import ApiError, Client, KubeConfig
from lightkube.resources.core_v1 import Service

from kube_apply import Applier, HTTPRoute
from kube_objects import Forbidden, Owner
from realapi.cluster import RealCluster

MODEL, APP = "shop", "shop-route"
OWNER = Owner(charm="gateway-route-configurator", application=APP, model=MODEL)
WRITES = ("create", "update", "patch", "apply", "delete", "deletecollection")


def act_as(api: Any, *, trusted: bool) -> Client:
    """A client that is the application `shop-route` of model `shop`."""
    api.ensure_namespace(MODEL)
    if isinstance(api, RealCluster):
        token = api.identity(MODEL, APP, trusted=trusted)
        config = KubeConfig.from_dict(api.server.kubeconfig(token, MODEL))
        return Client(config=config, field_manager=APP, namespace=MODEL, trust_env=False)
    if not trusted:
        api.juju_untrusted()
    return Client(field_manager=APP, namespace=MODEL)


def service() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "catalogue", "namespace": MODEL},
        "spec": {"selector": {"app.kubernetes.io/name": "catalogue"}, "ports": [{"port": 80}]},
    }


def route() -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "catalogue", "namespace": MODEL},
        "spec": {
            "parentRefs": [{"name": "gateway", "namespace": "edge"}],
            "rules": [{"backendRefs": [{"name": "catalogue", "port": 80}]}],
        },
    }


def test_trusted_application_applies_service_and_route(api) -> None:
    applier = Applier(act_as(api, trusted=True), OWNER)

    report = applier.sync([service(), route()], [Service, HTTPRoute], MODEL)

    assert report.applied == ["Service shop/catalogue", "HTTPRoute shop/catalogue"]
    assert api.get("HTTPRoute", "catalogue", MODEL) is not None


def test_untrusted_application_is_refused_before_it_writes_anything(api) -> None:
    applier = Applier(act_as(api, trusted=False), OWNER)
    api.reset_requests()

    # The Applier raises the typed failure (kube_apply.classify of the client's error).
    with pytest.raises(Forbidden) as refused:
        applier.sync([service(), route()], [Service, HTTPRoute], MODEL)

    assert refused.value.rbac  # the real authorizer's words: the charm says "juju trust"
    assert sum(api.count(verb) for verb in WRITES) == 0
    assert api.get("Service", "catalogue", MODEL) is None
    assert api.get("HTTPRoute", "catalogue", MODEL) is None


def test_untrusted_application_may_change_but_not_create_a_service(api) -> None:
    # Juju's untrusted Role allows get/list/patch on services but not create; server-side
    # apply of a missing object is authorized as create too. Found on the real server, where
    # the double had let `patch` alone create (fixed: kubedouble.faults.denied).
    applier = Applier(act_as(api, trusted=False), OWNER)

    with pytest.raises(Forbidden) as refused:
        applier.sync([service()], [Service], MODEL)
    assert refused.value.code == 403
    assert 'cannot create resource "services"' in refused.value.message
    api.seed(OWNER.stamp(service()))
    changed = service()
    changed["spec"]["selector"] = {"app.kubernetes.io/name": "catalogue-v2"}
    report = applier.sync([changed], [Service], MODEL)

    assert report.applied == ["Service shop/catalogue"]
    stored = api.read("Service", "catalogue", MODEL)
    assert stored["spec"]["selector"] == {"app.kubernetes.io/name": "catalogue-v2"}


def test_untrusted_application_cannot_read_another_namespace(api) -> None:
    if not isinstance(api, RealCluster):
        pytest.skip("the double's RBAC denials are not namespaced (docs/reference/kube-double.md)")
    client = act_as(api, trusted=False)

    with pytest.raises(ApiError) as refused:
        list(client.list(Service, namespace="default"))

    assert refused.value.status.code == 403
