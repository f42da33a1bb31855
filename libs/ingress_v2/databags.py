"""Decoding and validation of the requirer's raw databags, as pure functions.

Kept apart from the ops glue so that every malformed-input case can be tested on plain dicts.
"""

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ingress_v2.errors import TOO_DEEP, IngressDataError, describe_raw, describe_value
from ingress_v2.models import IngressAppData, IngressUnitData, UnitAddress

# What each key must hold, phrased to follow "must be". Ordered as the interface documents them,
# which is also the order problems are reported in.
_APP_EXPECTED = {
    "model": "a Kubernetes namespace name (lowercase RFC 1123 label, ≤ 63 chars)",
    "name": "a Juju app name (a-z, 0-9, '-', starting with a letter, ≤ 63 chars)",
    "port": "an integer from 1 to 65534",
    "scheme": '"http", "https" or "h2c"',
    "strip-prefix": "true or false",
    "redirect-https": "true or false",
    "healthcheck_params": 'an object with a string "path"',
    "is_port_open": "true or false",
}
_HEALTHCHECK_EXPECTED = {
    "path": "a string",
    "scheme": "a string",
    "hostname": "a string",
    "port": "an integer from 1 to 65535",
    "interval": 'a duration string such as "30s"',
    "timeout": 'a duration string such as "5s"',
}
_UNIT_EXPECTED = {
    "host": "a host name or address without spaces (at most 253 characters)",
    "ip": "an IPv4 or IPv6 address",
}


def parse_app_databag(
    raw: Mapping[str, str], *, relation: str, databag: str
) -> IngressAppData | list[IngressDataError]:
    """Validate the requirer's application databag; every problem found, in key order."""
    decoded, problems = _decode(raw, _APP_EXPECTED, _optional_keys(IngressAppData))
    problems.extend(_validate(IngressAppData, decoded, skip={key for key, _ in problems}))
    if not problems:
        return IngressAppData.model_validate(decoded)
    order = list(_APP_EXPECTED)
    problems.sort(key=lambda item: order.index(item[0]))
    return [
        IngressDataError(relation=relation, databag=databag, key=key, reason=reason)
        for key, reason in problems
    ]


def parse_unit_databag(
    raw: Mapping[str, str], *, relation: str, unit: str
) -> UnitAddress | IngressDataError:
    """Validate one requirer unit's databag; the first problem found, if any."""
    decoded, problems = _decode(raw, _UNIT_EXPECTED, _optional_keys(IngressUnitData))
    problems.extend(_validate(IngressUnitData, decoded, skip={key for key, _ in problems}))
    if problems:
        order = list(_UNIT_EXPECTED)
        key, reason = min(problems, key=lambda item: order.index(item[0]))
        if key == "host" and "host" not in raw:
            # A freshly joined unit has not written its address yet: expected, not a bug.
            reason = "not written yet"
        return IngressDataError(relation=relation, databag=unit, key=key, reason=reason)
    data = IngressUnitData.model_validate(decoded)
    return UnitAddress(unit=unit, host=data.host, ip=data.ip)


def _optional_keys(model: type[BaseModel]) -> set[str]:
    return {
        field.alias or name
        for name, field in model.model_fields.items()
        if not field.is_required()
    }


def _decode(
    raw: Mapping[str, str], expected: Mapping[str, str], optional: set[str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """JSON-decode the keys we know; unknown keys are ignored, as newer requirers add some."""
    decoded: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key in expected:
        if key not in raw:
            continue
        try:
            value = json.loads(raw[key])
        except ValueError:
            # Often an ingress v1 requirer, which writes plain strings.
            reason = f"must be JSON-encoded (ingress v2), got {describe_raw(raw[key])}"
            problems.append((key, reason))
            continue
        except RecursionError:
            # JSON nested deeper than the parser's recursion limit ("[[[[..."): it is JSON,
            # just too deep to decode, and must not crash us.
            problems.append((key, f"{TOO_DEEP}, got {describe_raw(raw[key])}"))
            continue
        if value is None and key in optional:
            # The reference requirer models optional keys as Optional: null means the default.
            continue
        decoded[key] = value
    return decoded, problems


def _validate(
    model: type[BaseModel], decoded: dict[str, Any], *, skip: set[str]
) -> list[tuple[str, str]]:
    """Turn pydantic's errors into (key, reason) pairs in this interface's own words.

    Keys in ``skip`` already have a problem reported (not JSON) and would only show as missing.
    """
    try:
        model.model_validate(decoded)
    except ValidationError as exc:
        problems: list[tuple[str, str]] = []
        for error in exc.errors():
            key = str(error["loc"][0])
            if key in skip:
                continue
            problems.append((key, _reason(key, error["loc"][1:], error["type"], error["input"])))
        return problems
    return []


def _reason(key: str, sub_loc: tuple[int | str, ...], error_type: str, value: Any) -> str:
    if sub_loc and key == "healthcheck_params":
        sub_key = str(sub_loc[0])
        if error_type == "missing":
            return f'"{sub_key}" is required'
        expected = _HEALTHCHECK_EXPECTED.get(sub_key, "valid")
        return f'"{sub_key}" must be {expected}, got {describe_value(value)}'
    if error_type == "missing":
        return "is required"
    expected = _APP_EXPECTED.get(key) or _UNIT_EXPECTED.get(key, "valid")
    return f"must be {expected}, got {describe_value(value)}"
