"""Applier on the double and a real kube-apiserver: converge, skip unchanged, touch no other."""

import pytest
from lightkube import Client
from lightkube.resources.core_v1 import ConfigMap, Service
from lightkube.types import PatchType

from kube_apply import Applier, Gateway
from kube_objects import Owner
from kube_objects.desired import APPLIED_HASH, is_subset
from kube_objects.ownership import APPLICATION

OWNER = Owner(charm="gateway-route-configurator", application="shop-route", model="shop")
NEIGHBOUR = Owner(charm="gateway-route-configurator", application="other-route", model="shop")


def service(name: str, port: int = 8080, **extra) -> dict:
    spec = {"selector": {"app.kubernetes.io/name": name}, "ports": [{"name": "tcp", "port": port}]}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": spec | extra,
    }


def config_map(name: str, data: dict[str, str]) -> dict:
    meta = {"name": name, "namespace": "shop"}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


@pytest.fixture
def applier(api) -> Applier:
    api.ensure_namespace("shop")
    return Applier(Client(field_manager=OWNER.application, namespace="shop"), OWNER)


def test_sync_creates_desired_objects_with_owner_labels(api, applier: Applier):
    report = applier.sync([service("catalogue")], [Service], "shop")

    assert report.applied == ["Service shop/catalogue"]
    stored = api.get("Service", "catalogue", "shop")
    assert stored is not None
    assert OWNER.owns(stored["metadata"]["labels"])
    assert APPLIED_HASH in stored["metadata"]["annotations"]


def test_unchanged_sync_sends_no_writes_and_one_list_per_kind(api, applier: Applier):
    desired = [service("catalogue"), config_map("settings", {"a": "1"})]
    applier.sync(desired, [Service, ConfigMap], "shop")
    api.reset_requests()

    report = applier.sync(desired, [Service, ConfigMap], "shop")

    assert report.writes == 0
    assert sorted(report.unchanged) == ["ConfigMap shop/settings", "Service shop/catalogue"]
    assert api.count(verb="apply") == 0
    assert api.count(verb="delete") == 0
    assert api.count(verb="list") == 2
    assert api.count() == 2


def test_field_dropped_from_desired_is_removed_from_the_object(api, applier: Applier):
    applier.sync([config_map("settings", {"a": "1", "b": "2"})], [ConfigMap], "shop")
    applier.sync([config_map("settings", {"a": "1"})], [ConfigMap], "shop")

    stored = api.get("ConfigMap", "settings", "shop")
    assert stored is not None
    assert stored["data"] == {"a": "1"}


def test_drift_in_a_field_we_set_is_repaired(api, applier: Applier):
    applier.sync([config_map("settings", {"a": "1"})], [ConfigMap], "shop")
    edited = Client(field_manager="kubectl-edit", namespace="shop")
    edited.patch(ConfigMap, "settings", {"data": {"a": "tampered"}}, patch_type=PatchType.MERGE)

    report = applier.sync([config_map("settings", {"a": "1"})], [ConfigMap], "shop")

    assert report.applied == ["ConfigMap shop/settings"]
    repaired = api.get("ConfigMap", "settings", "shop")
    assert repaired is not None
    assert repaired["data"] == {"a": "1"}


def test_owned_objects_no_longer_desired_are_pruned(api, applier: Applier):
    applier.sync([service("catalogue"), service("basket")], [Service], "shop")

    report = applier.sync([service("catalogue")], [Service], "shop")

    assert report.deleted == ["Service shop/basket"]
    assert api.get("Service", "basket", "shop") is None
    assert api.get("Service", "catalogue", "shop") is not None


def test_prune_leaves_unlabelled_and_other_owners_objects_alone(api, applier: Applier):
    api.seed(service("handmade"))
    api.seed(NEIGHBOUR.stamp(service("neighbour")))
    before = [api.get("Service", name, "shop") for name in ("handmade", "neighbour")]

    report = applier.sync([], [Service], "shop")

    assert report.deleted == []
    assert [api.get("Service", name, "shop") for name in ("handmade", "neighbour")] == before


@pytest.mark.parametrize(
    "labels",
    [
        {},
        {"team": "web"},
        {APPLICATION: "shop-route"},
        NEIGHBOUR.labels,
    ],
    ids=["no-labels", "other-labels", "partial-owner-labels", "another-app"],
)
def test_desired_name_taken_by_someone_else_is_left_byte_identical(
    api, applier: Applier, labels: dict[str, str]
):
    foreign = service("catalogue", port=1234)
    foreign["metadata"]["labels"] = labels
    api.seed(foreign)
    before = api.get("Service", "catalogue", "shop")

    report = applier.sync([service("catalogue")], [Service], "shop")

    assert report.not_owned == ["Service shop/catalogue"]
    assert report.applied == []
    assert api.get("Service", "catalogue", "shop") == before


def test_desired_kind_outside_the_synced_kinds_is_a_programming_error(applier: Applier):
    with pytest.raises(ValueError, match="ConfigMap"):
        applier.sync([config_map("settings", {})], [Service], "shop")


def test_gateway_round_trip_is_steady_under_every_crd_version(api_any):
    api_any.ensure_namespace("infra")
    owner = Owner(charm="gateway-api-integrator", application="gw", model="infra")
    applier = Applier(Client(field_manager="gw", namespace="infra"), owner)
    gateway = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "gw", "namespace": "infra"},
        "spec": {
            "gatewayClassName": "cilium",
            "listeners": [
                {
                    "name": "http-a.example.com",
                    "hostname": "a.example.com",
                    "port": 80,
                    "protocol": "HTTP",
                },
            ],
        },
    }
    assert applier.sync([gateway], [Gateway], "infra").applied == ["Gateway infra/gw"]
    before = api_any.read("Gateway", "gw", "infra")["metadata"]["resourceVersion"]
    api_any.reset_requests()

    # The stored object has server defaults (allowedRoutes) we never set: still unchanged.
    report = applier.sync([gateway], [Gateway], "infra")

    assert report.writes == 0
    assert api_any.count(verb="apply") == 0
    assert api_any.read("Gateway", "gw", "infra")["metadata"]["resourceVersion"] == before


@pytest.mark.parametrize(
    ("wanted", "actual", "expected"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, True),
        ({"a": 1}, {"a": 2}, False),
        ({"a": {"b": [1, 2]}}, {"a": {"b": [1, 2], "c": 3}}, True),
        ({"l": [{"x": 1}]}, {"l": [{"x": 1, "default": True}]}, True),
        ({"l": [{"x": 1}]}, {"l": [{"x": 1}, {"x": 2}]}, False),
        ({"a": None}, {}, False),
        ({"a": "1"}, {"a": 1}, False),
    ],
)
def test_is_subset(wanted, actual, expected: bool):
    assert is_subset(wanted, actual) is expected
