"""Turning entries and answers into the `dns_entries` value and back, never raising on input.

The value is one JSON array; its objects are plain JSON, not encoded a second time. Encoding
uses `json.dumps` defaults and the models' field order, which is byte-for-byte what Canonical's
gateway-api-integrator writes for the same entries.
"""

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dns_record.errors import DataError
from dns_record.models import KEY, DnsAnswer, DnsEntry

Model = TypeVar("Model", bound=BaseModel)

_SHOWN_INPUT = 64


def encode_entries(entries: Sequence[DnsEntry]) -> dict[str, str]:
    """Our requirer databag; an empty list is how records are withdrawn."""
    return {KEY: json.dumps([entry.model_dump(mode="json") for entry in entries])}


def encode_answers(answers: Sequence[DnsAnswer]) -> dict[str, str]:
    """A provider's databag (for DNS stand-ins and tests)."""
    return {KEY: json.dumps([answer.model_dump(mode="json") for answer in answers])}


def decode_entries(databag: Mapping[str, str]) -> list[DnsEntry] | DataError:
    """A requirer's entries as a provider reads them: a missing key means no entries."""
    items = _items(databag)
    if items is None:
        return []
    if isinstance(items, DataError):
        return items
    entries: list[DnsEntry] = []
    for index, item in enumerate(items):
        entry = _validated(DnsEntry, item, index)
        if isinstance(entry, DataError):
            return entry
        entries.append(entry)
    return entries


def decode_answers(
    databag: Mapping[str, str], ours: Iterable[str]
) -> dict[str, DnsAnswer] | DataError | None:
    """The provider's answers to our entries, by uuid; None when it has written nothing.

    The provider sends one combined list for every requirer it serves, so other applications'
    items are skipped unread; only the document's shape and our own items are judged. When an
    item of ours appears twice with different statuses, a refusal wins over an approval.
    """
    items = _items(databag)
    if items is None or isinstance(items, DataError):
        return items
    wanted = {canonical for canonical in map(_canonical, ours) if canonical}
    answers: dict[str, DnsAnswer] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            return DataError(KEY, f"[{index}]: must be an object (got {_shown(item)})")
        if _canonical(item.get("uuid")) not in wanted:
            continue
        answer = _validated(DnsAnswer, item, index)
        if isinstance(answer, DataError):
            return answer
        earlier = answers.get(answer.uuid)
        if earlier is None or earlier.status == "approved":
            answers[answer.uuid] = answer
    return answers


def _items(databag: Mapping[str, str]) -> list[Any] | DataError | None:
    if KEY not in databag:
        return None
    raw = databag[KEY]
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, TypeError):
        return DataError(KEY, f"{_shown(raw)} is not valid JSON")
    except RecursionError:
        return DataError(KEY, f"{_shown(raw)} is JSON nested too deeply to decode")
    if not isinstance(value, list):
        return DataError(KEY, f"must be a JSON array of objects (got {_shown(value)})")
    return value


def _validated(model: type[Model], item: Any, index: int) -> Model | DataError:
    if not isinstance(item, dict):
        return DataError(KEY, f"[{index}]: must be an object (got {_shown(item)})")
    try:
        return model.model_validate(item)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = "".join(f".{part}" for part in detail["loc"])
        if detail["type"] == "missing":
            return DataError(KEY, f"[{index}]{where}: is missing")
        reason = detail["msg"]
        if detail["type"] == "value_error" and "ctx" in detail:
            reason = str(detail["ctx"]["error"])  # our validators' words, not "Value error, ..."
        return DataError(KEY, f"[{index}]{where}: {reason} (got {_shown(detail['input'])})")


def _canonical(value: object) -> str | None:
    """A uuid in the form our entries carry, or None when it cannot be one of ours."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    except RecursionError:
        return "a deeply nested value"
    return text if len(text) <= _SHOWN_INPUT else text[: _SHOWN_INPUT - 3] + "..."
