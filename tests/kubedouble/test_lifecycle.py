"""Starting, stopping and reaching the double; the request log and control API."""

from __future__ import annotations

import os
from pathlib import Path

import httpx2
import lightkube
import pytest
from lightkube.resources.core_v1 import Namespace, Service

from kubedouble import KubeDouble
from kubedouble.samples import service_body, typed


def test_doubles_of_one_release_share_its_parsed_crds() -> None:
    # Why a double starts in milliseconds: CRDs are parsed and CEL compiled once per release
    # per process (the timing itself is in the benchmark, python -m bench).
    first, second = KubeDouble("v1.6.1"), KubeDouble("v1.6.1")
    assert first._api.validator is second._api.validator
    with second:
        names = [s.metadata.name for s in second.client().list(Service) if s.metadata]
        assert names == ["kubernetes"]  # the API server's own Service


def test_stop_closes_the_port() -> None:
    kube = KubeDouble()
    kube.start()
    client = kube.client()
    list(client.list(Service))
    kube.stop()
    with pytest.raises(httpx2.TransportError):
        list(client.list(Service))


def test_kube_fixture_points_plain_client_at_double(kube: KubeDouble) -> None:
    kube.seed(service_body())
    assert os.environ["KUBECONFIG"]
    names = [s.metadata.name for s in lightkube.Client().list(Service) if s.metadata]
    assert names == ["kubernetes", "web"]


def test_kubeconfig_in_a_folder(kube: KubeDouble, tmp_path: Path) -> None:
    path = kube.kubeconfig(tmp_path)
    client = lightkube.Client(config=lightkube.KubeConfig.from_file(path), trust_env=False)
    assert client.get(Namespace, "default").metadata is not None


def test_cluster_starts_with_default_namespaces(kube: KubeDouble) -> None:
    names = [ns["metadata"]["name"] for ns in kube.objects("Namespace")]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]


def test_count_by_verb_and_kind(kube: KubeDouble) -> None:
    client = kube.client(field_manager="t")
    client.apply(typed(Service, service_body()))
    client.get(Service, "web", namespace="default")
    client.get(Namespace, "default")
    assert (kube.count("apply", "Service"), kube.count("get"), kube.count(kind="Service")) == (
        1,
        2,
        2,
    )


def test_reset_requests_clears_log(kube: KubeDouble) -> None:
    list(kube.client().list(Service))
    kube.reset_requests()
    assert kube.requests == []
    assert kube.count() == 0


def test_request_record_carries_query_and_patch_type(kube: KubeDouble) -> None:
    kube.client(field_manager="charm").apply(typed(Service, service_body()), force=True)
    record = kube.requests[-1]
    assert record.patch_type == "application/apply-patch+yaml"
    assert record.query == {"fieldManager": "charm", "force": "true"}
    assert record.body["metadata"]["name"] == "web"


def test_control_writes_are_not_logged(kube: KubeDouble) -> None:
    kube.seed(service_body())
    kube.controller.reconcile()
    assert kube.requests == []


def test_objects_filter_by_labels(kube: KubeDouble) -> None:
    kube.seed(service_body("a", owner="me"))
    kube.seed(service_body("b", owner="you"))
    assert [o["metadata"]["name"] for o in kube.objects(labels={"owner": "me"})] == ["a"]


def test_get_of_unserved_kind_names_served_kinds(kube: KubeDouble) -> None:
    with pytest.raises(KeyError, match="served"):
        kube.get("Widget", "w")


def test_seed_accepts_lightkube_resources(kube: KubeDouble) -> None:
    stored = kube.seed(typed(Service, service_body()))
    assert stored["metadata"]["uid"]


def test_seed_with_status_writes_status(kube: KubeDouble) -> None:
    body = {**service_body(), "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}
    kube.seed(body)
    assert kube.read("Service", "web")["status"]["loadBalancer"]["ingress"] == [{"ip": "1.2.3.4"}]
