"""Timing and request counting around one hook."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubedouble import KubeDouble, RequestRecord

WRITE_VERBS = frozenset({"create", "update", "patch", "apply", "delete", "deletecollection"})


@dataclass
class Sample:
    """One event kind of one charm at one N: times of every run, requests of the last one."""

    charm: str
    event: str
    phase: str  # "first", "steady" or "change"
    seconds: list[float] = field(default_factory=list)
    verbs: dict[str, int] = field(default_factory=dict)
    lists_by_kind: dict[str, int] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        """Median wall time in milliseconds."""
        return statistics.median(self.seconds) * 1000

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "charm": self.charm,
            "event": self.event,
            "phase": self.phase,
            "runs": len(self.seconds),
            "median_ms": round(self.median_ms, 2),
            "min_ms": round(min(self.seconds) * 1000, 2),
            "max_ms": round(max(self.seconds) * 1000, 2),
            "requests": self.verbs,
            "lists_by_kind": self.lists_by_kind,
            "writes": self.writes,
        }


def record(requests: list[RequestRecord]) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Requests by verb, LISTs by kind, and each write as 'verb Kind namespace/name'."""
    verbs = Counter(r.verb for r in requests)
    lists = Counter(str(r.kind) for r in requests if r.verb == "list")
    writes = [
        f"{r.verb} {r.kind} {r.namespace}/{r.name}" for r in requests if r.verb in WRITE_VERBS
    ]
    return dict(sorted(verbs.items())), dict(sorted(lists.items())), writes


def timed(
    kube: KubeDouble, sample: Sample, run: Callable[[], Any], *, keep_requests: bool = True
) -> Any:
    """Run one hook, adding its wall time (and its requests, if asked) to `sample`."""
    kube.reset_requests()
    start = time.perf_counter()
    result = run()
    sample.seconds.append(time.perf_counter() - start)
    if keep_requests:
        sample.verbs, sample.lists_by_kind, sample.writes = record(list(kube.requests))
    return result
