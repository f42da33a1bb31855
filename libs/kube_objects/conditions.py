"""Status conditions as Gateway API controllers write them, read without trusting their shape.

Pure. Controllers differ in what they write and when (Unknown/Pending until reconciled, some
never), so every reader here treats a missing or malformed condition as "not reported".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Condition:
    """One `metav1.Condition`."""

    type: str
    status: str
    """"True", "False" or "Unknown"."""
    reason: str = ""
    message: str = ""
    observed_generation: int | None = None

    @property
    def true(self) -> bool:
        """Whether the condition holds."""
        return self.status == "True"

    @property
    def false(self) -> bool:
        """Whether the controller said it does not hold (Unknown is neither)."""
        return self.status == "False"

    def describe(self) -> str:
        """`Programmed=False (Pending): waiting for an address`."""
        text = f"{self.type}={self.status}" + (f" ({self.reason})" if self.reason else "")
        return f"{text}: {self.message}" if self.message else text


def read(entries: Iterable[Any] | None) -> dict[str, Condition]:
    """Conditions by type, from a `conditions` list; malformed entries are skipped."""
    found: dict[str, Condition] = {}
    for entry in entries or ():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("type"), str):
            continue
        generation = entry.get("observedGeneration")
        found[entry["type"]] = Condition(
            type=entry["type"],
            status=str(entry.get("status") or "Unknown"),
            reason=str(entry.get("reason") or ""),
            message=str(entry.get("message") or ""),
            observed_generation=generation if isinstance(generation, int) else None,
        )
    return found


def of(obj: Mapping | None) -> dict[str, Condition]:
    """An object's own `status.conditions`, by type."""
    return read(((obj or {}).get("status") or {}).get("conditions"))


def generation(obj: Mapping | None) -> int | None:
    """`metadata.generation`, when the API server set it."""
    value = ((obj or {}).get("metadata") or {}).get("generation")
    return value if isinstance(value, int) else None


def stale(condition: Condition | None, current: int | None) -> bool:
    """Whether `condition` speaks of an older spec than `current`."""
    if condition is None or current is None or condition.observed_generation is None:
        return False
    return condition.observed_generation < current


def supported_features(gateway_class: Mapping | None) -> frozenset[str]:
    """The feature names a GatewayClass's controller advertises (Gateway API v1.4+ CRDs)."""
    entries = ((gateway_class or {}).get("status") or {}).get("supportedFeatures") or []
    names = set()
    for entry in entries:
        # v1.4+ lists objects with a `name`; some releases between listed plain strings.
        name = entry.get("name") if isinstance(entry, Mapping) else entry
        if isinstance(name, str) and name:
            names.add(name)
    return frozenset(names)
