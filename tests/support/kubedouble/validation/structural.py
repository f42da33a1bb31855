"""Structural-schema steps the API server runs before validation: pruning and defaulting.

Both work on a copy: `pruned` builds a new tree, `apply_defaults` then fills that tree in place.
"""

from __future__ import annotations

import copy
import json
from typing import Any

Schema = dict[str, Any]

# ObjectMeta fields: custom resources keep these and lose anything else under metadata.
OBJECT_META_FIELDS = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    }
)
_ROOT_KEPT = frozenset({"apiVersion", "kind"})


def join(path: str, key: str) -> str:
    """Field path of a property, the way kube prints it (`spec.rules`)."""
    return f"{path}.{key}" if path else key


def index(path: str, i: int) -> str:
    """Field path of a list element (`spec.rules[3]`)."""
    return f"{path}[{i}]"


def prune_object(obj: dict[str, Any], schema: Schema, warnings: list[str]) -> dict[str, Any]:
    """A copy of a whole custom resource with unknown fields dropped, one warning per field."""
    out: dict[str, Any] = {}
    props = schema.get("properties", {})
    for key, value in obj.items():
        if key in _ROOT_KEPT:
            out[key] = copy.deepcopy(value)
        elif key == "metadata":
            out[key] = _prune_metadata(value, warnings)
        elif key in props:
            out[key] = _prune(value, props[key], key, warnings)
        else:
            warnings.append(f'unknown field "{key}"')
    return out


def _prune_metadata(metadata: Any, warnings: list[str]) -> Any:
    if not isinstance(metadata, dict):
        return copy.deepcopy(metadata)
    kept = {}
    for key, value in metadata.items():
        if key in OBJECT_META_FIELDS:
            kept[key] = copy.deepcopy(value)
        else:
            warnings.append(f'unknown field "metadata.{key}"')
    return kept


def _prune(value: Any, schema: Schema, path: str, warnings: list[str]) -> Any:
    if isinstance(value, dict):
        if schema.get("x-kubernetes-preserve-unknown-fields"):
            props = schema.get("properties", {})
            return {
                k: _prune(v, props[k], join(path, k), warnings) if k in props else copy.deepcopy(v)
                for k, v in value.items()
            }
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        out = {}
        for key, child in value.items():
            if props is not None and key in props:
                out[key] = _prune(child, props[key], join(path, key), warnings)
            elif isinstance(additional, dict):
                out[key] = _prune(child, additional, join(path, key), warnings)
            elif additional is True:
                out[key] = copy.deepcopy(child)
            else:
                warnings.append(f'unknown field "{join(path, key)}"')
        return out
    if isinstance(value, list):
        items = schema.get("items")
        if not isinstance(items, dict):
            return copy.deepcopy(value)
        return [_prune(v, items, index(path, i), warnings) for i, v in enumerate(value)]
    return value


def apply_defaults(value: Any, schema: Schema) -> None:
    """Fill schema defaults in place, as the API server's structural defaulting does.

    A default applies when its field is absent (or null and not nullable); defaults of nested
    objects apply only where the parent object is present, including one a default just created.
    A null non-nullable field without a default is dropped, as kube does before defaulting.
    """
    if isinstance(value, dict):
        props: dict[str, Schema] = schema.get("properties", {})
        for key, prop in props.items():
            present = key in value
            if present and value[key] is None and not prop.get("nullable"):
                if "default" in prop:
                    value[key] = copy.deepcopy(prop["default"])
                else:
                    del value[key]
            elif not present and "default" in prop:
                value[key] = copy.deepcopy(prop["default"])
        additional = schema.get("additionalProperties")
        for key, child in value.items():
            if key in props:
                apply_defaults(child, props[key])
            elif isinstance(additional, dict):
                apply_defaults(child, additional)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for item in value:
                apply_defaults(item, items)


def list_type_errors(value: Any, schema: Schema, path: str) -> list[str]:
    """Uniqueness of `x-kubernetes-list-type: set` items and `map` keys, anywhere in the tree."""
    errors: list[str] = []
    _list_types(value, schema, path, errors)
    return errors


def _list_types(value: Any, schema: Schema, path: str, errors: list[str]) -> None:
    if isinstance(value, dict):
        props = schema.get("properties", {})
        additional = schema.get("additionalProperties")
        for key, child in value.items():
            if key in props:
                _list_types(child, props[key], join(path, key), errors)
            elif isinstance(additional, dict):
                _list_types(child, additional, join(path, key), errors)
    elif isinstance(value, list):
        errors += _duplicates(value, schema, path)
        items = schema.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                _list_types(item, items, index(path, i), errors)


def _duplicates(value: list[Any], schema: Schema, path: str) -> list[str]:
    list_type = schema.get("x-kubernetes-list-type")
    if list_type not in ("set", "map"):
        return []
    names = schema.get("x-kubernetes-list-map-keys", [])
    errors, seen = [], set()
    for i, item in enumerate(value):
        if list_type == "map" and not isinstance(item, dict):
            continue
        identity = item if list_type == "set" else {n: item.get(n) for n in names}
        key = json.dumps(identity, sort_keys=True)
        if key in seen:
            errors.append(f"{index(path, i)}: Duplicate value: {key}")
        seen.add(key)
    return errors
