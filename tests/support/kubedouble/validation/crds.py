"""CRD files parsed into per-kind schemas, validators and CEL rule trees, once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator

from . import cel_rules
from .records import ResourceType
from .schema_check import compile_schema

# libyaml's loader parses the CRDs ~20x faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class CustomKind:
    """Everything admission needs for one served version of one CRD."""

    type: ResourceType
    schema: dict[str, Any]
    validator: Draft4Validator
    cel: cel_rules.CelNode | None

    def rules(self) -> list[cel_rules.Rule]:
        """The kind's CEL rules, each once."""
        return cel_rules.rules(self.cel)


@functools.lru_cache(maxsize=8)
def load(folder: Path) -> dict[tuple[str, str], CustomKind]:
    """Every served version of every CRD in `folder`, keyed by (apiVersion, kind)."""
    kinds: dict[tuple[str, str], CustomKind] = {}
    for file in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        with file.open(encoding="utf-8") as stream:
            docs = list(yaml.load_all(stream, Loader=_LOADER))
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                for kind in _kinds(doc):
                    kinds[(kind.type.api_version, kind.type.kind)] = kind
    return kinds


def _kinds(crd: dict[str, Any]) -> list[CustomKind]:
    spec = crd["spec"]
    names = spec["names"]
    out = []
    for version in spec.get("versions", []):
        if not version.get("served", True):
            continue
        schema = version.get("schema", {}).get("openAPIV3Schema", {"type": "object"})
        resource_type = ResourceType(
            group=spec["group"],
            version=version["name"],
            kind=names["kind"],
            plural=names["plural"],
            namespaced=spec.get("scope", "Namespaced") == "Namespaced",
            has_status="status" in (version.get("subresources") or {}),
        )
        out.append(
            CustomKind(
                type=resource_type,
                schema=schema,
                validator=compile_schema(schema),
                cel=cel_rules.build(schema),
            )
        )
    return out
