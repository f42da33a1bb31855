"""The fault matrix: one representative reconcile, a fault at each API call index, then recovery.

A `Scenario` is a charm's first reconcile (run with the fault armed) and the event after it
(run without). `run_case` plays it on a fresh double with the scenario's baseline, including
objects the charm does not own, and returns what the properties are checked on.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ops import testing
from scenario.errors import UncaughtCharmError

from fuzzdata.cluster import ObjectKey, contents, fresh_double, stored, writes_to
from kubedouble import KubeDouble, RequestRecord


@dataclass(frozen=True)
class Fault:
    """One kind of failure, as `KubeDouble.inject_fault` arms it."""

    name: str
    status: int | None = None
    reset: bool = False
    timeout: bool = False

    def arm(self, kube: KubeDouble, index: int) -> None:
        kube.inject_fault(nth=index, status=self.status, reset=self.reset, timeout=self.timeout)


FAULTS = (
    Fault("403", status=403),
    Fault("404", status=404),
    Fault("409", status=409),
    Fault("422", status=422),
    Fault("500", status=500),
    Fault("connection reset", reset=True),
    # The server does the work, the client gives up (kubedouble.transport); no clock involved.
    Fault("timeout", timeout=True),
)
TIMEOUT = FAULTS[-1]


@dataclass(frozen=True)
class Scenario:
    """A charm's representative reconcile and the event that follows it."""

    name: str
    seed: Callable[[KubeDouble], None]
    """Everything in the cluster before the charm runs; none of it is the charm's."""
    first: Callable[[], testing.State]
    """Runs the first event (the faulted one) and returns its output State."""
    second: Callable[[testing.State], testing.State]
    """Runs the next event, fault-free, from the first one's output."""


@dataclass
class CaseResult:
    """What one (fault, index) case did."""

    escaped: BaseException | None
    """An exception out of the first hook (ops.testing's UncaughtCharmError), if any."""
    first_calls: list[RequestRecord]
    second_calls: list[RequestRecord]
    contents: dict[ObjectKey, dict[str, Any]]
    """The store after the second event, comparable across runs."""
    unowned_changed: list[ObjectKey] = field(default_factory=list)
    unowned_writes: list[str] = field(default_factory=list)
    status: Any = None


def run_case(scenario: Scenario, fault: Fault | None, index: int = 0) -> CaseResult:
    """Fresh double, baseline, the first event with `fault` at call `index`, then the second."""
    with fresh_double() as kube:
        scenario.seed(kube)
        unowned = stored(kube)
        kube.reset_requests()
        if fault is not None:
            fault.arm(kube, index)
        escaped: BaseException | None = None
        try:
            out = scenario.first()
        except UncaughtCharmError as error:
            escaped = error
            out = None
        first_calls = list(kube.requests)
        second = scenario.second(out) if out is not None else None
        second_calls = kube.requests[len(first_calls) :]
        after = stored(kube)
        return CaseResult(
            escaped=escaped,
            first_calls=first_calls,
            second_calls=second_calls,
            contents=contents(kube),
            unowned_changed=[key for key, obj in unowned.items() if after.get(key) != obj],
            unowned_writes=writes_to(kube.requests, unowned),
            status=second.unit_status if second is not None else None,
        )


def faultable(calls: list[RequestRecord]) -> list[RequestRecord]:
    """The calls a fault can hit.

    Not paths the API does not serve: the double answers those 404 before it considers faults,
    as a real server would.
    """
    return [call for call in calls if call.verb != "unknown"]


def subset(calls: int) -> list[int]:
    """The call indices tried in `make test`: first, middle and last."""
    return sorted({1, (calls + 1) // 2, calls})
