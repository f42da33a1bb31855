"""The served resource types, looked up by URL and by kind, and the discovery documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kubedouble.admission import ResourceType

# Groups compiled into kube-apiserver; every other group here comes from a CRD.
BUILTIN_GROUPS = frozenset({"", "apps", "discovery.k8s.io"})
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority(version: str) -> tuple[int, int, int]:
    """Sort key: GA before beta before alpha, higher numbers first (kube's ordering)."""
    found = _VERSION.match(version)
    if not found:
        return (-1, 0, 0)
    major, stage, minor = found.groups()
    return ({None: 2, "beta": 1, "alpha": 0}[stage], int(major), int(minor or 0))


class Catalog:
    """Index of the resource types one double serves."""

    def __init__(self, types: Iterable[ResourceType]) -> None:
        self.types = list(types)
        self._by_url = {(t.group, t.version, t.plural): t for t in self.types}
        self._preferred: dict[str, ResourceType] = {}
        for rtype in sorted(self.types, key=lambda t: version_priority(t.version)):
            self._preferred[rtype.kind] = rtype  # the last one written wins: the preferred one

    def by_url(self, group: str, version: str, plural: str) -> ResourceType | None:
        """The type served at `/apis/<group>/<version>/<plural>`."""
        return self._by_url.get((group, version, plural))

    def by_kind(self, kind: str) -> ResourceType:
        """The preferred version of `kind`; KeyError names the kinds served."""
        try:
            return self._preferred[kind]
        except KeyError:
            served = ", ".join(sorted(self._preferred))
            raise KeyError(
                f"kind {kind!r} is not served by this double (served: {served})"
            ) from None

    def kinds(self) -> list[ResourceType]:
        """One (preferred) type per kind."""
        return list(self._preferred.values())

    def group_versions(self) -> dict[str, list[str]]:
        """Group -> served versions, preferred first."""
        out: dict[str, set[str]] = {}
        for rtype in self.types:
            out.setdefault(rtype.group, set()).add(rtype.version)
        return {
            group: sorted(versions, key=version_priority, reverse=True)
            for group, versions in sorted(out.items())
        }


def is_custom(rtype: ResourceType) -> bool:
    """Whether objects of this type are custom resources (CRD semantics apply)."""
    return rtype.group not in BUILTIN_GROUPS


def api_versions() -> dict[str, Any]:
    """`GET /api`."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
    }


def api_group_list(catalog: Catalog) -> dict[str, Any]:
    """`GET /apis`: every non-core group."""
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            api_group(group, versions)
            for group, versions in catalog.group_versions().items()
            if group
        ],
    }


def api_group(group: str, versions: list[str]) -> dict[str, Any]:
    """`GET /apis/<group>`."""
    entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": entries,
        "preferredVersion": entries[0],
    }


def api_resource_list(catalog: Catalog, group: str, version: str) -> dict[str, Any] | None:
    """`GET /api/v1` or `/apis/<group>/<version>`; None when that group version is not served."""
    types = [t for t in catalog.types if t.group == group and t.version == version]
    if not types:
        return None
    resources: list[dict[str, Any]] = []
    for rtype in sorted(types, key=lambda t: t.plural):
        resources.append(
            {
                "name": rtype.plural,
                "singularName": rtype.kind.lower(),
                "namespaced": rtype.namespaced,
                "kind": rtype.kind,
                "verbs": VERBS,
            }
        )
        if rtype.has_status:
            resources.append(
                {
                    "name": f"{rtype.plural}/status",
                    "singularName": "",
                    "namespaced": rtype.namespaced,
                    "kind": rtype.kind,
                    "verbs": ["get", "patch", "update"],
                }
            )
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def server_version() -> dict[str, str]:
    """`GET /version`."""
    return {"major": "1", "minor": "31", "gitVersion": "v1.31.0-kubedouble", "platform": "linux"}
