"""OpenAPI schema validation with `jsonschema`, reported in kube-apiserver's wording."""

from __future__ import annotations

import datetime
import ipaddress
import json
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from .structural import index, join

# kube-apiserver checks only the formats its strfmt registry knows; the Gateway API CRDs use
# ipv4, ipv6 and date-time from that set (int32/int64 are type hints, never checked).
FORMATS = FormatChecker(formats=())


@FORMATS.checks("ipv4")
def _ipv4(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


@FORMATS.checks("ipv6")
def _ipv6(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def compile_schema(schema: dict[str, Any]) -> Draft4Validator:
    """A reusable validator; OpenAPI v3 structural schemas use draft-4 keyword semantics."""
    return Draft4Validator(schema, format_checker=FORMATS)


def schema_errors(validator: Draft4Validator, obj: Any, prefix: str = "") -> list[str]:
    """Every schema violation in `obj`, each as `path: Reason: detail`."""
    out: list[str] = []
    for error in validator.iter_errors(obj):
        out.extend(_describe(error, prefix))
    return sorted(set(out), key=out.index)


def field_path(parts: Iterable[Any], prefix: str = "") -> str:
    """Render a jsonschema path deque as a kube field path."""
    path = prefix
    for part in parts:
        path = index(path, part) if isinstance(part, int) else join(path, str(part))
    return path


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return '"object"'
    if isinstance(value, list):
        return '"array"'
    return json.dumps(value)


# kube-openapi's wording per keyword; fields: where, shown (the value), size, limit, allowed, got.
_TEMPLATES = {
    "maxItems": "{where}: Too many: {size}: must have at most {limit} items",
    "maxProperties": "{where}: Too many: {size}: must have at most {limit} items",
    "minItems": (
        "{where}: Invalid value: {size}: {where} in body should have at least {limit} items"
    ),
    "minProperties": (
        "{where}: Invalid value: {size}: {where} in body should have at least {limit} properties"
    ),
    "maxLength": "{where}: Too long: may not be more than {limit} bytes",
    "minLength": (
        "{where}: Invalid value: {shown}: {where} in body should be at least {limit} chars long"
    ),
    "pattern": "{where}: Invalid value: {shown}: {where} in body should match '{limit}'",
    "enum": "{where}: Unsupported value: {shown}: supported values: {allowed}",
    "type": "{where}: Invalid value: {shown}: {where} in body must be of type {limit}: {got}",
    "minimum": (
        "{where}: Invalid value: {shown}: {where} in body should be greater than or equal to "
        "{limit}"
    ),
    "maximum": (
        "{where}: Invalid value: {shown}: {where} in body should be less than or equal to {limit}"
    ),
    "format": "{where}: Invalid value: {shown}: {where} in body must be of type {limit}: {shown}",
}


def _describe(error: ValidationError, prefix: str) -> list[str]:
    path = field_path(error.absolute_path, prefix)
    keyword, limit, value = error.validator, error.validator_value, error.instance
    if keyword == "required":
        present = value if isinstance(value, dict) else {}
        missing = limit if isinstance(limit, list) else []
        return [f"{join(path, str(p))}: Required value" for p in missing if p not in present]
    where = path or "<root>"
    template = _TEMPLATES.get(str(keyword), "{where}: Invalid value: {shown}: {message}")
    return [
        template.format(
            where=where,
            shown=_shown(value),
            size=len(value) if isinstance(value, dict | list | str) else 0,
            limit=limit,
            allowed=", ".join(json.dumps(v) for v in limit) if isinstance(limit, list) else "",
            got=_shown(type(value).__name__),
            message=error.message,
        )
    ]
