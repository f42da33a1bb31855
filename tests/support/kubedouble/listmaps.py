"""Which lists merge by key, per kind: from the CRD schemas, and by hand for core kinds."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from kubedouble.fieldpaths import Hints, ListMap

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Core kinds: the `x-kubernetes-list-type: map` lists of the built-in OpenAPI schema that
# these charms touch. `protocol` defaults to TCP on the server, so an applied port without it
# names the same element as the stored one.
_OWNER_REFS = {("metadata", "ownerReferences"): ListMap(("uid",))}
CORE_LIST_MAPS: dict[tuple[str, str], dict[tuple[str, ...], ListMap]] = {
    ("", "Service"): {
        **_OWNER_REFS,
        ("spec", "ports"): ListMap(("port", "protocol"), {"protocol": "TCP"}),
    },
    ("discovery.k8s.io", "EndpointSlice"): {**_OWNER_REFS},
}

# Strategic merge patch keys (`patchMergeKey` in the Go types) for the core kinds.
STRATEGIC_MERGE_KEYS: dict[tuple[str, str], dict[tuple[str, ...], str]] = {
    ("", "Service"): {("spec", "ports"): "port", ("metadata", "ownerReferences"): "uid"},
}
DEFAULT_MERGE_KEYS: dict[tuple[str, ...], str] = {("metadata", "ownerReferences"): "uid"}


def hints_for(group: str, kind: str, crd_folder: Path | None) -> Hints:
    """List-map lists of one kind; CRD kinds are read from the CRD files in `crd_folder`."""
    if (group, kind) in CORE_LIST_MAPS:
        return CORE_LIST_MAPS[(group, kind)]
    if crd_folder is None:
        return _OWNER_REFS
    return {**_OWNER_REFS, **crd_list_maps(crd_folder).get((group, kind), {})}


@functools.cache
def crd_list_maps(folder: Path) -> dict[tuple[str, str], dict[tuple[str, ...], ListMap]]:
    """Walk every CRD in `folder` (storage version) for `x-kubernetes-list-type: map`."""
    out: dict[tuple[str, str], dict[tuple[str, ...], ListMap]] = {}
    for file in sorted(folder.glob("*.yaml")):
        # libyaml's loader when present: the pure-Python one takes seconds on these CRDs.
        for doc in yaml.load_all(file.read_text(), Loader=_LOADER):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            version = next((v for v in spec["versions"] if v.get("storage")), spec["versions"][0])
            found: dict[tuple[str, ...], ListMap] = {}
            _collect(version["schema"]["openAPIV3Schema"], (), found)
            out[(spec["group"], spec["names"]["kind"])] = found
    return out


def _collect(schema: dict[str, Any], path: tuple[str, ...], out: dict) -> None:
    if schema.get("x-kubernetes-list-type") == "map":
        items = schema.get("items") or {}
        props = items.get("properties") or {}
        keys = tuple(schema.get("x-kubernetes-list-map-keys") or ())
        defaults: dict[str, Any] = {
            key: props[key]["default"] for key in keys if "default" in props.get(key, {})
        }
        out[path] = ListMap(keys, defaults)
    elif schema.get("type") == "array":
        return  # atomic and set lists are leaves: nothing under them has an owner of its own
    for name, child in (schema.get("properties") or {}).items():
        _collect(child, (*path, name), out)
    if isinstance(schema.get("items"), dict):
        _collect(schema["items"], path, out)
