"""Timing, request counting and hook-tool counting around one hook."""

from __future__ import annotations

import logging
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.hooktools import HookTools, modelled_ms
from kubedouble import KubeDouble, RequestRecord

WRITE_VERBS = frozenset({"create", "update", "patch", "apply", "delete", "deletecollection"})


@dataclass
class Sample:
    """One event kind of one charm at one N: times of every run, requests of the last one."""

    charm: str
    event: str
    phase: str  # "first", "steady", "change", "remove", "arrive" or "join"
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    """The charm's thread only: the API double serves from its own threads."""
    hook_tools: dict[str, int] = field(default_factory=dict)
    verbs: dict[str, int] = field(default_factory=dict)
    lists_by_kind: dict[str, int] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    tenant: int | None = None
    """Of a join: k, the tenant that joined (k - 1 had joined before)."""

    @property
    def median_ms(self) -> float:
        """Median wall time in milliseconds."""
        return statistics.median(self.seconds) * 1000

    @property
    def cpu_ms(self) -> float:
        """Median charm CPU time in milliseconds."""
        return statistics.median(self.cpu_seconds) * 1000

    @property
    def tools(self) -> int:
        """Hook-tool calls of the last run."""
        return sum(self.hook_tools.values())

    def add(self, part: Sample) -> None:
        """Count `part`'s last run as part of this sample's last run (a join is 3-4 hooks)."""
        if not self.seconds:
            self.seconds, self.cpu_seconds = [0.0], [0.0]
        self.seconds[-1] += part.seconds[-1]
        self.cpu_seconds[-1] += part.cpu_seconds[-1]
        self.hook_tools = _summed(self.hook_tools, part.hook_tools)
        self.verbs = _summed(self.verbs, part.verbs)
        self.lists_by_kind = _summed(self.lists_by_kind, part.lists_by_kind)
        self.writes = [*self.writes, *part.writes]

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
            "cpu_ms": round(self.cpu_ms, 2),
            "hook_tools": self.tools,
            "hook_tools_by_name": self.hook_tools,
            "modelled_ms": round(modelled_ms(self.median_ms, self.tools), 1),
            "requests": self.verbs,
            "lists_by_kind": self.lists_by_kind,
            "writes": self.writes,
            **({"tenant": self.tenant} if self.tenant is not None else {}),
        }


def _summed(one: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    return dict(sorted((Counter(one) + Counter(other)).items()))


def record(requests: list[RequestRecord]) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Requests by verb, LISTs by kind, and each write as 'verb Kind namespace/name'."""
    verbs = Counter(r.verb for r in requests)
    lists = Counter(str(r.kind) for r in requests if r.verb == "list")
    writes = [
        f"{r.verb} {r.kind} {r.namespace}/{r.name}" for r in requests if r.verb in WRITE_VERBS
    ]
    return dict(sorted(verbs.items())), dict(sorted(lists.items())), writes


TOOLS = HookTools()
"""Installed for the whole benchmark run (`python -m bench`)."""


def timed(
    kube: KubeDouble, sample: Sample, run: Callable[[], Any], *, keep_requests: bool = True
) -> Any:
    """Run one hook, adding its wall and CPU time (requests and hook-tool calls: if asked).

    Logging is on during the hook, as under Juju, where ops sends every record at DEBUG and
    above to `juju-log`: each is a hook-tool call.
    """
    kube.reset_requests()
    TOOLS.reset()
    disabled = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        result = run()
    finally:
        logging.disable(disabled)
    sample.cpu_seconds.append(time.thread_time() - cpu)
    sample.seconds.append(time.perf_counter() - start)
    if keep_requests:
        sample.verbs, sample.lists_by_kind, sample.writes = record(list(kube.requests))
        sample.hook_tools = dict(sorted(TOOLS.calls.items()))
    return result
