"""What the cluster holds before deployment (`cluster: objects`), and watching every request.

Objects another charm left behind are written as that charm wrote them: server-side apply
through the API, by the field manager it used (`cluster.objects-field-manager`), so a charm
that adopts them meets the same managedFields as in a real cluster (Canonical's
gateway-api-integrator applies with its application's name as field manager, `force=True`).
The seeding requests are then dropped from the request log: they are the world before the
run, not something a charm under test did.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, SupportsIndex

import httpx2

from kubedouble.double import TOKEN
from kubedouble.records import RequestRecord
from modelsim.model import namespace_annotations

RequestHook = Callable[[RequestRecord], None]


def seed_objects(
    kube: Any, objects: Iterable[Mapping[str, Any]], field_manager: str
) -> list[dict[str, Any]]:
    """Apply each object as `field_manager`, in its model's namespace (made as Juju makes it).

    Returns them as stored, for a test to compare with what is left at the end.
    """
    stored: list[dict[str, Any]] = []
    with httpx2.Client(base_url=kube.url, trust_env=False) as http:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        for obj in objects:
            body = copy.deepcopy(dict(obj))
            namespace = body["metadata"].get("namespace")
            if namespace:
                kube.ensure_namespace(namespace, namespace_annotations(namespace))
            path = _object_path(http, headers, body)
            reply = http.patch(
                path,
                params={"fieldManager": field_manager, "force": "true"},
                content=json.dumps(body),
                headers={**headers, "Content-Type": "application/apply-patch+yaml"},
            )
            if reply.status_code >= 300:
                raise ValueError(
                    f"cluster.objects: {body['kind']} {body['metadata']['name']} refused: "
                    f"{reply.status_code} {reply.json().get('message', reply.text)}"
                )
            stored.append(reply.json())
    kube.reset_requests()
    return stored


def _object_path(http: httpx2.Client, headers: Mapping[str, str], body: Mapping[str, Any]) -> str:
    """The object's URL, its resource's plural read from discovery as kubectl does."""
    api_version, kind = body["apiVersion"], body["kind"]
    base = f"/apis/{api_version}" if "/" in api_version else f"/api/{api_version}"
    listing = http.get(base, headers=headers).json()
    found = [
        item
        for item in listing.get("resources", [])
        if item.get("kind") == kind and "/" not in item["name"]
    ]
    if not found:
        raise ValueError(f"cluster.objects: {api_version} {kind} is not served")
    resource = found[0]
    namespace = body["metadata"].get("namespace") or "default"
    scope = f"/namespaces/{namespace}" if resource.get("namespaced") else ""
    return f"{base}{scope}/{resource['name']}/{body['metadata']['name']}"


class ObservedRequests(list[RequestRecord]):
    """The double's request log, calling each hook as a request is recorded.

    The double records a request once it has served it, under its lock: a hook sees the store
    as that request left it, before any other request. Hooks must not raise (the double would
    answer 500); they record, and the test asserts afterwards.
    """

    def __init__(self, existing: Iterable[RequestRecord], hooks: list[RequestHook]) -> None:
        super().__init__(existing)
        self.hooks = hooks

    def append(self, record: RequestRecord, /) -> None:
        """Record it, then tell every hook."""
        super().append(record)
        for hook in self.hooks:
            hook(record)

    def insert(self, index: SupportsIndex, record: RequestRecord, /) -> None:
        """Not how the double records; refused so no request escapes the hooks."""
        del index, record
        raise TypeError("the request log is appended to, in order")
