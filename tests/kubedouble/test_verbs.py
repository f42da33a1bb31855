"""Every verb, through the real lightkube client, on core kinds and Gateway API resources."""

from __future__ import annotations

import base64
import uuid

import lightkube
import pytest
from lightkube import ApiError
from lightkube.models.core_v1 import ServicePort, ServiceSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import Namespace, Secret, Service
from lightkube.types import PatchType

from kubedouble import KubeDouble
from kubedouble.samples import Gateway, GatewayClass, gateway_body, service_body, typed


@pytest.fixture
def kube(api):
    """These behaviours must hold on both servers: the double and a real kube-apiserver."""
    return api


def test_create_then_get_returns_server_metadata(client: lightkube.Client) -> None:
    client.create(typed(Service, service_body()))
    got = client.get(Service, "web", namespace="default")
    assert got.metadata is not None
    assert got.metadata.uid
    assert got.metadata.creationTimestamp
    assert int(got.metadata.resourceVersion or 0) > 0


def test_service_gets_a_cluster_ip(client: lightkube.Client) -> None:
    created = client.create(typed(Service, service_body()))
    assert created.spec is not None
    assert created.spec.clusterIP


def test_namespace_carries_its_name_label(client: lightkube.Client) -> None:
    # A new name per run: namespaces outlive a test on the real server (no namespace controller).
    name = f"team-{uuid.uuid4().hex[:8]}"
    created = client.create(Namespace(metadata=ObjectMeta(name=name)))
    assert created.metadata is not None
    assert created.metadata.labels == {"kubernetes.io/metadata.name": name}


def test_list_across_all_namespaces(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.ensure_namespace("other")
    kube.seed(service_body("a"))
    kube.seed(service_body("b", "other"))
    names = sorted(
        s.metadata.name or "" for s in client.list(Service, namespace="*") if s.metadata
    )
    assert names == ["a", "b", "kubernetes"]  # with the API server's own Service


def test_list_reports_collection_resource_version(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    """The collection's version is the store's revision when the list was served.

    On a real server that is etcd's revision, which the server's own writes (its identity
    Lease in kube-system is renewed every few seconds) also advance; so it is at least the
    newest item's version and below that of any later write, not equal to an item's.
    """
    kube.seed(service_body())
    listing = client.list(Service)
    list(listing)
    item = int(kube.read("Service", "web")["metadata"]["resourceVersion"])
    assert int(listing.resourceVersion or 0) >= item
    kube.seed(service_body("later"))
    assert int(kube.read("Service", "later")["metadata"]["resourceVersion"]) > int(
        listing.resourceVersion or 0
    )


def test_list_pages_with_chunk_size(kube: KubeDouble, client: lightkube.Client) -> None:
    for name in ("a", "b", "c"):
        kube.seed(service_body(name))
    names = [s.metadata.name for s in client.list(Service, chunk_size=2) if s.metadata]
    assert names == ["a", "b", "c", "kubernetes"]
    assert kube.count("list", "Service") == 2


def test_replace_bumps_resource_version(client: lightkube.Client) -> None:
    created = client.create(typed(Service, service_body()))
    assert created.metadata is not None
    assert created.metadata.labels is None  # empty labels are not stored (omitempty)
    created.metadata.labels = {"tier": "front"}
    replaced = client.replace(created)
    assert replaced.metadata is not None
    assert int(replaced.metadata.resourceVersion or 0) > int(created.metadata.resourceVersion or 0)
    assert replaced.metadata.labels == {"tier": "front"}


def test_replace_with_stale_resource_version_conflicts(client: lightkube.Client) -> None:
    first = client.create(typed(Service, service_body()))
    client.patch(Service, "web", {"metadata": {"labels": {"x": "1"}}}, namespace="default")
    with pytest.raises(ApiError) as raised:
        client.replace(first)
    assert (raised.value.status.code, raised.value.status.reason) == (409, "Conflict")


def test_replace_of_missing_object_is_not_found(client: lightkube.Client) -> None:
    secret = Secret(metadata=ObjectMeta(name="s", namespace="default"), data={})
    with pytest.raises(ApiError) as raised:
        client.replace(secret)
    assert raised.value.status.code == 404


def test_replace_of_missing_service_creates_it(kube: KubeDouble, client: lightkube.Client) -> None:
    # The Service registry allows create on update; most kinds answer 404 (above).
    client.replace(typed(Service, service_body()))
    assert kube.read("Service", "web")["spec"]["ports"][0]["port"] == 80


def test_custom_resource_replace_needs_resource_version(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    kube.seed(gateway_body())
    with pytest.raises(ApiError) as raised:
        client.replace(typed(Gateway, gateway_body()))
    assert raised.value.status.code == 422


@pytest.mark.parametrize(
    ("patch_type", "patch"),
    [
        (PatchType.MERGE, {"metadata": {"labels": {"tier": "front"}}}),
        (PatchType.STRATEGIC, {"metadata": {"labels": {"tier": "front"}}}),
        (PatchType.JSON, [{"op": "add", "path": "/metadata/labels/tier", "value": "front"}]),
    ],
)
def test_patch_types_change_labels(
    kube: KubeDouble, client: lightkube.Client, patch_type: PatchType, patch: dict | list
) -> None:
    kube.seed(service_body(app="web"))
    patched = client.patch(Service, "web", patch, namespace="default", patch_type=patch_type)
    assert patched.metadata is not None
    assert patched.metadata.labels == {"app": "web", "tier": "front"}


def test_strategic_patch_merges_service_ports_by_port(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    kube.seed(service_body())
    patch = {"spec": {"ports": [{"port": 443, "name": "https"}]}}
    client.patch(Service, "web", patch, namespace="default", patch_type=PatchType.STRATEGIC)
    ports = sorted(p["port"] for p in kube.read("Service", "web")["spec"]["ports"])
    assert ports == [80, 443]


def test_merge_patch_replaces_lists(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(service_body())
    patch = {"spec": {"ports": [{"port": 443}]}}
    client.patch(Service, "web", patch, namespace="default", patch_type=PatchType.MERGE)
    assert [p["port"] for p in kube.read("Service", "web")["spec"]["ports"]] == [443]


def test_strategic_patch_on_custom_resource_is_unsupported(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    kube.seed(gateway_body())
    with pytest.raises(ApiError) as raised:
        client.patch(Gateway, "gw", {"metadata": {"labels": {"a": "b"}}}, namespace="default")
    assert raised.value.status.code == 415


def test_merge_patch_on_custom_resource_bumps_generation(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    kube.seed(gateway_body())
    patched = client.patch(
        Gateway,
        "gw",
        {"spec": {"gatewayClassName": "other"}},
        namespace="default",
        patch_type=PatchType.MERGE,
    )
    assert patched["metadata"]["generation"] == 2


def test_label_change_does_not_bump_generation(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(gateway_body())
    patched = client.patch(
        Gateway,
        "gw",
        {"metadata": {"labels": {"a": "b"}}},
        namespace="default",
        patch_type=PatchType.MERGE,
    )
    assert patched["metadata"]["generation"] == 1


def test_apply_creates_then_updates(client: lightkube.Client) -> None:
    spec = ServiceSpec(ports=[ServicePort(port=80)])
    client.apply(Service(metadata=ObjectMeta(name="web", namespace="default"), spec=spec))
    spec.selector = {"app": "web"}
    updated = client.apply(
        Service(metadata=ObjectMeta(name="web", namespace="default"), spec=spec)
    )
    assert updated.spec is not None
    assert updated.spec.selector == {"app": "web"}


def test_apply_is_logged_as_apply(kube: KubeDouble, client: lightkube.Client) -> None:
    client.apply(typed(Service, service_body()))
    record = kube.requests[-1]
    assert (record.verb, record.kind, record.field_manager, record.status) == (
        "apply",
        "Service",
        "tester",
        201,
    )


def test_apply_without_field_manager_is_refused_by_lightkube(kube: KubeDouble) -> None:
    with pytest.raises(ValueError, match="field_manager"):
        kube.client().apply(typed(Service, service_body()))


def test_delete_removes_object(kube: KubeDouble, client: lightkube.Client) -> None:
    kube.seed(service_body())
    client.delete(Service, "web", namespace="default")
    assert kube.get("Service", "web") is None


def test_delete_missing_is_not_found(client: lightkube.Client) -> None:
    with pytest.raises(ApiError) as raised:
        client.delete(Service, "nope", namespace="default")
    assert raised.value.status.code == 404


def test_deletecollection_honours_label_selector(kube: KubeDouble) -> None:
    kube.seed(service_body("mine", app="x"))
    kube.seed(service_body("theirs", app="y"))
    # lightkube's deletecollection takes no selector; send one the way kubectl does.
    client = kube.client()
    client._client.request(
        "deletecollection", res=Service, namespace="default", params={"labelSelector": "app=x"}
    )
    assert [o["metadata"]["name"] for o in kube.objects("Service")] == ["kubernetes", "theirs"]


def test_deletecollection_without_selector_empties_namespace(kube: KubeDouble) -> None:
    # Not in `default`: its `kubernetes` Service would go too, and a real server recreates it
    # up to 10 s later, under whichever test runs then.
    kube.ensure_namespace("wipe")
    kube.seed(service_body("a", "wipe"))
    kube.seed(service_body("b", "wipe"))
    kube.client().deletecollection(Service, namespace="wipe")
    assert kube.objects("Service", namespace="wipe") == []


def test_deleting_namespace_deletes_its_objects(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    if not isinstance(kube, KubeDouble):
        pytest.skip(
            "the real tier runs no kube-controller-manager, whose namespace controller empties it"
        )
    kube.ensure_namespace("gone")
    kube.seed(service_body("web", "gone"))
    client.delete(Namespace, "gone")
    assert kube.objects("Service", namespace="gone") == []


def test_secret_string_data_is_folded_into_data(client: lightkube.Client) -> None:
    secret = Secret(metadata=ObjectMeta(name="s", namespace="default"), stringData={"k": "v"})
    created = client.create(secret)
    assert created.data == {"k": base64.b64encode(b"v").decode()}
    assert created.stringData is None


def test_generic_cluster_scoped_resource_round_trip(client: lightkube.Client) -> None:
    client.create(
        typed(GatewayClass, {"metadata": {"name": "gc"}, "spec": {"controllerName": "x.io/c"}})
    )
    got = client.get(GatewayClass, "gc")
    assert got["spec"]["controllerName"] == "x.io/c"


def test_gateway_is_returned_with_schema_defaults(
    kube: KubeDouble, client: lightkube.Client
) -> None:
    created = client.create(typed(Gateway, gateway_body()))
    listener = created["spec"]["listeners"][0]
    assert listener["allowedRoutes"]["namespaces"]["from"] == "Same"


def test_object_written_at_one_version_is_read_at_another(kube: KubeDouble) -> None:
    kube.seed(gateway_body())
    from lightkube.generic_resource import create_namespaced_resource

    beta = create_namespaced_resource(
        "gateway.networking.k8s.io", "v1beta1", "Gateway", "gateways"
    )
    got = kube.client().get(beta, "gw", namespace="default")
    assert got["apiVersion"] == "gateway.networking.k8s.io/v1beta1"


def test_dry_run_stores_nothing(kube: KubeDouble) -> None:
    client = lightkube.Client(
        config=kube.client().config, field_manager="tester", dry_run=True, trust_env=False
    )
    client.create(typed(Service, service_body()))
    assert kube.get("Service", "web") is None


def test_watch_streams_events_since_resource_version(kube: KubeDouble) -> None:
    kube.ensure_namespace("watched")  # not `default`, where a real server writes on its own
    first = kube.seed(service_body("a", "watched"))
    kube.seed(service_body("b", "watched"))
    events = kube.client().watch(
        Service, namespace="watched", resource_version=first["metadata"]["resourceVersion"]
    )
    kind, obj = next(iter(events))
    assert (kind, obj.metadata.name if obj.metadata else None) == ("ADDED", "b")
    assert kube.count("watch", "Service") == 1
