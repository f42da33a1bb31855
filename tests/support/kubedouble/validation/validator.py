"""Admission as kube-apiserver does it for the kinds the double serves.

Custom resources go through the API server's order: prune unknown fields (warning per field),
apply schema defaults, check metadata, validate against the OpenAPI schema, check list-map and
set uniqueness, then evaluate the CEL rules. Built-in kinds get hand-written checks instead.
"""

from __future__ import annotations

from typing import Any

from . import cel_rules, core_kinds, crds, names
from .crd_source import crd_dir
from .records import Admission, CelReport, KindCelCoverage, ResourceType, UnusableRule
from .schema_check import schema_errors
from .structural import apply_defaults, list_type_errors, prune_object


class Validator:
    """Admission for one simulated cluster: the built-in kinds plus one Gateway API release."""

    def __init__(self, gateway_api_version: str | None) -> None:
        self.gateway_api_version = gateway_api_version
        # Parsed CRDs, validators and CEL programs are cached per folder for the process.
        self._custom = crds.load(crd_dir(gateway_api_version)) if gateway_api_version else {}

    def resource_types(self) -> list[ResourceType]:
        """Every kind and version this cluster serves."""
        return list(core_kinds.CORE_TYPES) + [k.type for k in self._custom.values()]

    def schema(self, api_version: str, kind: str) -> dict[str, Any] | None:
        """The OpenAPI schema of a custom kind at `api_version`; None for built-in kinds."""
        custom = self._custom.get((api_version, kind))
        return custom.schema if custom else None

    def admit(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Admission:
        """Admit a create (`old` None) or an update; inputs are never mutated."""
        key = (str(obj.get("apiVersion")), str(obj.get("kind")))
        custom = self._custom.get(key)
        if custom is not None:
            return _admit_custom(custom, obj, old)
        if any((t.api_version, t.kind) == key for t in core_kinds.CORE_TYPES):
            stored = core_kinds.defaulted(obj)
            return Admission(obj=stored, errors=core_kinds.core_errors(stored, old))
        return Admission(
            obj=obj,
            errors=[f'no matches for kind "{key[1]}" in version "{key[0]}"'],
        )

    def admit_status(self, obj: dict[str, Any], old: dict[str, Any]) -> Admission:
        """Admit a write to the status subresource: only `status` is validated."""
        key = (str(obj.get("apiVersion")), str(obj.get("kind")))
        custom = self._custom.get(key)
        if custom is None:
            return Admission(obj=core_kinds.defaulted(obj))
        return _admit_custom(custom, obj, old, status_only=True)

    def cel_report(self) -> CelReport:
        """Rules found, compiled and evaluated so far, per kind; every unusable rule listed."""
        kinds, unusable = [], []
        for (api_version, kind), custom in sorted(self._custom.items()):
            rules = custom.rules()
            kinds.append(
                KindCelCoverage(
                    api_version=api_version,
                    kind=kind,
                    found=len(rules),
                    compiled=sum(r.unusable is None for r in rules),
                    evaluated=sum(r.evaluations > 0 for r in rules),
                )
            )
            unusable += [
                UnusableRule(api_version, kind, r.schema_path, r.text, r.unusable)
                for r in rules
                if r.unusable is not None
            ]
        return CelReport(kinds=kinds, unusable=unusable)


def _admit_custom(
    custom: crds.CustomKind,
    obj: dict[str, Any],
    old: dict[str, Any] | None,
    *,
    status_only: bool = False,
) -> Admission:
    warnings: list[str] = []
    stored = prune_object(obj, custom.schema, warnings)
    apply_defaults(stored, custom.schema)
    errors = (
        []
        if status_only
        else names.metadata_errors(stored.get("metadata"), names.dns1123_subdomain)
    )
    errors += schema_errors(custom.validator, stored)
    errors += list_type_errors(stored, custom.schema, "")
    if status_only:
        errors = [e for e in errors if e.startswith("status")]
        warnings = [w for w in warnings if w.startswith('unknown field "status')]
    if custom.cel is not None:
        errors += cel_rules.evaluate_object(
            custom.cel, custom.schema, stored, old, only="status" if status_only else None
        )
    return Admission(obj=stored, errors=errors, warnings=warnings)
