"""Errors the simulation raises: each says what went wrong and where to look."""

from __future__ import annotations

from collections.abc import Sequence

from modelsim.records import TraceEntry


class SimulationError(Exception):
    """The test asked for something Juju would refuse (unknown app, bad endpoint, ...)."""


class HookFailed(SimulationError):
    """A charm raised while handling an event; Juju would put the unit in error state."""

    def __init__(self, unit: str, event: str, cause: BaseException) -> None:
        self.unit = unit
        self.event = event
        super().__init__(f"{unit} failed handling {event}: {cause}")


class NotSettled(SimulationError):
    """Relation data kept changing for more rounds than `settle()` allows."""

    def __init__(self, rounds: int, pending: Sequence[str], recent: Sequence[TraceEntry]) -> None:
        self.rounds = rounds
        self.pending = list(pending)
        self.recent = list(recent)
        lines = [f"relation data still changing after {rounds} rounds", "still pending:"]
        lines += [f"  {item}" for item in self.pending]
        lines.append("last events delivered:")
        lines += [f"  {entry}" for entry in self.recent]
        super().__init__("\n".join(lines))
