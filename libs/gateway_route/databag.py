"""Turning wire models into databag strings and back, without ever raising on the way in.

Every top-level field is its own key with a JSON-encoded value, the convention of `ingress` v2.
Encoding is canonical (sorted object keys, fixed separators) so that an unchanged model
encodes to unchanged strings and writers can skip keys whose value is already there.
"""

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gateway_route.errors import DataError
from gateway_route.models import VERSION

Model = TypeVar("Model", bound=BaseModel)

_SHOWN_INPUT = 64


def encode(model: BaseModel) -> dict[str, str]:
    """One databag key per field, every field written (None as `null`)."""
    return {
        key: json.dumps(value, sort_keys=True)
        for key, value in model.model_dump(mode="json").items()
    }


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str) -> Any:
    # NaN/Infinity are Python extensions, not JSON; absurdly deep nesting is RecursionError.
    return json.loads(text, parse_constant=_reject_constant)


def _shown(value: object) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    except RecursionError:
        return "a deeply nested value"
    return text if len(text) <= _SHOWN_INPUT else text[: _SHOWN_INPUT - 3] + "..."


def _position(loc: tuple[int | str, ...]) -> str:
    parts = [f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc]
    return "".join(parts).lstrip(".")


def _first_error(error: ValidationError) -> DataError:
    detail = error.errors(include_url=False)[0]
    loc = detail["loc"]
    reason = detail["msg"]
    if detail["type"] == "value_error" and "ctx" in detail:
        reason = str(detail["ctx"]["error"])  # our own validators' words, not "Value error, ..."
    if detail["type"] == "missing":
        reason = "is missing"
    field = str(loc[0]) if loc else "?"
    where = _position(loc[1:])
    if detail["type"] != "missing":
        got = detail["input"]
        shown = (
            "an object" if isinstance(got, dict) else "a list" if isinstance(got, list) else None
        )
        reason = f"{reason} (got {shown or _shown(got)})"
    return DataError(field, f"{where}: {reason}" if where else reason)


def _json_values(present: Mapping[str, str]) -> dict[str, Any] | DataError:
    """Decode every value, `version` first and alone if it is newer than ours.

    A newer writer's other fields may not parse under this version's rules, so a newer version
    is the error to report, whatever else is wrong.
    """
    values: dict[str, Any] = {}
    for key in sorted(present, key=lambda key: key != "version"):
        try:
            values[key] = _loads(present[key])
        except (ValueError, TypeError):
            return DataError(key, f"{_shown(present[key])} is not valid JSON")
        except RecursionError:
            return DataError(key, f"{_shown(present[key])} is JSON nested too deeply to decode")
        version = values.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            return DataError(
                "version",
                f"{version} is newer than {VERSION}, the highest this charm understands; "
                "upgrade this charm",
                newer=True,
            )
    return values


def decode(model: type[Model], databag: Mapping[str, str]) -> Model | DataError | None:
    """Read `model` from a databag: None if none of its keys are there, else model or error.

    Unknown keys are ignored so that a newer writer's additions do not break this reader.
    """
    present = {key: databag[key] for key in model.model_fields if key in databag}
    if not present:
        return None
    if "version" not in present:
        return DataError("version", "is missing")
    values = _json_values(present)
    if isinstance(values, DataError):
        return values
    try:
        return model.model_validate(values)
    except ValidationError as error:
        return _first_error(error)
