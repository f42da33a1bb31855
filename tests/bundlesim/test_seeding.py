"""`cluster: objects` (seeded before deployment) and `BundleRun.after_request`."""

from __future__ import annotations

from typing import Any

import pytest

from bundlesim import BundleRun
from bundlesim.scenario import ScenarioError, parse_scenario
from kubedouble.records import RequestRecord

CONFIGMAP: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "left-behind", "namespace": "infra", "labels": {"a": "b"}},
    "data": {"k": "v"},
}


def _scenario(objects: list[dict[str, Any]], **cluster: Any) -> dict[str, Any]:
    return {
        "cluster": {"objects": objects, **cluster},
        "applications": {"shop": {"charm": "workload", "model": "infra"}},
    }


def test_objects_are_seeded_by_their_field_manager_and_not_logged() -> None:
    """Seeded as applied by `objects-field-manager`, in a Juju-made namespace, unlogged."""
    data = _scenario([CONFIGMAP], **{"objects-field-manager": "someone"})
    with BundleRun(parse_scenario(data)) as run:
        stored = run.kube.read("ConfigMap", "left-behind", "infra")
        assert stored["data"] == {"k": "v"}
        assert [e["manager"] for e in stored["metadata"]["managedFields"]] == ["someone"]
        assert run.seeded == [stored]
        namespace = run.kube.read("Namespace", "infra")
        assert namespace["metadata"].get("annotations")
        assert [r for r in run.kube.requests if r.name == "left-behind"] == []


def test_an_object_without_a_name_is_a_scenario_error() -> None:
    """Named by its key, before anything runs."""
    with pytest.raises(ScenarioError, match=r"cluster\.objects: .*\[0\]: .*metadata\.name"):
        parse_scenario(_scenario([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}]))


def test_an_object_the_api_refuses_fails_the_start() -> None:
    """The double's own refusal (here the CRD schema's) names the object's kind and name."""
    bad = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "no-class", "namespace": "infra"},
        "spec": {"listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]},
    }
    run = BundleRun(parse_scenario(_scenario([bad])))
    with pytest.raises(ValueError, match="Gateway no-class refused: 422"):
        run.start()
    run.close()


def test_after_request_sees_every_request_with_the_store_as_it_left_it() -> None:
    """A hook registered before start sees deployment's requests, each after it was served."""
    data = {
        "applications": {
            "gateway-api-integrator": {"charm": "gateway-api-integrator", "model": "infra"},
            "shop": {"charm": "workload", "model": "infra", "ingress": {"app": {"port": 8080}}},
        },
        "relations": [["shop:ingress", "gateway-api-integrator:gateway"]],
    }
    seen: list[tuple[RequestRecord, bool]] = []
    run = BundleRun(parse_scenario(data))

    def hook(record: RequestRecord) -> None:
        if record.verb == "apply" and record.kind == "HTTPRoute":
            stored = run.kube.get("HTTPRoute", record.name or "", "infra")
            seen.append((record, stored is not None))

    run.after_request(hook)
    with run:
        assert seen
        assert all(present for _, present in seen)
        assert len(run.kube.requests) >= len(seen)
