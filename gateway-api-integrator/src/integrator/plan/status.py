"""The leader's status: what is wrong, what is awaited, where traffic goes. Pure.

Active means the controller reports traffic flowing for every hostname served; anything it has
not programmed yet is Waiting, anything it refused is Blocked with its own reason.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from gateway_route import ServingState
from integrator.plan.controller import Verdict, fix_for
from integrator.plan.objects import redirect_route_name
from kube_objects.route_health import RouteHealth
from reconcile import Status, active, blocked, some, waiting


def integrate_certificates(app: str) -> str:
    """The command that gives the gateway certificates."""
    return (
        f"juju integrate {app}:certificates "
        "<a tls-certificates provider or its offer, e.g. self-signed-certificates>"
    )


@dataclass(frozen=True)
class ControllerReport:
    """The controller's verdicts, as status text: what it refused and what it has yet to do."""

    refused: str | None = None
    awaited: str | None = None
    gateway_programmed: bool = True
    """False: the main Gateway is not programmed, so its address is not awaited separately."""


def _names(hostnames: Sequence[str | None]) -> list[str]:
    return sorted(hostname or "the bare address" for hostname in hostnames)


def _with_fix(text: str, fix: str) -> str:
    return f"{text}; {fix}" if fix else text


def _hostnames_report(
    verdicts: Mapping[str | None, Verdict], app: str, namespace: str
) -> tuple[list[str], list[str]]:
    """(refused, awaited) texts for the hostnames, each naming up to three and a count."""
    by_state: dict[ServingState, list[str | None]] = {}
    for hostname, verdict in sorted(verdicts.items(), key=lambda item: item[0] or ""):
        by_state.setdefault(verdict.state, []).append(hostname)
    refused, awaited = [], []
    if failed := by_state.get(ServingState.FAILED):
        first = verdicts[failed[0]]
        text = f"the Gateway API controller refused {some(_names(failed))}: {first.describe()}"
        refused.append(_with_fix(text, fix_for(first, app, namespace, failed[0])))
    if pending := by_state.get(ServingState.PENDING):
        first = verdicts[pending[0]]
        awaited.append(
            f"the Gateway API controller to program {some(_names(pending))} ({first.describe()})"
        )
    return refused, awaited


def _redirect_refused(rejected: str, app: str, namespace: str) -> str:
    """The controller refused a redirect route: its words, and where to read the rest."""
    words = rejected.split(" ")
    route = words[1] if len(words) > 1 and words[0] == "HTTPRoute" else redirect_route_name(app)
    return (
        f"plain-HTTP redirect: {rejected}; the gateway's operator must look at what the "
        f"controller reports: kubectl -n {namespace} describe httproute {route}"
    )


def controller_report(
    verdicts: Mapping[str | None, Verdict],
    gateway: Verdict,
    redirects: RouteHealth,
    app: str,
    namespace: str = "",
) -> ControllerReport:
    """Summarise the verdicts: up to three hostnames and a count, the first reason in full.

    While the main Gateway itself is not programmed, that is the one thing awaited (its address
    comes with it), rather than the same reason once per hostname.
    """
    namespace = namespace or app
    refused: list[str] = []
    awaited: list[str] = []
    if gateway.state == ServingState.FAILED:
        text = f"the Gateway API controller refused {gateway.describe()}"
        refused.append(_with_fix(text, fix_for(gateway, app, namespace, None)))
    elif gateway.state == ServingState.PENDING:
        awaited.append(f"the Gateway API controller to program {gateway.describe()}")
    else:
        refused, awaited = _hostnames_report(verdicts, app, namespace)
    if redirects.rejected:
        refused.append(_redirect_refused(redirects.rejected, app, namespace))
    elif redirects.waiting and not awaited:
        awaited.append(f"the plain-HTTP redirect ({redirects.waiting})")
    return ControllerReport(
        "; ".join(refused) or None, "; ".join(awaited) or None, gateway.programmed
    )


MAX_REFUSALS = 2
"""Blocked reasons shown in full; the rest are counted (every one is logged)."""


def _certificates_awaited(
    pending: Sequence[str], kept: Sequence[str], revoked: Collection[str]
) -> list[str]:
    """What is awaited of the TLS provider, naming up to three hostnames per kind and a count.

    A revoked certificate is named as such: its replacement was requested at once.
    """
    awaited = []
    replaced = [h for h in pending if h in revoked]
    first = [h for h in pending if h not in kept and h not in revoked]
    renewed = [h for h in kept if h not in revoked]
    if first:
        awaited.append(f"the certificates of {some(first)}")
    if renewed:
        awaited.append(
            f"new certificates of {some(renewed)} (renewed; the old ones are served until they "
            "arrive)"
        )
    if replaced:
        still = " (the old ones are served until they arrive)" if set(replaced) & set(kept) else ""
        awaited.append(f"replacements of the revoked certificates of {some(replaced)}{still}")
    return awaited


def _word(workload: Status | None) -> dict[str, list[str]]:
    """The direct workload's message, under its level."""
    found: dict[str, list[str]] = {"blocked": [], "waiting": [], "active": []}
    if workload is not None:
        found.setdefault(workload.level, []).append(workload.message)
    return found


def leader_status(
    *,
    problems: Sequence[str],
    certificates: tuple[Sequence[str], Sequence[str]] = ((), ()),
    revoked: Collection[str] = (),
    addresses: Sequence[str],
    served: int,
    unaddressed: Sequence[str] = (),
    controller: ControllerReport | None = None,
    note: str | None = None,
    workload: Status | None = None,
) -> Status:
    """Blocked beats Waiting beats Active; every message says what to do or what is awaited.

    `certificates`: hostnames awaiting a certificate, and which of them are still served from
    their old one. `revoked`: hostnames whose certificate the provider revoked.
    `unaddressed`: further Gateways (clusters without ListenerSet) that have no address yet.
    `note`: a fact the operator should know while serving (e.g. ListenerSets not used).
    `workload`: the word on the workload related directly, folded in at its level.
    """
    report = controller or ControllerReport()
    direct = _word(workload)
    refusals = [*problems, *([report.refused] if report.refused else []), *direct["blocked"]]
    if refusals:
        shown = refusals[:MAX_REFUSALS]
        if len(refusals) > MAX_REFUSALS:
            rest = len(refusals) - MAX_REFUSALS
            shown.append(f"and {rest} more problem(s), shown once these are fixed")
        return blocked("; ".join(shown))
    pending, kept = certificates
    awaited = _certificates_awaited(pending, kept, revoked)
    if not addresses and report.gateway_programmed:
        awaited.append("the gateway address")
    if unaddressed:
        awaited.append(f"the address of Gateway {some(list(unaddressed))}")
    if report.awaited:
        awaited.append(report.awaited)
    awaited.extend(direct["waiting"])
    if awaited:
        return waiting("waiting for " + " and ".join(awaited))
    served_at = f"{served} hostname(s) served at {', '.join(addresses)}"
    served_at += "".join(f"; {word}" for word in direct["active"])
    return active(f"{served_at} ({note})" if note else served_at)
