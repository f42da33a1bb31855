"""Every status the charm shows, in one place; each says what is wrong and what fixes it."""

import ops

from configurator.route_status import RouteHealth
from configurator.state import Refusal, RouteState
from gateway_route import RefusalReason
from kube_apply import KubeError, MissingApi, Rejected, TrustRequired

GATEWAY_CHARM = "gateway-api-integrator"

STANDBY = ops.ActiveStatus("standby")


def no_workload(app: str) -> ops.StatusBase:
    """No ingress relation: nothing to serve."""
    return ops.BlockedStatus(f"no workload: run `juju integrate <workload> {app}`")


def waiting_for_workload(workload: str | None) -> ops.StatusBase:
    """Related, but the workload's leader has not asked for ingress yet."""
    who = workload or "the workload"
    return ops.WaitingStatus(f"waiting for {who} to send its ingress request")


def wrong_model(workload: str, model: str, own_model: str, app: str) -> ops.StatusBase:
    """The workload lives elsewhere; a Service here cannot select its pods."""
    return ops.BlockedStatus(
        f"workload {workload} is in model {model}, not {own_model}: deploy {app} in model {model}"
    )


def no_gateway(app: str) -> ops.StatusBase:
    """No gateway-route relation: routes are withdrawn until there is one."""
    return ops.BlockedStatus(f"no gateway: run `juju integrate {app} {GATEWAY_CHARM}`")


WAITING_FOR_GATEWAY = ops.WaitingStatus("waiting for the gateway to answer")


def backend_tls_missing() -> ops.StatusBase:
    """The workload wants TLS to its pods and the cluster cannot say so."""
    return ops.BlockedStatus(
        "workload asks for scheme https, but this cluster has no BackendTLSPolicy "
        "(Gateway API v1.4+): install it, or have the workload serve http"
    )


def kube_error(error: KubeError, app: str) -> ops.StatusBase:
    """An API failure, with the fix when there is one."""
    if isinstance(error, TrustRequired):
        return ops.BlockedStatus(
            f"no access to the Kubernetes API: run `juju trust {app} --scope=cluster`"
        )
    if isinstance(error, MissingApi):
        return ops.BlockedStatus(f"Gateway API CRDs missing from the cluster: {error.message}")
    if isinstance(error, Rejected):
        return ops.BlockedStatus(f"Kubernetes rejected an object: {error.message}")
    return ops.WaitingStatus(f"Kubernetes API error, retrying on the next event: {error.message}")


def not_owned(names: list[str], app: str) -> ops.StatusBase:
    """Somebody else's objects hold the names we need; we never touch them."""
    return ops.BlockedStatus(
        f"{', '.join(names)} exists but is not managed by {app}: remove or rename it"
    )


_REFUSAL_FIX = {
    RefusalReason.INVALID: "fix the hostname config",
    RefusalReason.CONFLICT: "choose another hostname or release it there",
    RefusalReason.CAPACITY: "the gateway has no room for it",
}


def refusal(item: Refusal) -> ops.StatusBase:
    """The gateway's refusal of one hostname, in its own words plus the fix."""
    subject = item.hostname or "serving without a hostname"
    if item.reason == RefusalReason.PENDING_CERTIFICATE:
        return ops.WaitingStatus(f"waiting for the certificate of {subject}")
    return ops.BlockedStatus(
        f"gateway refused {subject} ({item.reason.value}): {item.message}; "
        f"{_REFUSAL_FIX[item.reason]}"
    )


def serving(state: RouteState, health: RouteHealth) -> ops.StatusBase:
    """The status once the objects are in place: the worst of refusals and route status.

    Refused hostnames still show while the accepted ones are served.
    """
    refusals = [refusal(item) for item in state.refused]
    candidates: list[ops.StatusBase | None] = [
        ops.BlockedStatus(health.rejected) if health.rejected else None,
        *(s for s in refusals if isinstance(s, ops.BlockedStatus)),
        *(s for s in refusals if isinstance(s, ops.WaitingStatus)),
        _pending(state),
        ops.WaitingStatus("waiting for the gateway's address") if state.url is None else None,
        ops.WaitingStatus(health.waiting) if health.waiting else None,
    ]
    found = next((candidate for candidate in candidates if candidate is not None), None)
    return found or ops.ActiveStatus(state.url or "")


def _pending(state: RouteState) -> ops.StatusBase | None:
    if not state.pending:
        return None
    pending = state.pending[0] or "a route without a hostname"
    return ops.WaitingStatus(f"waiting for the gateway to accept {pending}")
