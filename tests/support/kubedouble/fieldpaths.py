"""Field paths: the vocabulary of `managedFields`, and edits of an object along them.

A path is a tuple of elements: a field name (`str`), or a list-map element key
(`("k", '{"name":"http"}')`, the JSON of the element's key fields) for lists the schema declares
`x-kubernetes-list-type: map`. Every other list is atomic: the list is one leaf, as
structured-merge-diff treats `atomic` lists (and, in this double, `set` lists too).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PathElem = str | tuple[str, str]
Path = tuple[PathElem, ...]

# Value recorded for a list-map element itself (kube writes it as "." in fieldsV1).
ELEMENT = object()
_MISSING = object()

# Metadata fields that have owners; the rest of metadata is the server's.
OWNED_METADATA = ("labels", "annotations", "finalizers", "ownerReferences")


@dataclass(frozen=True)
class ListMap:
    """How the elements of one list-map list are identified."""

    keys: tuple[str, ...]
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def key_of(self, item: Mapping[str, Any]) -> tuple[str, str]:
        """The path element naming `item` (key fields, with schema defaults for absent ones)."""
        values = {key: item.get(key, self.defaults.get(key)) for key in self.keys}
        return ("k", json.dumps(values, separators=(",", ":")))


# Schema path (field names only, list elements skipped) -> list-map description.
Hints = Mapping[tuple[str, ...], ListMap]


def schema_path(path: Iterable[PathElem]) -> tuple[str, ...]:
    """Drop the list-element steps of a path."""
    return tuple(elem for elem in path if isinstance(elem, str))


def leaves(obj: Mapping[str, Any], hints: Hints) -> dict[Path, Any]:
    """Every owned leaf of `obj` with its value; list-map elements map to `ELEMENT`."""
    out: dict[Path, Any] = {}
    for name, value in obj.items():
        _walk(value, (name,), hints, out)
    return out


def scoped(obj: Mapping[str, Any], *, status: bool, has_status: bool) -> dict[str, Any]:
    """The part of `obj` that one kind of write may own.

    Main-resource writes own everything but identity, server metadata and (where a status
    subresource exists) `status`; status writes own only `status`.
    """
    if status:
        return {"status": obj["status"]} if "status" in obj else {}
    out = {
        key: value
        for key, value in obj.items()
        if key not in ("apiVersion", "kind", "metadata") and not (has_status and key == "status")
    }
    meta = obj.get("metadata") or {}
    owned_meta = {key: meta[key] for key in OWNED_METADATA if key in meta}
    if owned_meta:
        out["metadata"] = owned_meta
    return out


def get_at(obj: Any, path: Path, hints: Hints) -> Any:
    """The value at `path`, or `None` when any step is missing."""
    found = _get(obj, path, hints)
    return None if found is _MISSING else found


def has(obj: Any, path: Path, hints: Hints) -> bool:
    """Whether `path` exists in `obj`."""
    return _get(obj, path, hints) is not _MISSING


def delete_at(obj: dict[str, Any], path: Path, hints: Hints) -> None:
    """Remove the value at `path`, then maps left empty by it (below the top level)."""
    chain: list[tuple[Any, PathElem]] = []
    node: Any = obj
    for depth, elem in enumerate(path):
        chain.append((node, elem))
        node = _step(node, elem, hints, schema_path(path[:depth]))
        if node is _MISSING:
            return
    for depth in range(len(chain) - 1, -1, -1):
        parent, elem = chain[depth]
        if isinstance(elem, tuple):
            lm = hints[schema_path(path[:depth])]
            parent[:] = [item for item in parent if lm.key_of(item) != elem]
        else:
            del parent[elem]
        # Stop unless the container just emptied is a nested map that nobody wrote as such.
        if depth < 2 or parent or isinstance(parent, list):
            return


def merge(live: Any, config: Any, hints: Hints, path: tuple[str, ...] = ()) -> Any:
    """Merge an applied configuration into the live object (maps by key, list-maps by element)."""
    if isinstance(config, dict) and isinstance(live, dict):
        out = dict(live)
        for key, value in config.items():
            out[key] = merge(live[key], value, hints, (*path, key)) if key in live else value
        return copy.deepcopy(out)
    lm = hints.get(path)
    if lm and isinstance(config, list) and isinstance(live, list):
        out_list = copy.deepcopy(live)
        for item in config:
            key = lm.key_of(item)
            index = next((i for i, cur in enumerate(out_list) if lm.key_of(cur) == key), None)
            if index is None:
                out_list.append(copy.deepcopy(item))
            else:
                out_list[index] = merge(out_list[index], item, hints, path)
        return out_list
    return copy.deepcopy(config)


def render_fields_v1(paths: Iterable[Path]) -> dict[str, Any]:
    """The `fieldsV1` JSON of a field set, as kube writes it in `managedFields`."""
    root: dict[str, Any] = {}
    for path in sorted(paths, key=_sort_key):
        node = root
        for elem in path:
            name = f"k:{elem[1]}" if isinstance(elem, tuple) else f"f:{elem}"
            node = node.setdefault(name, {})
        if path and isinstance(path[-1], tuple):
            node["."] = {}
    return root


def describe(path: Path) -> str:
    """A path as kube prints it in apply conflicts: `.spec.ports[port=80,protocol="TCP"]`."""
    out = ""
    for elem in path:
        if isinstance(elem, tuple):
            values = json.loads(elem[1])
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in values.items()) + "]"
        else:
            out += f".{elem}"
    return out


def is_element(path: Path) -> bool:
    """Whether `path` names a list-map element rather than a field."""
    return bool(path) and isinstance(path[-1], tuple)


def _walk(value: Any, path: Path, hints: Hints, out: dict[Path, Any]) -> None:
    if isinstance(value, dict) and value:
        for name, child in value.items():
            _walk(child, (*path, name), hints, out)
        return
    lm = hints.get(schema_path(path))
    if lm and isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        for item in value:
            element = (*path, lm.key_of(item))
            out[element] = ELEMENT
            for name, child in item.items():
                _walk(child, (*element, name), hints, out)
        return
    out[path] = value


def _get(obj: Any, path: Path, hints: Hints) -> Any:
    node = obj
    for depth, elem in enumerate(path):
        node = _step(node, elem, hints, schema_path(path[:depth]))
        if node is _MISSING:
            return _MISSING
    return node


def _step(node: Any, elem: PathElem, hints: Hints, at: tuple[str, ...]) -> Any:
    if isinstance(elem, tuple):
        lm = hints.get(at)
        if lm is None or not isinstance(node, list):
            return _MISSING
        return next((item for item in node if lm.key_of(item) == elem), _MISSING)
    if isinstance(node, dict) and elem in node:
        return node[elem]
    return _MISSING


def _sort_key(path: Path) -> tuple[str, ...]:
    return tuple(elem[1] if isinstance(elem, tuple) else elem for elem in path)
