"""Where the GatewayController reads objects and writes status: the double, or any API server.

`Cluster` is the seam. `InProcessCluster` reads the double's store under its lock (one
consistent snapshot, no HTTP); `LightkubeCluster` lists over HTTP with a lightkube client and
writes `.status` through the status subresource, so the same controller runs against a real
kube-apiserver:

    controller = GatewayController(LightkubeCluster(lightkube.Client(config)), "core-only")
    controller.reconcile(addresses=["10.0.0.1"])
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import httpx2
import lightkube
from lightkube.core.exceptions import ApiError
from lightkube.core.resource import api_info
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import ConfigMap, Namespace, Secret, Service
from lightkube.types import PatchType

from kubedouble import samples

if TYPE_CHECKING:
    from kubedouble.double import KubeDouble

CONTROLLER_MANAGER = "kubedouble-controller"


class Cluster(Protocol):
    """What the controller needs from an API server."""

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """Hold one view of the cluster for a whole reconcile."""
        ...

    def serves(self, kind: str) -> bool:
        """Whether the API server serves `kind` (its CRD is installed)."""
        ...

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Every object of `kind`, in every namespace, as the API returns it."""
        ...

    def has_status_field(self, kind: str, name: str) -> bool:
        """Whether `status.<name>` is in the kind's schema (older CRDs prune newer fields)."""
        ...

    def write_status(self, obj: Mapping[str, Any], status: dict[str, Any]) -> None:
        """Replace `obj`'s status through the status subresource."""
        ...


class InProcessCluster:
    """The double's own store, read and written under its lock without HTTP."""

    def __init__(self, double: KubeDouble, manager: str = CONTROLLER_MANAGER) -> None:
        self._double = double
        self._manager = manager

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        # Holding the lock for the whole pass is an informer cache that cannot go stale.
        with self._double._lock:
            yield

    def serves(self, kind: str) -> bool:
        return self._double.serves(kind)

    def objects(self, kind: str) -> list[dict[str, Any]]:
        return self._double.objects(kind)

    def has_status_field(self, kind: str, name: str) -> bool:
        return self._double.schema_has(kind, f"status.{name}")

    def write_status(self, obj: Mapping[str, Any], status: dict[str, Any]) -> None:
        meta = obj["metadata"]
        self._double.write_status(
            obj["kind"], meta["name"], meta.get("namespace"), status, manager=self._manager
        )


# Each kind the controller reads, at a version every supported CRD release serves.
RESOURCES: dict[str, Any] = {
    "Namespace": Namespace,
    "Secret": Secret,
    "Service": Service,
    "ConfigMap": ConfigMap,
    "GatewayClass": samples.GatewayClass,
    "Gateway": samples.Gateway,
    "ListenerSet": samples.ListenerSet,
    "HTTPRoute": samples.HTTPRoute,
    "BackendTLSPolicy": samples.BackendTLSPolicy,
    "ReferenceGrant": samples.ReferenceGrant,
}


class LightkubeCluster:
    """Any API server, through a lightkube client: one LIST per kind per reconcile."""

    def __init__(self, client: lightkube.Client, manager: str = CONTROLLER_MANAGER) -> None:
        self._client = client
        self._manager = manager
        self._lists: dict[str, list[dict[str, Any]] | None] | None = None
        self._schemas: dict[str, dict[str, Any] | None] = {}

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        # Lists are cached for one pass, like an informer; objects may still move between LISTs.
        self._lists = {}
        try:
            yield
        finally:
            self._lists = None

    def serves(self, kind: str) -> bool:
        return self._list(kind) is not None

    def objects(self, kind: str) -> list[dict[str, Any]]:
        return list(self._list(kind) or [])

    def has_status_field(self, kind: str, name: str) -> bool:
        if kind not in self._schemas:
            self._schemas[kind] = self._status_schema(kind)
        schema = self._schemas[kind]
        # Without the CRD to read (no RBAC for it, or a server that does not serve it), write
        # the field anyway: the API server prunes what its schema lacks.
        return schema is None or name in (schema.get("properties") or {})

    def write_status(self, obj: Mapping[str, Any], status: dict[str, Any]) -> None:
        meta = obj["metadata"]
        # A merge patch replaces lists whole; null drops a key the new status no longer has,
        # so the patch replaces the status as a PUT would, without a resourceVersion race.
        old = obj.get("status") or {}
        patch = {**dict.fromkeys(k for k in old if k not in status), **status}
        self._client.patch(
            RESOURCES[obj["kind"]].Status,
            meta["name"],
            {"status": patch},
            namespace=meta.get("namespace"),
            patch_type=PatchType.MERGE,
            field_manager=self._manager,
        )

    def _list(self, kind: str) -> list[dict[str, Any]] | None:
        if self._lists is not None and kind in self._lists:
            return self._lists[kind]
        namespaced = kind not in ("Namespace", "GatewayClass")
        try:
            items = self._client.list(RESOURCES[kind], namespace="*" if namespaced else None)
            found = [_as_dict(item, kind) for item in items]
        except ApiError as error:
            if error.status.code != 404:
                raise
            found = None  # the CRD is not installed
        except httpx2.HTTPStatusError as error:
            # kube-apiserver answers a path it does not serve with a plain-text 404, which
            # lightkube does not turn into an ApiError.
            if error.response.status_code != 404:
                raise
            found = None
        if self._lists is not None:
            self._lists[kind] = found
        return found

    def _status_schema(self, kind: str) -> dict[str, Any] | None:
        try:
            info = api_info(RESOURCES[kind])
            name = f"{info.plural}.{info.resource.group}"
            crd = self._client.get(CustomResourceDefinition, name)
        except (ApiError, httpx2.HTTPStatusError):  # not readable, or not served (the double)
            return None
        for version in crd.spec.versions:
            wanted = version.name == info.resource.version
            if wanted and version.schema and version.schema.openAPIV3Schema:
                schema = version.schema.openAPIV3Schema.to_dict()
                return (schema.get("properties") or {}).get("status") or {}
        return None


def _as_dict(item: Any, kind: str) -> dict[str, Any]:
    obj = item.to_dict()
    obj.setdefault("kind", kind)  # lists of built-in kinds leave it out of their items
    return obj
