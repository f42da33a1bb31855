"""Objects as stored: by kind and (namespace, name), with their field owners."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kubedouble import ownership
from kubedouble.ownership import Managed


@dataclass
class Stored:
    """One object: its body (no `managedFields`) and who owns which fields."""

    obj: dict[str, Any]
    managed: Managed = field(default_factory=dict)
    # A custom resource created with defaulted status: kube-apiserver stores it without the
    # defaults and persists them on the next write, so even a no-change apply right after the
    # create bumps resourceVersion once (seen on kube-apiserver v1.36 with Gateway).
    defaults_unpersisted: bool = False

    @property
    def namespace(self) -> str:
        return self.obj["metadata"].get("namespace") or ""

    @property
    def name(self) -> str:
        return self.obj["metadata"]["name"]

    @property
    def labels(self) -> dict[str, str]:
        return self.obj["metadata"].get("labels") or {}

    def render(self, api_version: str) -> dict[str, Any]:
        """The object as the API returns it at `api_version`, with `managedFields`."""
        out = copy.deepcopy(self.obj)
        out["apiVersion"] = api_version
        if self.managed:
            out["metadata"]["managedFields"] = ownership.render(self.managed)
        return out


class Store:
    """All objects of one double; callers hold the double's lock."""

    def __init__(self) -> None:
        self._objects: dict[tuple[str, str], dict[tuple[str, str], Stored]] = {}
        self._revision = 0
        self._ips = itertools.count(1)

    @property
    def revision(self) -> str:
        """The latest `resourceVersion` handed out (what lists report)."""
        return str(self._revision)

    def next_revision(self) -> str:
        """A new, larger `resourceVersion` (one counter for all kinds, as etcd's)."""
        self._revision += 1
        return str(self._revision)

    def allocate_ip(self) -> str:
        """The next free ClusterIP in the double's service range."""
        index = next(self._ips)
        return f"10.152.{183 + index // 250}.{index % 250 + 1}"

    def get(self, group: str, kind: str, namespace: str, name: str) -> Stored | None:
        return self._objects.get((group, kind), {}).get((namespace, name))

    def put(self, group: str, kind: str, stored: Stored) -> None:
        self._objects.setdefault((group, kind), {})[(stored.namespace, stored.name)] = stored

    def delete(self, group: str, kind: str, namespace: str, name: str) -> Stored | None:
        return self._objects.get((group, kind), {}).pop((namespace, name), None)

    def items(self, group: str, kind: str, namespace: str | None = None) -> list[Stored]:
        """Objects of one kind (in one namespace, or all when None), in etcd key order."""
        found = self._objects.get((group, kind), {})
        return [found[key] for key in sorted(found) if namespace is None or key[0] == namespace]

    def kinds(self) -> Iterator[tuple[str, str]]:
        yield from list(self._objects)

    def clear(self) -> None:
        self._objects.clear()
