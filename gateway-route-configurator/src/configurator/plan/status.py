"""Every status the charm shows, in one place. Pure.

Each Blocked message says what is wrong, whose side must act (the workload's charm, this charm's
config, the gateway's operator) and ends with the command that fixes it where there is one.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from configurator.plan.snapshot import CHARM
from gateway_route import DataError, RefusalReason, Refused, ServingState
from http_routes.state import RouteState
from kube_objects.route_health import RouteHealth
from reconcile import Status, active, blocked, some, waiting

GATEWAY_CHOICE = "<gateway app | [<controller>:]<owner>/<model>.<offer>>"
"""What `juju integrate` takes for a gateway: its application here, or its offer URL."""
WAITING = "waiting for the gateway to answer"


@dataclass(frozen=True)
class Context:
    """What refusal messages need besides the refusal: who we are and what we asked for."""

    app: str
    hostnames: Sequence[str] = ()
    """The configured hostnames (`hostname` first), to name the option holding one."""

    def option(self, hostname: str) -> str:
        """The config option that holds `hostname` (empty: `hostname`, to set one)."""
        extra = hostname and hostname in self.hostnames[1:]
        return "additional-hostnames" if extra else "hostname"


def _refresh(application: str | None) -> str:
    return f"juju refresh {application or '<workload>'}"


def no_workload(app: str) -> Status:
    """No ingress relation: nothing to serve."""
    return blocked(
        f"no workload: integrate one from this model; run: juju integrate <workload> {app}"
    )


def waiting_for_workload(workload: str | None) -> Status:
    """Related, but the workload's leader has not asked for ingress yet."""
    who = workload or "the workload"
    return waiting(f"waiting for {who} to send its ingress request")


def bad_ingress(error: object, workload: str | None) -> Status:
    """The workload's charm wrote ingress data this charm cannot use."""
    return blocked(
        f"bad ingress data from the workload's charm: {error}; its owner must fix it, "
        f"then run: {_refresh(workload)}"
    )


def wrong_model(workload: str, model: str, own_model: str, app: str) -> Status:
    """The workload lives elsewhere; a Service here cannot select its pods."""
    return blocked(
        f"workload {workload} is in model {model}, not {own_model}: {app} cannot serve it; "
        f"deploy a configurator there: juju deploy {CHARM} --trust -m {model}"
    )


def across_models(workload: str, own_model: str, app: str) -> Status:
    """Juju says the workload is in another model, whatever its data says."""
    return blocked(
        f"workload {workload} is related from another model, not {own_model} (Juju says so): "
        f"{app} cannot serve it; deploy one there: juju deploy {CHARM} --trust -m <its model>"
    )


def impersonation(workload: str, claimed: str) -> Status:
    """The workload asks to be served as another application; nothing is done for it."""
    return blocked(
        f"workload {workload} asks to be served as {claimed!r}: a workload can only be served "
        f"as itself; the workload's charm must write name={workload} in its ingress data, "
        f"then run: {_refresh(workload)}"
    )


def stranger_gateway(gateway: str, dialect: str, app: str) -> Status:
    """The gateway speaks another dialect of gateway-route (Canonical's).

    Canonical's v1 gateway serves its ingress-configurator; a v0 gateway answers only the v0
    configurator, which Canonical no longer ships, so there is nothing of theirs to point at.
    """
    canonical = "" if dialect.endswith("v0") else " (or Canonical's ingress-configurator)"
    return blocked(
        f"the gateway {gateway} speaks {dialect}, not this project's gateway-route: relate "
        f"this project's gateway-api-integrator instead{canonical}; "
        f"run: juju remove-relation {app} {gateway}"
    )


def no_gateway(app: str) -> Status:
    """No gateway-route relation: routes are withdrawn until there is one.

    The gateway may be in this model or, offered, in another: the command names both forms.
    """
    return blocked(
        "no gateway: integrate one in this model, or the gateway's offer from its own model; "
        f"run: juju integrate {app} {GATEWAY_CHOICE}"
    )


def waiting_for_gateway(gateway: str | None) -> Status:
    """Related, and the gateway has written nothing yet."""
    return waiting(f"waiting for the gateway {gateway} to answer" if gateway else WAITING)


def bad_gateway_data(error: DataError, gateway: str | None, app: str) -> Status:
    """The gateway wrote gateway-route data this charm cannot read."""
    said = f"unreadable gateway-route data from the gateway {gateway or ''}".rstrip()
    text = f"{said}: field '{error.field}': {error.message}"
    if error.newer:
        return blocked(f"{text}; run: juju refresh {app}")
    return blocked(
        f"{text}; the gateway's operator must fix or upgrade it, in its model: "
        f"juju refresh {gateway or '<gateway>'}"
    )


def _refusal_fix(item: Refused, context: Context) -> str:
    """Who must act on a refusal the gateway gave no fix for, and how."""
    option = context.option(item.hostname)
    config = f"juju config {context.app} {option}"
    if item.reason == RefusalReason.INVALID:
        return f"this charm's config must change it; run: {config}=<a valid DNS name>"
    if item.reason == RefusalReason.CONFLICT:
        return f"this charm's config must name another; run: {config}=<another DNS name>"
    if item.reason == RefusalReason.NOT_ALLOWED:
        return "the gateway's operator decides which models may claim it (hostname-policy)"
    return "the gateway's operator must make room for it"


def refusal(item: Refused, context: Context) -> Status:
    """The gateway's refusal of one hostname, in its own words plus who acts and how."""
    subject = item.hostname or "serving without a hostname"
    if item.reason == RefusalReason.PENDING_CERTIFICATE and item.fix:
        return blocked(f"gateway cannot serve {subject} over HTTPS: {item.message}; {item.fix}")
    if item.reason == RefusalReason.PENDING_CERTIFICATE:
        return _certificates([item]) or waiting(f"waiting for the certificate of {subject}")
    fix = item.fix or _refusal_fix(item, context)
    return blocked(f"gateway refused {subject} ({item.reason.value}): {item.message}; {fix}")


def _certificates(refused: Sequence[Refused]) -> Status | None:
    """Hostnames whose certificate is on its way, named (up to three and a count)."""
    awaited = [
        item
        for item in refused
        if item.reason == RefusalReason.PENDING_CERTIFICATE and not item.fix
    ]
    if not awaited:
        return None
    names = [item.hostname or "the gateway's default hostname" for item in awaited]
    revoked = [item.hostname for item in awaited if "revoked" in item.message]
    what = "the certificate" if len(names) == 1 else "the certificates"
    text = f"waiting for {what} of {some(names)} from the gateway's TLS provider"
    if revoked:
        text += f" ({some(revoked)} revoked: a replacement is requested)"
    return waiting(text)


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


def _rejected(state: RouteState, rejected: str) -> Status:
    """The controller refused our route: its words, and where to read the whole story."""
    return blocked(
        f"{rejected}; the gateway's operator must check its listeners and controller: "
        f"kubectl -n {state.namespace} describe httproute {state.route_name}"
    )


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
    state: RouteState,
    health: RouteHealth,
    url: str | None,
    backend: Status | None = None,
    *,
    context: Context,
) -> Status:
    """The status once the objects are in place: the worst of refusals and controller reports.

    Refused hostnames still show while the accepted ones are served; Active only when traffic
    flows through every listener we attach to, and it names the published URL.
    """
    refusals = [refusal(item, context) for item in state.refused]
    blocking: list[Status | None] = [
        _rejected(state, health.rejected) if health.rejected else None,
        _listeners(state, ServingState.FAILED),
        backend if backend is not None and backend.is_blocked else None,
        *(s for s in refusals if s.level == "blocked"),
        _certificates(state.refused),
    ]
    candidates = [*blocking, *_waiting_for(state, health, url, backend)]
    found = next((candidate for candidate in candidates if candidate is not None), None)
    return found or active(url or "")


def keeping(found: Status, url: str, hostnames: tuple[str, ...]) -> Status:
    """While the old hostname stays served for the new ones: say both, never Active."""
    new = some(list(hostnames))
    if found.level == "active":
        found = waiting(f"waiting for traffic to flow through {new}")
    return Status(found.level, f"{found.message} (still serving {url} until {new} flows)")


def _pending(state: RouteState) -> Status | None:
    if not state.pending:
        return None
    pending = [hostname or "a route without a hostname" for hostname in state.pending]
    return waiting(f"waiting for the gateway to accept {some(pending)}")
