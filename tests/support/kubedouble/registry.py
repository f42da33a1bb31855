"""What kube-apiserver's per-kind registry code does to an object before it is stored."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def fold_string_data(obj: dict[str, Any]) -> None:
    """Move a Secret's write-only `stringData` into base64 `data` (stringData wins on clashes)."""
    string_data = obj.pop("stringData", None)
    if not string_data:
        return
    data = obj.setdefault("data", {}) or {}
    for key, value in string_data.items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    obj["data"] = data


def prepare(
    kind: str, obj: dict[str, Any], old: dict[str, Any] | None, allocate_ip: Callable[[], str]
) -> None:
    """Server-side changes for a create (`old` is None) or an update of `kind`, in place."""
    if kind == "Secret":
        fold_string_data(obj)
    elif kind == "Namespace":
        _prepare_namespace(obj, old)
    elif kind == "Service":
        _prepare_service(obj, old, allocate_ip)


def _prepare_namespace(obj: dict[str, Any], old: dict[str, Any] | None) -> None:
    # Since Kubernetes 1.21 every namespace carries its own name as a label
    # (NamespaceDefaultLabelName): what Gateway listeners' allowedRoutes selectors match on.
    meta = obj.setdefault("metadata", {})
    meta.setdefault("labels", {})[NAMESPACE_NAME_LABEL] = meta.get("name", "")
    spec = obj.setdefault("spec", {})
    spec.setdefault("finalizers", ["kubernetes"])
    obj["status"] = (old or {}).get("status") or {"phase": "Active"}


def _prepare_service(
    obj: dict[str, Any], old: dict[str, Any] | None, allocate_ip: Callable[[], str]
) -> None:
    spec = obj.setdefault("spec", {})
    if spec.get("type") == "ExternalName":
        return
    old_spec = (old or {}).get("spec") or {}
    # Like the Service REST storage's patchAllocatedValues: an update that leaves the
    # allocated IPs out keeps them instead of clearing them.
    for field in ("clusterIP", "clusterIPs"):
        if field not in spec and field in old_spec:
            spec[field] = old_spec[field]
    if "clusterIP" not in spec:
        spec["clusterIP"] = allocate_ip()
    if "clusterIPs" not in spec:
        spec["clusterIPs"] = [spec["clusterIP"]]
