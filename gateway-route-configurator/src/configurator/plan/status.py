"""Every status the charm shows, in one place; each says what is wrong and what fixes it. Pure."""

from configurator.plan.route import RouteState
from gateway_route import RefusalReason, Refused, ServingState
from kube_objects.route_health import RouteHealth
from reconcile import Status, active, blocked, waiting

GATEWAY_CHARM = "gateway-api-integrator"


def no_workload(app: str) -> Status:
    """No ingress relation: nothing to serve."""
    return blocked(f"no workload: run `juju integrate <workload> {app}`")


def waiting_for_workload(workload: str | None) -> Status:
    """Related, but the workload's leader has not asked for ingress yet."""
    who = workload or "the workload"
    return waiting(f"waiting for {who} to send its ingress request")


def wrong_model(workload: str, model: str, own_model: str, app: str) -> Status:
    """The workload lives elsewhere; a Service here cannot select its pods."""
    return blocked(
        f"workload {workload} is in model {model}, not {own_model}: deploy {app} in model {model}"
    )


def across_models(workload: str, own_model: str, app: str) -> Status:
    """Juju says the workload is in another model, whatever its data says."""
    return blocked(
        f"workload {workload} is related from another model, not {own_model} (Juju says so): "
        f"deploy {app} in the workload's own model"
    )


def impersonation(workload: str, claimed: str) -> Status:
    """The workload asks to be served as another application; nothing is done for it."""
    return blocked(
        f"workload {workload} asks to be served as {claimed!r}: a workload can only be served "
        f"as itself; the workload's charm must write name={workload} in its ingress data"
    )


def stranger_gateway(gateway: str, dialect: str) -> Status:
    """The gateway speaks another dialect of gateway-route (Canonical's).

    Canonical's v1 gateway serves its ingress-configurator; a v0 gateway answers only the v0
    configurator, which Canonical no longer ships, so there is nothing of theirs to point at.
    """
    instead = "this charm to this project's gateway-api-integrator instead"
    if dialect.endswith("v0"):
        return blocked(
            f"the gateway {gateway} speaks {dialect}, not this project's gateway-route: relate "
            f"{instead}"
        )
    return blocked(
        f"the gateway {gateway} speaks {dialect}, not this project's gateway-route: relate "
        f"{instead}, or use Canonical's ingress-configurator with {gateway}"
    )


def no_gateway(app: str) -> Status:
    """No gateway-route relation: routes are withdrawn until there is one."""
    return blocked(f"no gateway: run `juju integrate {app} {GATEWAY_CHARM}`")


WAITING_FOR_GATEWAY = waiting("waiting for the gateway to answer")


_REFUSAL_FIX = {
    RefusalReason.INVALID: "fix the hostname config",
    RefusalReason.CONFLICT: "choose another hostname or release it there",
    RefusalReason.CAPACITY: "the gateway has no room for it",
    RefusalReason.NOT_ALLOWED: "the gateway's operator decides which models may claim it",
}


def refusal(item: Refused) -> Status:
    """The gateway's refusal of one hostname, in its own words plus the fix."""
    subject = item.hostname or "serving without a hostname"
    if item.reason == RefusalReason.PENDING_CERTIFICATE and item.fix:
        return blocked(f"gateway cannot serve {subject} over HTTPS: {item.message}; {item.fix}")
    if item.reason == RefusalReason.PENDING_CERTIFICATE:
        return waiting(f"waiting for the certificate of {subject}")
    fix = item.fix or _REFUSAL_FIX.get(item.reason, "ask the gateway's operator")
    return blocked(f"gateway refused {subject} ({item.reason.value}): {item.message}; {fix}")


def _listeners(state: RouteState, wanted: ServingState) -> Status | None:
    """The first attachment whose listeners the controller has `wanted` state for."""
    for hostname, found in state.serving.items():
        if found is None or found.state != wanted:
            continue
        subject = hostname or "the gateway's address"
        if wanted == ServingState.FAILED:
            fix = found.fix or "the gateway's operator must act"
            return blocked(
                f"the gateway's controller refused the listeners of {subject} "
                f"({found.message or found.reason}); {fix}"
            )
        return waiting(
            f"waiting for the gateway's controller to program {subject} "
            f"({found.message or found.reason})"
        )
    return None


def _waiting_for(
    state: RouteState, health: RouteHealth, url: str | None, backend: Status | None
) -> list[Status | None]:
    """What is still to come, in the order it comes."""
    no_address = waiting("waiting for the gateway's address") if state.url is None else None
    route = waiting(health.waiting) if health.waiting else None
    flowing = waiting("waiting for traffic to flow through the gateway") if url is None else None
    listeners = _listeners(state, ServingState.PENDING)
    return [_pending(state), no_address, listeners, route, backend, flowing]


def serving(
    state: RouteState, health: RouteHealth, url: str | None, backend: Status | None = None
) -> Status:
    """The status once the objects are in place: the worst of refusals and controller reports.

    Refused hostnames still show while the accepted ones are served; Active only when traffic
    flows through every listener we attach to, and it names the published URL.
    """
    refusals = [refusal(item) for item in state.refused]
    blocking: list[Status | None] = [
        blocked(health.rejected) if health.rejected else None,
        _listeners(state, ServingState.FAILED),
        backend if backend is not None and backend.is_blocked else None,
        *(s for s in refusals if s.level == "blocked"),
        *(s for s in refusals if s.level == "waiting"),
    ]
    candidates = [*blocking, *_waiting_for(state, health, url, backend)]
    found = next((candidate for candidate in candidates if candidate is not None), None)
    return found or active(url or "")


def keeping(found: Status, url: str, hostnames: tuple[str, ...]) -> Status:
    """While the old hostname stays served for the new ones: say both, never Active."""
    new = ", ".join(hostnames)
    if found.level == "active":
        found = waiting(f"waiting for traffic to flow through {new}")
    return Status(found.level, f"{found.message} (still serving {url} until {new} flows)")


def _pending(state: RouteState) -> Status | None:
    if not state.pending:
        return None
    pending = state.pending[0] or "a route without a hostname"
    return waiting(f"waiting for the gateway to accept {pending}")
