"""The patch formats on plain data (no server)."""

from __future__ import annotations

import pytest

from kubedouble import patches
from kubedouble.errors import ApiFailure


@pytest.fixture
def kube(api):
    """These behaviours must hold on both servers: the double and a real kube-apiserver."""
    return api


PORT_KEYS = {("spec", "ports"): "port"}


def test_merge_patch_null_deletes() -> None:
    assert patches.merge_patch({"a": 1, "b": 2}, {"a": None}) == {"b": 2}


def test_merge_patch_merges_nested_maps() -> None:
    assert patches.merge_patch({"m": {"a": 1}}, {"m": {"b": 2}}) == {"m": {"a": 1, "b": 2}}


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        ([{"op": "add", "path": "/l/-", "value": 3}], {"l": [1, 2, 3], "m": {"k": "v"}}),
        ([{"op": "add", "path": "/l/0", "value": 0}], {"l": [0, 1, 2], "m": {"k": "v"}}),
        ([{"op": "remove", "path": "/m/k"}], {"l": [1, 2], "m": {}}),
        ([{"op": "replace", "path": "/l/1", "value": 9}], {"l": [1, 9], "m": {"k": "v"}}),
        ([{"op": "move", "from": "/m/k", "path": "/k"}], {"l": [1, 2], "m": {}, "k": "v"}),
        ([{"op": "copy", "from": "/m/k", "path": "/k"}], {"l": [1, 2], "m": {"k": "v"}, "k": "v"}),
        ([{"op": "test", "path": "/m/k", "value": "v"}], {"l": [1, 2], "m": {"k": "v"}}),
        ([{"op": "add", "path": "/m/a~1b", "value": 1}], {"l": [1, 2], "m": {"k": "v", "a/b": 1}}),
    ],
)
def test_json_patch_operations(ops: list, expected: dict) -> None:
    assert patches.json_patch({"l": [1, 2], "m": {"k": "v"}}, ops) == expected


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "test", "path": "/m/k", "value": "other"}],
        [{"op": "remove", "path": "/missing"}],
        [{"op": "replace", "path": "/missing", "value": 1}],
    ],
)
def test_json_patch_failures_are_422(ops: list) -> None:
    with pytest.raises(ApiFailure) as raised:
        patches.json_patch({"m": {"k": "v"}}, ops)
    assert raised.value.code == 422


def test_strategic_merge_by_key_updates_matching_element() -> None:
    live = {"spec": {"ports": [{"port": 80, "name": "http"}]}}
    patch = {"spec": {"ports": [{"port": 80, "targetPort": 8080}]}}
    merged = patches.strategic_merge(live, patch, PORT_KEYS)
    assert merged["spec"]["ports"] == [{"port": 80, "name": "http", "targetPort": 8080}]


def test_strategic_merge_delete_directive_removes_element() -> None:
    live = {"spec": {"ports": [{"port": 80}, {"port": 443}]}}
    patch = {"spec": {"ports": [{"port": 80, "$patch": "delete"}]}}
    assert patches.strategic_merge(live, patch, PORT_KEYS)["spec"]["ports"] == [{"port": 443}]


def test_strategic_merge_replace_directive_replaces_map() -> None:
    live = {"spec": {"selector": {"a": "1", "b": "2"}}}
    patch = {"spec": {"selector": {"c": "3", "$patch": "replace"}}}
    assert patches.strategic_merge(live, patch, {})["spec"]["selector"] == {"c": "3"}


def test_strategic_merge_without_key_replaces_list() -> None:
    live = {"spec": {"externalIPs": ["1.1.1.1"]}}
    patch = {"spec": {"externalIPs": ["2.2.2.2"]}}
    assert patches.strategic_merge(live, patch, {})["spec"]["externalIPs"] == ["2.2.2.2"]
