"""Label selectors: the string grammar clients send, and the structured LabelSelector."""

from __future__ import annotations

import pytest
from lightkube import ApiError, operators
from lightkube.resources.core_v1 import Service

from kubedouble import KubeDouble, selectors
from kubedouble.samples import service_body


@pytest.fixture
def kube(api):
    """These behaviours must hold on both servers: the double and a real kube-apiserver."""
    return api


LABELS = {"app": "web", "tier": "front"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=web", True),
        ("app==web", True),
        ("app=db", False),
        ("app!=db", True),
        ("app!=web", False),
        ("missing!=x", True),
        ("app in (web,db)", True),
        ("app in (db)", False),
        ("app notin (db, cache)", True),
        ("app notin (web)", False),
        ("missing notin (web)", True),
        ("tier", True),
        ("missing", False),
        ("!missing", True),
        ("!tier", False),
        ("app=web,tier=front", True),
        ("app=web,tier=back", False),
        ("app in (web,db),!missing", True),
        ("", True),
    ],
)
def test_selector_matches_labels(selector: str, expected: bool) -> None:
    assert selectors.matches(selectors.parse(selector), LABELS) is expected


@pytest.mark.parametrize("bad", ["app in web", "=x", "a=b=c"])
def test_bad_selector_is_bad_request(bad: str) -> None:
    with pytest.raises(selectors.ApiFailure) as raised:
        selectors.parse(bad)
    assert raised.value.code == 400


@pytest.mark.parametrize(
    ("label_selector", "expected"),
    [
        ({"matchLabels": {"app": "web"}}, True),
        ({"matchLabels": {"app": "db"}}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, False),
        ({}, True),
    ],
)
def test_structured_selector_matches_labels(label_selector: dict, expected: bool) -> None:
    assert selectors.matches(selectors.from_label_selector(label_selector), LABELS) is expected


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"app": "web"}, ["a"]),
        ({"app": ("web", "db")}, ["a", "b"]),
        ({"app": None}, ["a", "b"]),
        # "kubernetes" is the API server's own Service, in every cluster's default namespace.
        ({"owner": operators.not_exists()}, ["b", "c", "kubernetes"]),
        ({"app": operators.not_in(["web"])}, ["b", "c", "kubernetes"]),
        ({"app": operators.not_equal("web")}, ["b", "c", "kubernetes"]),
    ],
)
def test_lightkube_list_filters_by_labels(
    kube: KubeDouble, labels: dict, expected: list[str]
) -> None:
    kube.seed(service_body("a", app="web", owner="me"))
    kube.seed(service_body("b", app="db"))
    kube.seed(service_body("c"))
    found = [s.metadata.name for s in kube.client().list(Service, labels=labels) if s.metadata]
    assert found == expected


def test_field_selector_on_name(kube: KubeDouble) -> None:
    kube.seed(service_body("a"))
    kube.seed(service_body("b"))
    found = kube.client().list(Service, fields={"metadata.name": "b"})
    assert [s.metadata.name for s in found if s.metadata] == ["b"]


def test_unsupported_field_selector_is_bad_request(kube: KubeDouble) -> None:
    with pytest.raises(ApiError) as raised:
        list(kube.client().list(Service, fields={"spec.selector": "x"}))
    assert raised.value.status.code == 400
    assert raised.value.status.message == "field label not supported: spec.selector"


def test_services_can_be_selected_by_type(kube: KubeDouble) -> None:
    kube.seed(service_body("a"))
    headless = service_body("b")
    headless["spec"] |= {"type": "NodePort"}
    kube.seed(headless)
    found = kube.client().list(Service, fields={"spec.type": "NodePort"})
    assert [s.metadata.name for s in found if s.metadata] == ["b"]
