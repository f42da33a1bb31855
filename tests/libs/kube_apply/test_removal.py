"""What goes with the application: objects name Juju's StatefulSet as their owner.

Juju deletes the StatefulSet only when the application is removed, after its last hook; the
garbage collector then deletes what names it (`kube_apply.removal`). What names nothing is
deleted by the last unit's remove hook, as before.
"""

from lightkube import Client
from lightkube.resources.core_v1 import ConfigMap, Service

from kube_apply import Applier
from kube_apply.removal import application_reference, remove_owned
from kube_objects import Owner
from modelsim.workload import statefulset

OWNER = Owner(charm="gateway-route-configurator", application="shop-route", model="shop")


def service(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"selector": {"app.kubernetes.io/name": name}, "ports": [{"port": 80}]},
    }


def _applier(api) -> tuple[Applier, Client]:
    api.ensure_namespace("shop")
    client = Client(field_manager=OWNER.application, namespace="shop")
    return Applier(client, OWNER), client


def test_objects_name_the_applications_statefulset_as_owner(api):
    applier, client = _applier(api)
    juju = api.seed(statefulset("shop-route", "shop", 1))
    reference = application_reference(client, "shop-route", "shop", [])
    applier.sync([service("shop")], [Service], "shop", owner_reference=reference)
    (owner,) = api.read("Service", "shop", "shop")["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["uid"]) == (
        "StatefulSet",
        "shop-route",
        juju["metadata"]["uid"],
    )
    assert not owner.get("blockOwnerDeletion")  # needs no rights over the StatefulSet


def test_the_reference_is_read_from_our_objects_once_they_carry_it(api):
    applier, client = _applier(api)
    api.seed(statefulset("shop-route", "shop", 1))
    reference = application_reference(client, "shop-route", "shop", [])
    applier.sync([service("shop")], [Service], "shop", owner_reference=reference)
    api.reset_requests()
    again = application_reference(client, "shop-route", "shop", api.objects("Service", "shop"))
    assert again == reference
    assert api.count("get", "StatefulSet") == 0


def test_without_a_statefulset_there_is_no_reference(api):
    _, client = _applier(api)
    assert application_reference(client, "shop-route", "shop", []) is None


def config_map(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "shop"},
    }


def test_remove_keeps_what_the_statefulset_holds_and_deletes_the_rest(api):
    applier, client = _applier(api)
    applier.sync([service("old")], [Service], "shop")  # made before objects named an owner
    api.seed(statefulset("shop-route", "shop", 1))
    reference = application_reference(client, "shop-route", "shop", [])
    applier.sync([config_map("held")], [ConfigMap], "shop", owner_reference=reference)
    api.seed(service("neighbour"))

    assert remove_owned(OWNER, "shop", ["ConfigMap", "Service"]) == ["Service shop/old"]
    assert api.get("ConfigMap", "held", "shop") is not None
    assert api.get("Service", "neighbour", "shop") is not None
