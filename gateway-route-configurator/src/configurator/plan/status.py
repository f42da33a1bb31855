"""Every status the charm shows, in one place; each says what is wrong and what fixes it. Pure."""

from configurator.plan.health import RouteHealth
from configurator.plan.route import RouteState
from gateway_route import RefusalReason, Refused
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


def no_gateway(app: str) -> Status:
    """No gateway-route relation: routes are withdrawn until there is one."""
    return blocked(f"no gateway: run `juju integrate {app} {GATEWAY_CHARM}`")


WAITING_FOR_GATEWAY = waiting("waiting for the gateway to answer")


def backend_tls_missing() -> Status:
    """The workload wants TLS to its pods and the cluster cannot say so."""
    return blocked(
        "workload asks for scheme https, but this cluster has no BackendTLSPolicy "
        "(Gateway API v1.4+): install it, or have the workload serve http"
    )


_REFUSAL_FIX = {
    RefusalReason.INVALID: "fix the hostname config",
    RefusalReason.CONFLICT: "choose another hostname or release it there",
    RefusalReason.CAPACITY: "the gateway has no room for it",
}


def refusal(item: Refused) -> Status:
    """The gateway's refusal of one hostname, in its own words plus the fix."""
    subject = item.hostname or "serving without a hostname"
    if item.reason == RefusalReason.PENDING_CERTIFICATE:
        return waiting(f"waiting for the certificate of {subject}")
    return blocked(
        f"gateway refused {subject} ({item.reason.value}): {item.message}; "
        f"{_REFUSAL_FIX[item.reason]}"
    )


def serving(state: RouteState, health: RouteHealth) -> Status:
    """The status once the objects are in place: the worst of refusals and route status.

    Refused hostnames still show while the accepted ones are served.
    """
    refusals = [refusal(item) for item in state.refused]
    candidates: list[Status | None] = [
        blocked(health.rejected) if health.rejected else None,
        *(s for s in refusals if s.level == "blocked"),
        *(s for s in refusals if s.level == "waiting"),
        _pending(state),
        waiting("waiting for the gateway's address") if state.url is None else None,
        waiting(health.waiting) if health.waiting else None,
    ]
    found = next((candidate for candidate in candidates if candidate is not None), None)
    return found or active(state.url or "")


def _pending(state: RouteState) -> Status | None:
    if not state.pending:
        return None
    pending = state.pending[0] or "a route without a hostname"
    return waiting(f"waiting for the gateway to accept {pending}")
