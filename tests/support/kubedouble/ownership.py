"""Field ownership (`managedFields`): server-side apply and the bookkeeping of plain updates.

Follows structured-merge-diff's rules closely enough for charms: a manager is identified by
(name, operation, subresource); an apply owns exactly the leaves of its configuration; a leaf
dropped from a manager's next apply is removed from the object unless another manager still
owns it; applying a value that differs from a leaf another manager owns is a conflict unless
forced (forcing takes the leaf away from that manager); a plain update takes ownership of what
it changed and releases what it removed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubedouble import fieldpaths
from kubedouble.errors import ApiFailure
from kubedouble.fieldpaths import ELEMENT, Hints, Path


@dataclass(frozen=True)
class ManagerKey:
    """Who wrote: field manager name, `Apply` or `Update`, and subresource ("" or "status")."""

    manager: str
    operation: str
    subresource: str = ""


@dataclass(frozen=True)
class ManagedEntry:
    """The leaves one manager owns, the API version it wrote with, and when it last changed."""

    fields: frozenset[Path]
    api_version: str
    time: str


Managed = dict[ManagerKey, ManagedEntry]


def apply(
    live: dict[str, Any],
    config: dict[str, Any],
    owned_config: dict[str, Any],
    managed: Mapping[ManagerKey, ManagedEntry],
    key: ManagerKey,
    *,
    force: bool,
    hints: Hints,
    api_version: str,
    now: str,
) -> tuple[dict[str, Any], Managed]:
    """Merge `config` into `live` for manager `key`; raise 409 on conflicts unless `force`.

    `owned_config` is the part of `config` whose leaves the manager will own (no identity or
    server metadata); `config` is what gets merged into the object.
    """
    wanted = fieldpaths.leaves(owned_config, hints)
    conflicts: list[tuple[ManagerKey, Path]] = []
    result: Managed = {}
    for other, entry in managed.items():
        if other == key:
            continue
        differing = {
            path
            for path in entry.fields & wanted.keys()
            if wanted[path] is not ELEMENT and fieldpaths.get_at(live, path, hints) != wanted[path]
        }
        conflicts += [(other, path) for path in sorted(differing, key=fieldpaths.describe)]
        kept = entry.fields - differing if force else entry.fields
        if kept:
            result[other] = entry if kept == entry.fields else _changed(entry, kept, now)
    if conflicts and not force:
        raise _conflict_failure(conflicts)

    previous = managed.get(key)
    mine = frozenset(wanted)
    if mine:
        result[key] = (
            previous
            if previous is not None and previous.fields == mine
            else ManagedEntry(mine, api_version, now)
        )
    still_owned = frozenset().union(*(entry.fields for entry in result.values()))
    dropped = (previous.fields if previous else frozenset()) - mine
    pruned = _remove_unowned(live, dropped, still_owned, hints)
    return fieldpaths.merge(pruned, config, hints), result


def update(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    managed: Mapping[ManagerKey, ManagedEntry],
    key: ManagerKey,
    *,
    hints: Hints,
    api_version: str,
    now: str,
) -> Managed:
    """Ownership after a non-apply write from `key` turned owned part `old` into `new`."""
    before = fieldpaths.leaves(old, hints)
    after = fieldpaths.leaves(new, hints)
    changed = {
        path for path, value in after.items() if path not in before or before[path] != value
    }
    removed = before.keys() - after.keys()
    result: Managed = {}
    for other, entry in managed.items():
        if other == key:
            continue
        kept = entry.fields - changed - removed
        if kept:
            result[other] = entry if kept == entry.fields else _changed(entry, kept, now)
    previous = managed.get(key)
    mine = ((previous.fields if previous else frozenset()) | changed) - removed
    if mine:
        result[key] = (
            previous
            if previous is not None and previous.fields == mine
            else ManagedEntry(frozenset(mine), api_version, now)
        )
    return result


def render(managed: Mapping[ManagerKey, ManagedEntry]) -> list[dict[str, Any]]:
    """`metadata.managedFields` as kube-apiserver returns it."""
    out = []
    for key, entry in managed.items():
        item: dict[str, Any] = {
            "manager": key.manager,
            "operation": key.operation,
            "apiVersion": entry.api_version,
            "time": entry.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": fieldpaths.render_fields_v1(entry.fields),
        }
        if key.subresource:
            item["subresource"] = key.subresource
        out.append(item)
    return out


def same_fields(
    a: Mapping[ManagerKey, ManagedEntry], b: Mapping[ManagerKey, ManagedEntry]
) -> bool:
    """Whether two ownership tables record the same owners of the same leaves."""
    return {k: v.fields for k, v in a.items()} == {k: v.fields for k, v in b.items()}


def _changed(entry: ManagedEntry, fields: frozenset[Path], now: str) -> ManagedEntry:
    return ManagedEntry(fields, entry.api_version, now)


def _remove_unowned(
    live: dict[str, Any], dropped: frozenset[Path], still_owned: frozenset[Path], hints: Hints
) -> dict[str, Any]:

    out = copy.deepcopy(live)
    # Deepest first, so an element is judged after the leaves inside it.
    for path in sorted(dropped - still_owned, key=len, reverse=True):
        if fieldpaths.is_element(path):
            if any(owned[: len(path)] == path for owned in still_owned):
                continue  # another manager still owns something inside this element
        elif _is_key_field(path, hints):
            continue  # key fields live and die with their element
        fieldpaths.delete_at(out, path, hints)
    return out


def _is_key_field(path: Path, hints: Hints) -> bool:
    if len(path) < 2 or not isinstance(path[-2], tuple):
        return False
    lm = hints.get(fieldpaths.schema_path(path[:-2]))
    return lm is not None and path[-1] in lm.keys


def _conflict_failure(conflicts: list[tuple[ManagerKey, Path]]) -> ApiFailure:
    lines = [
        f'conflict with "{key.manager}"'
        + (f' with subresource "{key.subresource}"' if key.subresource else "")
        + f": {fieldpaths.describe(path)}"
        for key, path in conflicts
    ]
    count = len(conflicts)
    return ApiFailure(
        409,
        f"Apply failed with {count} conflict{'s' if count > 1 else ''}: " + "\n".join(lines),
        details={
            "causes": [
                {
                    "reason": "FieldManagerConflict",
                    "message": f'conflict with "{key.manager}"',
                    "field": fieldpaths.describe(path),
                }
                for key, path in conflicts
            ]
        },
    )
