"""The GatewayController: Gateway, listener and HTTPRoute status as the Gateway API spec says."""

from __future__ import annotations

from typing import Any

import pytest

from kubedouble import KubeDouble
from kubedouble.samples import gateway_body, gateway_class_body, route_body, service_body

TLS_DATA = {"tls.crt": "Y3J0", "tls.key": "a2V5"}


def _listeners() -> list[dict[str, Any]]:
    return [
        {
            "name": "http",
            "port": 80,
            "protocol": "HTTP",
            "allowedRoutes": {"namespaces": {"from": "All"}},
        },
        {
            "name": "https-a",
            "port": 443,
            "protocol": "HTTPS",
            "hostname": "a.example.com",
            "tls": {"certificateRefs": [{"name": "cert-a"}]},
            "allowedRoutes": {
                "namespaces": {
                    "from": "Selector",
                    "selector": {"matchLabels": {"kubernetes.io/metadata.name": "app"}},
                }
            },
        },
        {
            "name": "wild",
            "port": 443,
            "protocol": "HTTPS",
            "hostname": "*.wild.example.com",
            "tls": {"certificateRefs": [{"name": "cert-a"}]},
            "allowedRoutes": {"namespaces": {"from": "All"}},
        },
    ]


@pytest.fixture
def cluster(kube: KubeDouble) -> KubeDouble:
    """A GatewayClass, a Gateway `gw-ns/gw` with three listeners, and namespaces app/other."""
    for namespace in ("gw-ns", "app", "other", "backend"):
        kube.ensure_namespace(namespace)
    kube.seed(gateway_class_body())
    kube.seed(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "kubernetes.io/tls",
            "metadata": {"name": "cert-a", "namespace": "gw-ns"},
            "data": TLS_DATA,
        }
    )
    kube.seed(gateway_body("gw", "gw-ns", listeners=_listeners()))
    for namespace in ("app", "other", "backend"):
        kube.seed(service_body("web", namespace))
    return kube


def _parent_status(
    kube: KubeDouble, name: str = "route", namespace: str = "app"
) -> dict[str, Any]:
    route = kube.read("HTTPRoute", name, namespace)
    assert route is not None
    (parent,) = route["status"]["parents"]
    return {c["type"]: (c["status"], c["reason"]) for c in parent["conditions"]}


def _listener(kube: KubeDouble, name: str) -> dict[str, Any]:
    gateway = kube.read("Gateway", "gw", "gw-ns")
    assert gateway is not None
    return next(li for li in gateway["status"]["listeners"] if li["name"] == name)


GW = {"name": "gw", "namespace": "gw-ns"}


@pytest.mark.parametrize(
    ("namespace", "parent", "hostnames", "backend", "accepted", "resolved"),
    [
        (
            "app",
            {**GW, "sectionName": "https-a"},
            ["a.example.com"],
            None,
            ("True", "Accepted"),
            ("True", "ResolvedRefs"),
        ),
        (
            "other",
            {**GW, "sectionName": "https-a"},
            ["a.example.com"],
            None,
            ("False", "NotAllowedByListeners"),
            ("True", "ResolvedRefs"),
        ),
        (
            "app",
            {**GW, "sectionName": "https-a"},
            ["b.example.com"],
            None,
            ("False", "NoMatchingListenerHostname"),
            ("True", "ResolvedRefs"),
        ),
        (
            "other",
            {**GW, "sectionName": "wild"},
            ["x.wild.example.com"],
            None,
            ("True", "Accepted"),
            ("True", "ResolvedRefs"),
        ),
        (
            "other",
            {**GW, "sectionName": "wild"},
            ["wild.example.com"],
            None,
            ("False", "NoMatchingListenerHostname"),
            ("True", "ResolvedRefs"),
        ),
        (
            "app",
            {**GW, "sectionName": "nope"},
            None,
            None,
            ("False", "NoMatchingParent"),
            ("True", "ResolvedRefs"),
        ),
        (
            "app",
            {"name": "missing", "namespace": "gw-ns"},
            None,
            None,
            ("False", "NoMatchingParent"),
            ("True", "ResolvedRefs"),
        ),
        (
            "app",
            GW,
            ["b.example.com"],
            None,
            ("True", "Accepted"),
            ("True", "ResolvedRefs"),
        ),  # the http listener has no hostname
        (
            "app",
            {**GW, "port": 443},
            ["b.example.com"],
            None,
            ("False", "NoMatchingListenerHostname"),
            ("True", "ResolvedRefs"),
        ),
        (
            "app",
            GW,
            None,
            {"name": "absent", "port": 80},
            ("True", "Accepted"),
            ("False", "BackendNotFound"),
        ),
        (
            "app",
            GW,
            None,
            {"name": "web", "namespace": "backend", "port": 80},
            ("True", "Accepted"),
            ("False", "RefNotPermitted"),
        ),
        (
            "app",
            GW,
            None,
            {"group": "example.com", "kind": "Bucket", "name": "b"},
            ("True", "Accepted"),
            ("False", "InvalidKind"),
        ),
    ],
)
def test_route_attachment(
    cluster: KubeDouble,
    *,
    namespace: str,
    parent: dict[str, Any],
    hostnames: list[str] | None,
    backend: dict[str, Any] | None,
    accepted: tuple[str, str],
    resolved: tuple[str, str],
) -> None:
    cluster.seed(
        route_body(namespace=namespace, parent=parent, hostnames=hostnames, backend=backend)
    )
    cluster.controller.reconcile()
    conditions = _parent_status(cluster, namespace=namespace)
    assert conditions == {"Accepted": accepted, "ResolvedRefs": resolved}


def test_reference_grant_permits_cross_namespace_backend(cluster: KubeDouble) -> None:
    cluster.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": {"name": "allow-app", "namespace": "backend"},
            "spec": {
                "from": [
                    {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "app"}
                ],
                "to": [{"group": "", "kind": "Service"}],
            },
        }
    )
    backend = {"name": "web", "namespace": "backend", "port": 80}
    cluster.seed(route_body(namespace="app", parent=GW, backend=backend))
    cluster.controller.reconcile()
    assert _parent_status(cluster)["ResolvedRefs"] == ("True", "ResolvedRefs")


def test_accepted_route_counts_on_its_listeners(cluster: KubeDouble) -> None:
    parent = {**GW, "sectionName": "https-a"}
    cluster.seed(route_body(namespace="app", parent=parent, hostnames=["a.example.com"]))
    cluster.controller.reconcile()
    assert _listener(cluster, "https-a")["attachedRoutes"] == 1
    assert _listener(cluster, "http")["attachedRoutes"] == 0


def test_route_without_section_attaches_to_every_matching_listener(cluster: KubeDouble) -> None:
    cluster.seed(route_body(namespace="app", parent=GW, hostnames=["a.example.com"]))
    cluster.controller.reconcile()
    counts = {
        name: _listener(cluster, name)["attachedRoutes"] for name in ("http", "https-a", "wild")
    }
    assert counts == {"http": 1, "https-a": 1, "wild": 0}


def test_rejected_route_is_not_accepted(cluster: KubeDouble) -> None:
    cluster.seed(route_body(namespace="app", parent=GW))
    cluster.controller.reject("app", "route", "UnsupportedValue", "filter not supported")
    cluster.controller.reconcile()
    assert _parent_status(cluster)["Accepted"] == ("False", "UnsupportedValue")


def test_forgotten_rejection_lets_route_attach(cluster: KubeDouble) -> None:
    cluster.seed(route_body(namespace="app", parent=GW))
    cluster.controller.reject("app", "route", "UnsupportedValue", "no")
    cluster.controller.forget_rejection("app", "route")
    cluster.controller.reconcile()
    assert _parent_status(cluster)["Accepted"] == ("True", "Accepted")


def test_gateway_gets_addresses_and_programmed(cluster: KubeDouble) -> None:
    cluster.controller.reconcile(addresses=["10.9.9.9", "gw.example.com"])
    status = cluster.read("Gateway", "gw", "gw-ns")["status"]
    assert status["addresses"] == [
        {"type": "IPAddress", "value": "10.9.9.9"},
        {"type": "Hostname", "value": "gw.example.com"},
    ]
    conditions = {c["type"]: c["status"] for c in status["conditions"]}
    assert conditions == {"Accepted": "True", "Programmed": "True"}


def test_https_listener_with_missing_secret_is_not_programmed(kube: KubeDouble) -> None:
    kube.seed(gateway_class_body())
    listener = {
        "name": "https",
        "port": 443,
        "protocol": "HTTPS",
        "hostname": "a.example.com",
        "tls": {"certificateRefs": [{"name": "absent"}]},
    }
    kube.seed(gateway_body(listeners=[listener]))
    kube.controller.reconcile()
    status = kube.read("Gateway", "gw")["status"]["listeners"][0]
    conditions = {c["type"]: (c["status"], c["reason"]) for c in status["conditions"]}
    assert conditions["ResolvedRefs"] == ("False", "InvalidCertificateRef")
    assert conditions["Programmed"] == ("False", "Invalid")


def test_listeners_sharing_port_with_different_protocols_conflict(kube: KubeDouble) -> None:
    # The CRD's own CEL rule already refuses two listeners with equal port+protocol+hostname.
    kube.seed(gateway_class_body())
    listeners = [
        {"name": "a", "port": 80, "protocol": "HTTP", "hostname": "x.example.com"},
        {"name": "b", "port": 80, "protocol": "HTTPS", "hostname": "y.example.com"},
    ]
    kube.seed(gateway_body(listeners=listeners))
    kube.controller.reconcile()
    for status in kube.read("Gateway", "gw")["status"]["listeners"]:
        conflicted = next(c for c in status["conditions"] if c["type"] == "Conflicted")
        assert (conflicted["status"], conflicted["reason"]) == ("True", "ProtocolConflict")


def test_unaccepted_class_leaves_gateway_as_the_crd_defaults_it(cluster: KubeDouble) -> None:
    cluster.controller.reconcile(class_accepted=False)
    gateway_class = cluster.read("GatewayClass", "gc")["status"]["conditions"][0]
    assert (gateway_class["status"], gateway_class["reason"]) == ("False", "InvalidParameters")
    # Exactly what the CRD defaults an unreconciled Gateway to.
    assert cluster.read("Gateway", "gw", "gw-ns")["status"] == {
        "conditions": [
            {
                "lastTransitionTime": "1970-01-01T00:00:00Z",
                "message": "Waiting for controller",
                "reason": "Pending",
                "status": "Unknown",
                "type": kind,
            }
            for kind in ("Accepted", "Programmed")
        ]
    }


def test_gateway_of_a_class_refused_later_returns_to_pending(cluster: KubeDouble) -> None:
    cluster.controller.reconcile()
    cluster.controller.reconcile(class_accepted=False)
    status = cluster.read("Gateway", "gw", "gw-ns")["status"]
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == [
        ("Accepted", "Unknown", "Pending"),
        ("Programmed", "Unknown", "Pending"),
    ]
    assert "addresses" not in status


def test_gateway_of_unknown_class_is_left_alone(kube: KubeDouble) -> None:
    kube.seed(gateway_body(gatewayClassName="nobody"))
    before = kube.read("Gateway", "gw")
    kube.controller.reconcile()
    assert kube.get("Gateway", "gw") == before


def test_repeated_reconcile_writes_nothing(cluster: KubeDouble) -> None:
    cluster.seed(route_body(namespace="app", parent=GW))
    cluster.controller.reconcile()
    versions = [o["metadata"]["resourceVersion"] for o in cluster.objects()]
    cluster.controller.reconcile()
    assert [o["metadata"]["resourceVersion"] for o in cluster.objects()] == versions


def test_route_status_tracks_route_generation(cluster: KubeDouble) -> None:
    cluster.seed(route_body(namespace="app", parent=GW))
    cluster.controller.reconcile()
    route = cluster.read("HTTPRoute", "route", "app")
    (parent,) = route["status"]["parents"]
    assert {c["observedGeneration"] for c in parent["conditions"]} == {
        route["metadata"]["generation"]
    }


def test_controller_works_on_both_crd_versions(kube_any: KubeDouble) -> None:
    kube_any.seed(gateway_class_body())
    kube_any.seed(gateway_body())
    kube_any.seed(service_body())
    kube_any.seed(route_body())
    kube_any.controller.reconcile()
    assert _parent_status(kube_any, namespace="default")["Accepted"] == ("True", "Accepted")


def _listener_set(namespace: str = "app") -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "ListenerSet",
        "metadata": {"name": "extra", "namespace": namespace},
        "spec": {
            "parentRef": {"name": "gw", "namespace": "default"},
            "listeners": [
                {"name": "b", "port": 80, "protocol": "HTTP", "hostname": "b.example.com"}
            ],
        },
    }


def _route_to_listener_set(kube: KubeDouble) -> None:
    kube.seed(gateway_class_body())
    kube.ensure_namespace("app")
    kube.seed(service_body("web", "app"))
    parent = {"group": "gateway.networking.k8s.io", "kind": "ListenerSet", "name": "extra"}
    kube.seed(route_body(namespace="app", parent=parent, hostnames=["b.example.com"]))
    kube.seed(_listener_set())


def test_route_attaches_through_allowed_listener_set(kube: KubeDouble) -> None:
    kube.seed(gateway_body(allowedListeners={"namespaces": {"from": "All"}}))
    _route_to_listener_set(kube)
    kube.controller.reconcile()
    assert _parent_status(kube)["Accepted"] == ("True", "Accepted")
    listener_set = kube.read("ListenerSet", "extra", "app")["status"]
    assert listener_set["listeners"][0]["attachedRoutes"] == 1
    assert kube.read("Gateway", "gw")["status"]["attachedListenerSets"] == 1


def test_listener_set_not_allowed_by_gateway_is_refused(kube: KubeDouble) -> None:
    kube.seed(gateway_body())  # allowedListeners defaults to from: None
    _route_to_listener_set(kube)
    kube.controller.reconcile()
    accepted = kube.read("ListenerSet", "extra", "app")["status"]["conditions"][0]
    assert (accepted["status"], accepted["reason"]) == ("False", "NotAllowed")
    assert _parent_status(kube)["Accepted"] == ("False", "NotAllowedByListeners")
