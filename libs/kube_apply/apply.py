"""Apply desired objects and prune owned leftovers: the only place the charms write to the API.

Steady state costs one LIST per kind and no writes: an owned object is re-applied only when the
desired object differs from what we last applied (a hash kept in an annotation) or when somebody
changed a field we set. Comparing what we set, rather than the whole stored object, matters
because the API server fills in defaults (TESTING-NOTES: naive comparison writes every hook).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lightkube import ApiError, Client, codecs
from lightkube.core.resource import GlobalResource, NamespacedResource

from kube_apply.ownership import Owner

APPLIED_HASH = "gateway-api.juju.is/applied-hash"

ResourceType = type[NamespacedResource] | type[GlobalResource]
Key = tuple[str, str, str]  # (kind, namespace or "", name)


@dataclass
class SyncReport:
    """What one sync did, by object ("Kind namespace/name"); the charm logs and reports it."""

    applied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    not_owned: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        """Write requests this sync sent (applies and deletes)."""
        return len(self.applied) + len(self.deleted)


def describe(obj: dict) -> str:
    """'Kind namespace/name' (or 'Kind name' when cluster-scoped) for logs and statuses."""
    meta = obj.get("metadata") or {}
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj.get('kind')} {where}{meta.get('name')}"


def _key(obj: dict) -> Key:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind")), str(meta.get("namespace") or ""), str(meta.get("name")))


def _kind_of(resource: ResourceType) -> str:
    return resource._api_info.resource.kind


def _fingerprint(obj: dict) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


def is_subset(wanted: Any, actual: Any) -> bool:
    """True when every field in `wanted` has the same value in `actual`.

    Dicts may hold extra keys in `actual` (server defaults, status); lists must match element by
    element, since an extra or missing listener, rule or port is a real difference.
    """
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            key in actual and is_subset(value, actual[key]) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(actual, list)
            and len(wanted) == len(actual)
            and all(is_subset(w, a) for w, a in zip(wanted, actual, strict=True))
        )
    return wanted == actual


class Applier:
    """Server-side applies one owner's desired objects and prunes the rest of what it owns."""

    def __init__(self, client: Client, owner: Owner, field_manager: str | None = None):
        self.client = client
        self.owner = owner
        self.field_manager = field_manager or owner.application

    def prepare(self, obj: dict) -> dict:
        """The object exactly as it will be applied: owner labels and the applied-hash stamped."""
        stamped = self.owner.stamp(obj)
        metadata = dict(stamped["metadata"])
        annotations = {
            k: v for k, v in (metadata.get("annotations") or {}).items() if k != APPLIED_HASH
        }
        metadata["annotations"] = annotations
        fingerprint = _fingerprint({**stamped, "metadata": metadata})
        metadata["annotations"] = {**annotations, APPLIED_HASH: fingerprint}
        return {**stamped, "metadata": metadata}

    def owned(self, kind: ResourceType, namespace: str | None) -> list[dict]:
        """Every object of `kind` in `namespace` (all namespaces for None) carrying our labels."""
        # lightkube's overloads split global and namespaced kinds; both are valid here.
        resource: Any = kind
        selector: dict[str, Any] = dict(self.owner.labels)
        listed = self.client.list(resource, namespace=namespace or "*", labels=selector)
        objects = [obj.to_dict() for obj in listed]  # type: ignore[union-attr]
        return [o for o in objects if self.owner.owns((o.get("metadata") or {}).get("labels"))]

    def sync(
        self, desired: Sequence[dict], kinds: Sequence[ResourceType], namespace: str | None
    ) -> SyncReport:
        """Make the owned objects of `kinds` in `namespace` exactly `desired`.

        Objects are applied in the order given (so a Secret can precede the Gateway that refers
        to it), then owned objects no longer desired are deleted. A desired name already taken by
        an object we do not own is left untouched and reported in `not_owned`.
        """
        known = {_kind_of(kind) for kind in kinds}
        stray = sorted({str(obj.get("kind")) for obj in desired} - known)
        if stray:
            raise ValueError(f"desired objects of kinds {stray} not covered by kinds={known}")

        report = SyncReport()
        current: dict[Key, dict] = {}
        for kind in kinds:
            current.update((_key(o), o) for o in self.owned(kind, namespace))

        wanted_keys: set[Key] = set()
        for obj in desired:
            prepared = self.prepare(obj)
            key = _key(prepared)
            wanted_keys.add(key)
            existing = current.get(key)
            if existing is None and self._exists_unowned(prepared):
                report.not_owned.append(describe(prepared))
                continue
            if existing is not None and is_subset(prepared, existing):
                report.unchanged.append(describe(prepared))
                continue
            resource = codecs.from_dict(prepared)
            self.client.apply(resource, field_manager=self.field_manager, force=True)
            report.applied.append(describe(prepared))

        for key, obj in current.items():
            if key not in wanted_keys:
                self._delete(obj)
                report.deleted.append(describe(obj))
        return report

    def delete_all(self, kinds: Iterable[ResourceType], namespace: str | None) -> list[str]:
        """Delete every object we own of these kinds (application removal)."""
        deleted = []
        for kind in kinds:
            for obj in self.owned(kind, namespace):
                self._delete(obj)
                deleted.append(describe(obj))
        return deleted

    def _exists_unowned(self, prepared: dict) -> bool:
        meta = prepared["metadata"]
        resource: Any = type(codecs.from_dict(prepared))
        try:
            found = self.client.get(resource, meta["name"], namespace=meta.get("namespace"))
        except ApiError as error:
            if error.status.code == 404:
                return False
            raise
        labels = found.metadata.labels if found.metadata else None
        return not self.owner.owns(labels)

    def _delete(self, obj: dict) -> None:
        meta = obj["metadata"]
        if not self.owner.owns(meta.get("labels")):  # never reached via owned(); belt and braces
            raise ValueError(f"refusing to delete {describe(obj)}: not owned by {self.owner}")
        resource: Any = type(codecs.from_dict(obj))
        try:
            self.client.delete(resource, meta["name"], namespace=meta.get("namespace"))
        except ApiError as error:
            if error.status.code != 404:  # already gone is what we wanted
                raise


class CachedApplier(Applier):
    """An Applier whose listing of each kind is made once per hook and shared by its users.

    A reconcile reads what it owns (who holds which hostname, which routes exist) and then
    syncs: one LIST per kind serves both. It lives for one hook, so nothing stale carries over;
    `forget` drops a listing that the caller's own writes made stale.
    """

    def __init__(self, client: Client, owner: Owner, field_manager: str | None = None):
        super().__init__(client, owner, field_manager)
        self._listed: dict[tuple[str, str | None], list[dict]] = {}

    def owned(self, kind: ResourceType, namespace: str | None) -> list[dict]:
        """Our objects of `kind` in `namespace`, listed on first use in this hook."""
        key = (_kind_of(kind), namespace)
        if key not in self._listed:
            self._listed[key] = super().owned(kind, namespace)
        return self._listed[key]

    def forget(self, kind: ResourceType, namespace: str | None) -> None:
        """Drop a listing that our own writes made stale."""
        self._listed.pop((_kind_of(kind), namespace), None)
