"""The controller's seam: the same reconcile in process and over lightkube against any server.

`LightkubeCluster` is proven here against the double's HTTP endpoint, so the real-API-server
tier only has to plug its client in.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, cast

import lightkube
import pytest
import yaml
from lightkube import ApiError
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition

from kubedouble import GatewayController, KubeDouble
from kubedouble.admission import crd_dir
from kubedouble.clusters import CONTROLLER_MANAGER, LightkubeCluster
from kubedouble.samples import (
    backend_tls_policy_body,
    config_map_body,
    gateway_body,
    gateway_class_body,
    listener_set_body,
    route_body,
    service_body,
    tls_secret_body,
    typed,
)

STATUS_KINDS = ("GatewayClass", "Gateway", "ListenerSet", "HTTPRoute", "BackendTLSPolicy")


@pytest.fixture
def kube() -> Iterator[KubeDouble]:
    with KubeDouble("v1.6.1") as double:
        yield double
    assert not double.internal_errors, double.internal_errors


def _over_http(kube: KubeDouble, profile: str = "conformant") -> GatewayController:
    return GatewayController(LightkubeCluster(kube.client()), profile)


def _https(name: str, hostname: str, cert_ref: str) -> dict[str, Any]:
    return {
        "name": name,
        "port": 443,
        "protocol": "HTTPS",
        "hostname": hostname,
        "tls": {"certificateRefs": [{"name": cert_ref}]},
        "allowedRoutes": {"namespaces": {"from": "All"}},
    }


def _seed_everything(kube: KubeDouble) -> None:
    """Every kind the controller writes, including a conflict and an invalid CA reference."""
    for namespace in ("gw-ns", "app"):
        kube.ensure_namespace(namespace)
    kube.seed(gateway_class_body())
    kube.seed(tls_secret_body("cert", "gw-ns"))
    kube.seed(tls_secret_body("cert", "app"))
    kube.seed(
        gateway_body(
            "gw",
            "gw-ns",
            listeners=[_https("https", "a.example.com", "cert")],
            allowedListeners={"namespaces": {"from": "All"}},
        )
    )
    listeners = [_https("b", "b.example.com", "cert"), _https("dup", "a.example.com", "cert")]
    kube.seed(listener_set_body("extra", "app", gateway=("gw-ns", "gw"), listeners=listeners))
    kube.seed(service_body("web", "app"))
    kube.seed(config_map_body("web-ca", "app", {"not-ca": "x"}))
    refs = [{"group": "", "kind": "ConfigMap", "name": "web-ca"}]
    kube.seed(backend_tls_policy_body("web-tls", "app", service="web", ca_refs=refs))
    on_gateway = {"name": "gw", "namespace": "gw-ns"}
    on_set = {"group": "gateway.networking.k8s.io", "kind": "ListenerSet", "name": "extra"}
    kube.seed(route_body("a", "app", parent=on_gateway, hostnames=["a.example.com"]))
    kube.seed(route_body("b", "app", parent=on_set, hostnames=["b.example.com"]))


def _statuses(kube: KubeDouble) -> dict[tuple[str, str, str], Any]:
    """Every status the controller may write, without its timestamps."""
    out = {}
    for kind in STATUS_KINDS:
        for obj in kube.objects(kind):
            meta = obj["metadata"]
            out[(kind, meta.get("namespace") or "", meta["name"])] = _untimed(obj.get("status"))
    return out


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k != "lastTransitionTime"}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return copy.deepcopy(value)


@pytest.mark.parametrize(
    "profile", ["conformant", "core-only", "never-programmed", "merged-gateways"]
)
def test_over_http_the_controller_writes_what_it_writes_in_process(profile: str) -> None:
    with KubeDouble("v1.6.1") as in_process, KubeDouble("v1.6.1") as over_http:
        for double in (in_process, over_http):
            _seed_everything(double)
        in_process.controller.profile = profile
        in_process.controller.reconcile()
        _over_http(over_http, profile).reconcile()
        assert _statuses(over_http) == _statuses(in_process)
        assert over_http.internal_errors == []


def test_the_comparison_covers_each_kind_the_controller_writes(kube: KubeDouble) -> None:
    _seed_everything(kube)
    _over_http(kube).reconcile()
    written = {kind for (kind, _, _), status in _statuses(kube).items() if status}
    assert written == set(STATUS_KINDS)


def test_status_goes_through_the_status_subresource_as_the_controller(kube: KubeDouble) -> None:
    _seed_everything(kube)
    _over_http(kube).reconcile()
    writes = [r for r in kube.requests if r.verb in ("create", "update", "patch", "apply")]
    assert writes
    assert {(r.verb, r.subresource, r.field_manager) for r in writes} == {
        ("patch", "status", CONTROLLER_MANAGER)
    }
    assert {r.patch_type for r in writes} == {"application/merge-patch+json"}


def test_each_kind_is_listed_once_per_reconcile(kube: KubeDouble) -> None:
    _seed_everything(kube)
    kube.reset_requests()
    _over_http(kube).reconcile()
    lists = [r.kind or "" for r in kube.requests if r.verb == "list"]
    assert sorted(lists) == sorted(set(lists))
    assert {"Gateway", "HTTPRoute", "ListenerSet", "BackendTLSPolicy", "Secret"} <= set(lists)


def test_fields_dropped_from_the_status_are_removed_over_http(kube: KubeDouble) -> None:
    _seed_everything(kube)
    controller = _over_http(kube)
    controller.reconcile(addresses=["10.0.0.1"])
    controller.reconcile(addresses=[])
    status = kube.read("Gateway", "gw", "gw-ns")["status"]
    assert "addresses" not in status
    programmed = next(c for c in status["conditions"] if c["type"] == "Programmed")
    assert (programmed["status"], programmed["reason"]) == ("False", "AddressNotAssigned")


def test_a_refused_class_resets_gateways_to_the_crd_default_over_http(kube: KubeDouble) -> None:
    _seed_everything(kube)
    controller = _over_http(kube)
    controller.reconcile()
    controller.reconcile(class_accepted=False)
    status = kube.read("Gateway", "gw", "gw-ns")["status"]
    assert set(status) == {"conditions"}
    assert {(c["status"], c["reason"]) for c in status["conditions"]} == {("Unknown", "Pending")}


@pytest.mark.parametrize(
    ("version", "served"),
    [
        (None, set()),
        ("v1.2.1", {"Gateway"}),
        ("v1.4.1", {"Gateway", "BackendTLSPolicy"}),
        ("v1.6.1", {"Gateway", "BackendTLSPolicy", "ListenerSet"}),
    ],
)
def test_over_http_a_kind_is_served_when_its_list_answers(
    version: str | None, served: set[str]
) -> None:
    with KubeDouble(version) as double:
        cluster = LightkubeCluster(double.client())
        with cluster.snapshot():
            found = {
                k for k in ("Gateway", "BackendTLSPolicy", "ListenerSet") if cluster.serves(k)
            }
        assert found == served


def test_without_the_gateway_api_the_controller_writes_nothing_over_http() -> None:
    with KubeDouble(None) as double:
        _over_http(double).reconcile()
        assert double.count("patch") == 0


def test_a_status_write_the_server_forbids_surfaces(kube: KubeDouble) -> None:
    _seed_everything(kube)
    kube.deny("patch", "Gateway")
    with pytest.raises(ApiError) as error:
        _over_http(kube).reconcile()
    assert error.value.status.code == 403


def test_without_the_crd_to_read_the_field_is_written_and_the_server_prunes_it() -> None:
    # The double does not serve CustomResourceDefinitions; a real API server does, and then
    # the field is not written at all where the schema lacks it.
    with KubeDouble("v1.2.1") as double:
        _seed_everything_v12(double)
        _over_http(double).reconcile()
        status = double.read("GatewayClass", "gc")["status"]
        assert "supportedFeatures" not in status
        assert double.warnings == ['unknown field "status.supportedFeatures"']


def _seed_everything_v12(kube: KubeDouble) -> None:
    kube.seed(gateway_class_body())
    kube.seed(gateway_body())


class _ServesCrds:
    """Answers a CRD GET as kube-apiserver does (the double serves no apiextensions)."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.asked: list[str] = []

    def get(self, resource: type, name: str) -> CustomResourceDefinition:
        self.asked.append(name)
        path = crd_dir(self.version) / f"{GROUP_PREFIX}{name.split('.', 1)[0]}.yaml"
        return typed(CustomResourceDefinition, yaml.safe_load(path.read_text()))


GROUP_PREFIX = "gateway.networking.k8s.io_"


@pytest.mark.parametrize(("version", "present"), [("v1.2.1", False), ("v1.6.1", True)])
def test_over_http_the_crd_says_which_status_fields_exist(version: str, present: bool) -> None:
    server = _ServesCrds(version)
    cluster = LightkubeCluster(cast(lightkube.Client, server))
    assert cluster.has_status_field("GatewayClass", "supportedFeatures") is present
    assert cluster.has_status_field("GatewayClass", "conditions") is True
    assert server.asked == ["gatewayclasses.gateway.networking.k8s.io"]  # read once, cached
