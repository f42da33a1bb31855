"""The three non-apply patch formats kube-apiserver accepts."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kubedouble.errors import ApiFailure

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: maps merge, `null` deletes, lists are replaced."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902 JSON patch; a failed `test` or a bad path is 422, as kube answers."""
    if not isinstance(operations, list):
        raise ApiFailure(400, "json patch must be a list of operations")
    doc = copy.deepcopy(target)
    for operation in operations:
        doc = _json_patch_op(doc, operation)
    return doc


def strategic_merge(
    target: Any, patch: Any, merge_keys: Mapping[tuple[str, ...], str], path: tuple = ()
) -> Any:
    """Strategic merge patch for built-in kinds.

    Lists with a `patchMergeKey` merge element by element (`$patch: delete` removes one);
    other lists are replaced. Supports `$patch: replace|delete`, `$retainKeys` and
    `$deleteFromPrimitiveList/<field>`; `$setElementOrder` is accepted and ignored.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return _strip(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            out[name] = [item for item in out.get(name) or [] if item not in value]
        elif key.startswith("$"):
            continue
        elif value is None or (isinstance(value, dict) and value.get("$patch") == "delete"):
            out.pop(key, None)
        elif isinstance(value, dict):
            out[key] = strategic_merge(out.get(key), value, merge_keys, (*path, key))
        elif isinstance(value, list) and (*path, key) in merge_keys:
            out[key] = _merge_list(out.get(key) or [], value, merge_keys, (*path, key))
        else:
            out[key] = _strip(value)
    if "$retainKeys" in patch:
        out = {key: value for key, value in out.items() if key in patch["$retainKeys"]}
    return out


def _merge_list(
    live: list, patch: list, merge_keys: Mapping[tuple[str, ...], str], path: tuple
) -> list:
    key = merge_keys[path]
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [_strip(i) for i in patch if not (isinstance(i, dict) and "$patch" in i)]
    out = copy.deepcopy(live)
    for item in patch:
        if not isinstance(item, dict):
            raise ApiFailure(400, f"{'.'.join(path)}: elements must be objects to merge by {key}")
        index = next((i for i, cur in enumerate(out) if cur.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            if index is not None:
                del out[index]
        elif index is None:
            out.append(_strip(item))
        else:
            out[index] = strategic_merge(out[index], item, {}, path)
    return out


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _json_patch_op(doc: Any, operation: Any) -> Any:
    if not isinstance(operation, dict) or "op" not in operation or "path" not in operation:
        raise ApiFailure(400, f"json patch operation needs op and path: {operation!r}")
    op, path = operation["op"], _pointer(operation["path"])
    if op == "test":
        if _resolve(doc, path) != operation.get("value"):
            raise ApiFailure(422, f"testing value {operation['path']} failed")
        return doc
    if op in ("move", "copy"):
        value = copy.deepcopy(_resolve(doc, _pointer(operation.get("from", ""))))
        if op == "move":
            doc = _remove(doc, _pointer(operation["from"]))
        return _add(doc, path, value)
    if op == "remove":
        return _remove(doc, path)
    if op == "replace":
        _resolve(doc, path)
        return _add(_remove(doc, path), path, copy.deepcopy(operation.get("value")))
    if op == "add":
        return _add(doc, path, copy.deepcopy(operation.get("value")))
    raise ApiFailure(400, f"unexpected json patch operation {op!r}")


def _pointer(text: str) -> list[str]:
    if text == "":
        return []
    if not text.startswith("/"):
        raise ApiFailure(422, f"invalid JSON pointer {text!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/")]


def _resolve(doc: Any, path: list[str]) -> Any:
    node = doc
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ApiFailure(422, f"json patch path /{'/'.join(path)} does not exist")
    return node


def _add(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent = _resolve(doc, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list) and last == "-":
        parent.append(value)
    elif isinstance(parent, list) and last.isdigit() and int(last) <= len(parent):
        parent.insert(int(last), value)
    else:
        raise ApiFailure(422, f"json patch cannot add at /{'/'.join(path)}")
    return doc


def _remove(doc: Any, path: list[str]) -> Any:
    if not path:
        return None
    parent = _resolve(doc, path[:-1])
    _resolve(doc, path)
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        del parent[int(path[-1])]
    return doc
