"""What the Gateway API controller reports, judged: does traffic flow for each hostname? Pure.

A CRD being installed says nothing about a controller implementing it, and controllers differ in
what they write and when. So nothing is taken as served until the controller says so: the
GatewayClass `Accepted`, the Gateway (and ListenerSet) `Accepted` and `Programmed`, and each
listener's own `Accepted`, `Programmed`, `ResolvedRefs` and `Conflicted` (Gateway API spec,
"Gateway status" and "Listener conditions"). Anything not reported yet is pending; a condition
that says no is a failure, with the controller's reason and message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway_route import Serving, ServingState
from integrator.plan.listeners import ListenerSpec
from kube_objects import FEATURE_LISTENER_SET, Listing
from kube_objects import conditions as read
from kube_objects.conditions import Condition

LISTENER_SET_PATIENCE = timedelta(minutes=10)
"""How long a ListenerSet of ours may stay un-accepted before its hostnames move to a Gateway.

Controllers that do not implement ListenerSet leave it `Accepted: Unknown` for ever
(cilium/cilium#42756); ten minutes is two update-status intervals on Juju's default."""

_RANK = {ServingState.PROGRAMMED: 0, ServingState.PENDING: 1, ServingState.FAILED: 2}


@dataclass(frozen=True)
class Verdict:
    """Whether one object (or listener) carries traffic, and if not, what the controller said."""

    state: ServingState
    reason: str = ""
    message: str = ""
    where: str = ""
    """The object the verdict is about, e.g. `Gateway infra/gateway listener https-a.com`."""

    @property
    def programmed(self) -> bool:
        """Whether traffic flows."""
        return self.state == ServingState.PROGRAMMED

    def worse(self, other: Verdict) -> Verdict:
        """The worse of two verdicts (the first one on a tie)."""
        return other if _RANK[other.state] > _RANK[self.state] else self

    def describe(self) -> str:
        """`Gateway infra/gateway listener https-a.com: InvalidCertificateRef: bad PEM`."""
        said = ": ".join(part for part in (self.reason, self.message) if part)
        return ": ".join(part for part in (self.where, said) if part)

    def serving(self, fix: str = "") -> Serving:
        """The verdict as the gateway-route answer carries it."""
        return Serving(state=self.state, reason=self.reason, message=self.describe(), fix=fix)


PROGRAMMED = Verdict(ServingState.PROGRAMMED)


def _pending(where: str, condition: Condition | None, missing: str) -> Verdict:
    if condition is None:
        return Verdict(ServingState.PENDING, "NotReported", missing, where)
    return Verdict(ServingState.PENDING, condition.reason, condition.message, where)


def _failed(where: str, condition: Condition) -> Verdict:
    return Verdict(
        ServingState.FAILED, condition.reason or condition.type, condition.message, where
    )


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst of several verdicts; PROGRAMMED for none."""
    found = PROGRAMMED
    for verdict in verdicts:
        found = found.worse(verdict)
    return found


def class_verdict(gateway_class: Mapping | None, name: str) -> Verdict:
    """GatewayClass `Accepted`: its controller takes Gateways of this class at all."""
    where = f"GatewayClass {name}"
    if gateway_class is None:
        return Verdict(ServingState.FAILED, "NotFound", "does not exist", where)
    accepted = read.of(gateway_class).get("Accepted")
    if accepted is not None and accepted.false:
        return _failed(where, accepted)
    if accepted is None or not accepted.true:
        return _pending(where, accepted, "not accepted by its controller yet")
    return PROGRAMMED


def _object_verdict(obj: Mapping | None, where: str) -> Verdict:
    """A Gateway's or ListenerSet's own `Accepted` and `Programmed`."""
    if obj is None:
        return Verdict(ServingState.PENDING, "NotReported", "no status reported yet", where)
    found = read.of(obj)
    current = read.generation(obj)
    accepted, programmed = found.get("Accepted"), found.get("Programmed")
    if accepted is not None and accepted.false and accepted.reason != "Pending":
        return _failed(where, accepted)
    if programmed is not None and programmed.false and programmed.reason == "Invalid":
        return _failed(where, programmed)
    for condition, missing in ((accepted, "not accepted yet"), (programmed, "not programmed yet")):
        if condition is None or not condition.true:
            return _pending(where, condition, missing)
        if read.stale(condition, current):
            return Verdict(
                ServingState.PENDING,
                "Stale",
                "the controller has not taken in its latest spec",
                where,
            )
    return PROGRAMMED


def _refusal(found: Mapping[str, Condition]) -> Condition | None:
    """The condition by which a controller refuses a listener, if it does."""
    for kind in ("Accepted", "ResolvedRefs"):
        condition = found.get(kind)
        if condition is not None and condition.false:
            return condition
    conflicted = found.get("Conflicted")
    if conflicted is not None and conflicted.true:
        return conflicted
    programmed = found.get("Programmed")
    if programmed is not None and programmed.false and programmed.reason == "Invalid":
        return programmed
    return None


def _listener_verdict(obj: Mapping | None, section: str, where: str) -> Verdict:
    """One listener's entry in `status.listeners` of its Gateway or ListenerSet."""
    entries = ((obj or {}).get("status") or {}).get("listeners") or []
    entry = next((e for e in entries if isinstance(e, Mapping) and e.get("name") == section), None)
    if entry is None:
        message = "not reported by the controller yet"
        return Verdict(ServingState.PENDING, "NotReported", message, where)
    found = read.read(entry.get("conditions"))
    refusal = _refusal(found)
    if refusal is not None:
        return _failed(where, refusal)
    for kind, missing in (("Accepted", "not accepted yet"), ("Programmed", "not programmed yet")):
        condition = found.get(kind)
        if condition is None or not condition.true:
            return _pending(where, condition, missing)
    return PROGRAMMED


@dataclass(frozen=True)
class Controller:
    """The controller's reports on everything we own, as the snapshot holds them."""

    namespace: str
    app: str
    listing: Listing
    class_verdict: Verdict

    def parent(self, kind: str, name: str | None) -> Mapping | None:
        """Our Gateway or ListenerSet `name` (None: the main Gateway)."""
        return self.listing.of(kind).get(name or self.app)

    def gateway(self) -> Verdict:
        """The main Gateway as a whole (its class included)."""
        where = f"Gateway {self.namespace}/{self.app}"
        return self.class_verdict.worse(_object_verdict(self.parent("Gateway", None), where))

    def listener(self, spec: ListenerSpec) -> Verdict:
        """One listener, with everything it depends on: class, Gateway, ListenerSet."""
        kind, name = spec.parent_kind, spec.parent_name or self.app
        where = f"{kind} {self.namespace}/{name}"
        verdict = self.class_verdict
        if kind == "ListenerSet":
            verdict = verdict.worse(self.gateway())  # it rides on the main Gateway
        obj = self.parent(kind, name)
        verdict = verdict.worse(_object_verdict(obj, where))
        return verdict.worse(_listener_verdict(obj, spec.name, f"{where} listener {spec.name}"))

    def hostname(self, specs: Sequence[ListenerSpec], hostname: str | None) -> Verdict:
        """The listeners tenants attach to for `hostname`, judged together."""
        mine = [s for s in specs if s.tenant and s.hostname == hostname]
        return worst(self.listener(spec) for spec in mine) if mine else self.gateway()


def _age(obj: Mapping, now: datetime) -> timedelta:
    created = str((obj.get("metadata") or {}).get("creationTimestamp") or "")
    try:
        return now - datetime.fromisoformat(created)
    except ValueError:
        return timedelta(0)


@dataclass(frozen=True)
class ListenerSetSupport:
    """Whether new overflow slots may be ListenerSets, and which slots must become Gateways."""

    usable: bool
    gateway_slots: frozenset[str]
    """Names of our ListenerSets that stayed un-accepted past the patience: they become
    Gateways of the same name."""
    note: str | None = None
    """Why ListenerSets are not used although the cluster has the kind, for the status."""


def listener_set_support(
    listing: Listing, gateway_class: Mapping | None, now: datetime | None
) -> ListenerSetSupport:
    """Use ListenerSet only where the controller says it implements it, or has accepted ours.

    ListenerSet is an extended feature a controller opts into (GatewayClass
    `status.supportedFeatures`, name `ListenerSet`): OpenShift 4.22 installs the CRD
    without supporting it, Cilium supports it only from 1.20.
    """
    if not listing.serves("ListenerSet"):
        return ListenerSetSupport(usable=False, gateway_slots=frozenset())
    sets = listing.of("ListenerSet")
    accepted = {
        name for name, obj in sets.items() if (read.of(obj).get("Accepted") or _UNKNOWN).true
    }
    advertised = FEATURE_LISTENER_SET in read.supported_features(gateway_class)
    overdue = frozenset(
        name
        for name, obj in sets.items()
        if name not in accepted and now is not None and _age(obj, now) > LISTENER_SET_PATIENCE
    )
    if not (advertised or accepted):
        note = "the controller does not advertise ListenerSet support: further Gateways are used"
        return ListenerSetSupport(False, frozenset(sets), note if sets else None)
    if overdue and not accepted:
        minutes = int(LISTENER_SET_PATIENCE.total_seconds() // 60)
        note = (
            f"ListenerSet {', '.join(sorted(overdue))} not accepted after {minutes} minutes: "
            "further Gateways are used"
        )
        return ListenerSetSupport(False, overdue, note)
    return ListenerSetSupport(True, overdue)


_UNKNOWN = Condition("Accepted", "Unknown")


def fix_for(verdict: Verdict, app: str, namespace: str, hostname: str | None) -> str:
    """Who must act on a failed verdict, and how; empty for one that clears by itself."""
    if verdict.state != ServingState.FAILED:
        return ""
    if verdict.where.startswith("GatewayClass"):
        return (
            "the cluster's administrator must make the Gateway API controller accept the "
            f"GatewayClass, or the gateway's operator must choose another: "
            f"juju config {app} gateway-class=<name>"
        )
    if verdict.reason in ("InvalidCertificateRef", "RefNotPermitted") and hostname:
        return (
            "the gateway's operator must check the certificate its TLS provider issued: "
            f"juju run {app}/leader get-certificate hostname={hostname}"
        )
    kind, _, rest = verdict.where.partition(" ")
    name = rest.split(" ")[0].rpartition("/")[2] or app
    return (
        "the gateway's operator must look at what the controller reports: "
        f"kubectl -n {namespace} describe {kind.lower() or 'gateway'} {name}"
    )
