"""The queue of events that databag and secret writes trigger, delivered by `settle()`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class Pending:
    """A queued event: relation-changed, secret-changed, or a participant callback."""

    target: str  # unit name, or app name for a participant
    event: str
    ref: int | str  # relation id, or secret id
    source: str | None = None  # the unit or app whose databag changed

    def __str__(self) -> str:
        source = "" if self.source is None else f" from {self.source}"
        return f"{self.target}: {self.event} ({self.ref}){source}"


def round_robin(items: Iterable[Pending]) -> list[Pending]:
    """Interleave targets: first queued event of each target, then the second, ..."""
    lanes: dict[str, list[Pending]] = {}
    for item in items:
        lanes.setdefault(item.target, []).append(item)
    ordered: list[Pending] = []
    while any(lanes.values()):
        for lane in lanes.values():
            if lane:
                ordered.append(lane.pop(0))
    return ordered
