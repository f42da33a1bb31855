"""The plan of one reconcile: from the snapshot to desired objects, answers and status. Pure.

Config and requests -> claims (claims.py) -> who gets what (arbitration.py) -> where each
hostname sits (placement.py) -> listeners and objects (layout.py, objects.py) -> answers
(answers.py) and status (status.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from dns_record import DnsEntry
from gateway_route import ProviderData
from integrator.plan import listeners, objects, placement
from integrator.plan.answers import GatewayFacts, answer, refusal_answer
from integrator.plan.arbitration import Arbitration, Rules, Tenancy, arbitrate, tenant_serving
from integrator.plan.certificates import Issued, revoked_in_service, usable
from integrator.plan.claims import (
    BrokenRequest,
    Claim,
    NamespaceCheck,
    Requests,
    kept_claims,
    read_requests,
)
from integrator.plan.config import Config, load_config
from integrator.plan.controller import (
    Controller,
    ListenerSetSupport,
    Verdict,
    class_verdict,
    fix_for,
    listener_set_support,
)
from integrator.plan.direct import (
    DirectPlan,
    Refusal,
    Withdraw,
    direct_claim,
    direct_plan,
)
from integrator.plan.dns import DnsPlan, plan_dns
from integrator.plan.gateway_class import choose_gateway_class
from integrator.plan.identity import cross_model, namespace_problem, requester
from integrator.plan.layout import Layout, build_layout
from integrator.plan.snapshot import OWNED_KINDS, Cluster, Observed, RouteRequest
from integrator.plan.status import controller_report, integrate_certificates, leader_status
from kube_objects import Listing, Unavailable, describe
from kube_objects.conditions import supported_features
from kube_objects.route_health import RouteHealth, after_apply, route_health
from reconcile.plan import KubePlan
from reconcile.status import (
    STANDBY,
    ConfigProblem,
    Log,
    Status,
    api_failure,
    blocked,
    gateway_api_missing,
    not_owned,
    short,
)

ROUTE_RELATION = "gateway-route"
CERTIFICATES_RELATION = "certificates"


@dataclass(frozen=True)
class Plan(KubePlan):
    """What `act` does: sync the objects, publish these answers, show the status."""

    answers: Mapping[int, ProviderData] = field(default_factory=dict)
    """Relation id -> our answer; relations not named keep whatever they had."""
    withdrawn: tuple[int, ...] = ()
    """Relations whose answer is removed (they ask for nothing)."""
    renew_key: bool = False
    """Request replacement certificates now (a new key, so the provider signs at once)."""
    dns_entries: tuple[DnsEntry, ...] | None = None
    """What to ask every DNS provider for; None: leave dns-record as it is."""
    url: str | Withdraw | None = None
    """The URL for the workload related directly; WITHDRAW wipes it; None leaves it."""


def plan(observed: Observed) -> Plan:
    """Decide everything for one reconcile."""
    if not observed.leader:
        return Plan(STANDBY)  # the leader does all the work
    config = load_config(observed.config, observed.app)
    if isinstance(config, ConfigProblem):
        return Plan(config.status, logs=(("warning", f"invalid configuration: {config}"),))
    cluster = observed.cluster
    namespaces = cluster.namespaces if isinstance(cluster, Cluster) else None
    requests = read_requests(observed.requests, _namespace_check(observed, namespaces))
    logs = _request_logs(requests)
    if not isinstance(cluster, Cluster):
        failure = cluster or Unavailable("the cluster was not read")
        return Plan(api_failure(failure, observed.app), logs=logs)
    served = _serve(observed, config, requests, cluster)
    return dataclasses.replace(served, logs=logs + served.logs)


def _namespace_check(
    observed: Observed, namespaces: Mapping[str, str | None] | None
) -> NamespaceCheck:
    def check(request: RouteRequest, claimed: str) -> str | None:
        return namespace_problem(
            claimed,
            remote_model=request.remote_model,
            own_model=observed.model_uuid,
            own_namespace=observed.namespace,
            namespaces=namespaces,
        )

    return check


def _request_logs(requests: Requests) -> tuple[Log, ...]:
    broken: list[Log] = [
        ("warning", f"relation {request.relation_id}: {request.error}")
        for request in requests.broken
    ]
    lies: list[Log] = [
        ("warning", f"relation {item.claim.relation_id}: {_who(item.claim)} {item.problem}")
        for item in requests.impostors
    ]
    return (*broken, *lies)


def _who(claim: Claim) -> str:
    return requester(claim.remote_app, claim.namespace, claim.application)


def _gateway_problem(observed: Observed, cluster: Cluster) -> Status | None:
    """Why there can be no Gateway of ours at all, if that is so."""
    listing = cluster.listing
    served = listing.serves("Gateway") and listing.serves("HTTPRoute")
    if not served or cluster.gateway_classes is None:
        return gateway_api_missing()
    if listing.taken("Gateway", observed.app):
        return not_owned([f"Gateway {observed.namespace}/{observed.app}"], observed.app)
    return None


def tenancy_of(listing: Listing) -> tuple[Mapping[str, Tenancy], Tenancy]:
    """Each owned parent's recorded tenancy (by name), and all of them merged."""
    tenancies = {
        name: objects.read_tenancy(obj)
        for kind in ("Gateway", "ListenerSet")
        for name, obj in listing.of(kind).items()
    }
    merged: dict[str | None, frozenset[str]] = {}
    for record in tenancies.values():
        for hostname, namespaces in record.items():
            merged[hostname] = merged.get(hostname, frozenset()) | namespaces
    return tenancies, merged


def _serve(observed: Observed, config: Config, requests: Requests, cluster: Cluster) -> Plan:
    app, listing = observed.app, cluster.listing
    problem = _gateway_problem(observed, cluster)
    if problem is not None:
        return Plan(problem)
    current = listing.of("Gateway").get(app)
    in_use = ((current or {}).get("spec") or {}).get("gatewayClassName")
    gateway_class = choose_gateway_class(config, cluster.gateway_classes or (), in_use, app)
    if isinstance(gateway_class, Status):
        return Plan(gateway_class)
    tenancies, tenancy = tenancy_of(listing)
    direct = direct_claim(observed.direct, observed.namespace, observed.model_uuid)
    claims = [*requests.claims, *([direct] if isinstance(direct, Claim) else [])]
    tenant = tenant_serving(config.external_hostname, claims, tenancy)
    if tenant is not None:
        # First claimant keeps it: nothing changes until the operator picks another name.
        return Plan(
            blocked(
                f"this charm's config external-hostname={config.external_hostname} is already "
                f"served for namespace {tenant}: choose another, or release it there first; "
                f"run: juju config {app} external-hostname=<another DNS name>"
            )
        )
    certificates = observed.certificates
    if certificates.related and certificates.problem:
        # Like invalid config: say so, and leave every Secret, listener and answer as it is.
        return Plan(
            blocked(
                f"unreadable data on {CERTIFICATES_RELATION} from the TLS provider "
                f"({short(certificates.problem)}): its operator must fix it, or replace it: "
                f"juju remove-relation {app}:{CERTIFICATES_RELATION} <provider>"
            )
        )
    kept = [c for b in requests.broken for c in kept_claims(b, tenancy, config.external_hostname)]
    rules = Rules(
        config.external_hostname,
        config.enforce_https,
        config.hostname_policy,
        f"juju config {app} hostname-policy=...",
    )
    arbitration = arbitrate([*claims, *kept], tenancy=tenancy, rules=rules)
    class_object = next(
        (c for c in cluster.gateway_classes or () if c["metadata"]["name"] == gateway_class), None
    )
    inputs = _Inputs(observed, config, requests, cluster, gateway_class, class_object, direct)
    return _lay_out(inputs, arbitration, tenancies)


@dataclass(frozen=True)
class _Inputs:
    observed: Observed
    config: Config
    requests: Requests
    cluster: Cluster
    gateway_class: str
    class_object: Mapping | None
    direct: Claim | Refusal | None = None

    @property
    def listener_sets(self) -> ListenerSetSupport:
        listing, now = self.cluster.listing, self.observed.now
        return listener_set_support(listing, self.class_object, now)

    @cached_property
    def names(self) -> objects.Names:
        """The listener and Secret names the main Gateway uses (an adopted one's kept)."""
        listing, app = self.cluster.listing, self.observed.app
        return objects.names_in_use(app, listing.of("Gateway").get(app), listing.of("Secret"))

    @property
    def controller(self) -> Controller:
        observed = self.observed
        verdict = class_verdict(self.class_object, self.gateway_class)
        return Controller(observed.namespace, observed.app, self.cluster.listing, verdict)


@dataclass(frozen=True)
class _Tls:
    """Which served hostnames get HTTPS now, and why the others wait."""

    secrets: tuple[dict, ...]
    with_tls: frozenset[str]
    foreign: tuple[str, ...]
    """Our Secret names that somebody else's Secrets hold ("Secret ns/name")."""
    awaited: tuple[str, ...] = ()
    """Served hostnames without a usable certificate of their own yet."""
    kept: tuple[str, ...] = ()
    """Of those, hostnames still served from the Secret they had (replacement on its way)."""
    renew: bool = False
    """The provider revoked a certificate we serve: request replacements now."""
    revoked: frozenset[str] = frozenset()
    """Awaited hostnames whose certificate the provider revoked."""


def _tls(inputs: _Inputs, arbitration: Arbitration) -> _Tls:
    observed, listing = inputs.observed, inputs.cluster.listing
    namespace, certificates = observed.namespace, observed.certificates
    now = observed.now
    if not certificates.related or now is None:  # None: a snapshot taken without a clock
        return _Tls(secrets=(), with_tls=frozenset(), foreign=())
    issued = usable(certificates.offered, now)
    key = certificates.private_key
    names = inputs.names
    hostnames = {item.hostname for item in arbitration.served if item.hostname}
    fresh = (hostnames & issued.keys()) if key else set()
    # A Secret under our name that is somebody else's must never back a listener: the Gateway
    # would serve its certificate and key. Such hostnames wait, and we say why.
    foreign = {h for h in hostnames if listing.taken("Secret", names.secret(h))}
    fresh -= foreign
    secrets = [
        objects.desired_tls_secret(
            names.secret(h),
            namespace,
            issued[h].full_chain,
            str(key),
        )
        for h in sorted(fresh)
    ]
    stored = {h: listing.of("Secret").get(names.secret(h)) for h in hostnames - foreign}
    kept = _kept({h: stored[h] for h in hostnames - fresh - foreign}, now)

    return _Tls(
        secrets=(*secrets, *kept.values()),
        with_tls=frozenset(fresh | kept.keys()),
        foreign=tuple(f"Secret {namespace}/{names.secret(h)}" for h in sorted(foreign)),
        awaited=tuple(sorted(hostnames - fresh)),
        kept=tuple(kept),
        renew=_renew(certificates.offered, stored),
        revoked=frozenset(i.hostname for i in certificates.offered if i.revoked)
        & (hostnames - fresh),
    )


def _renew(offered: Sequence[Issued], stored: Mapping[str, dict | None]) -> bool:
    """Whether the provider revoked a certificate one of our Secrets serves.

    Nearly every hook revokes nothing: then no Secret is decoded.
    """
    if not any(item.revoked for item in offered):
        return False
    served = {h: objects.served_chain(found) for h, found in stored.items() if found}
    return bool(revoked_in_service(offered, served))


def _kept(stored: Mapping[str, dict | None], now: datetime) -> dict[str, dict]:
    """Hostname -> its Secret as it is, for those awaiting a replacement still valid today."""
    kept: dict[str, dict] = {}
    for hostname in sorted(stored):
        found = stored[hostname]
        secret = objects.kept_tls_secret(found, now) if found else None
        if secret is not None:
            kept[hostname] = secret
    return kept


def _parents(
    inputs: _Inputs,
    arbitration: Arbitration,
    tenancies: Mapping[str, Tenancy],
    mode: str,
    support: ListenerSetSupport,
) -> placement.Placement:
    app, listing = inputs.observed.app, inputs.cluster.listing
    slots = placement.place(
        arbitration.served,
        placement.recorded_slots(app, tenancies),
        listeners_per_hostname=1 if mode == "disabled" else 2,
    )
    # Slots that are Gateways stay Gateways; so do ListenerSets the controller never accepted.
    gateways = [*listing.of("Gateway"), *support.gateway_slots]
    parents = placement.parents_for(
        app,
        {1, *slots.values()},
        existing_gateways=[placement.slot_of(app, name) or 1 for name in gateways],
        listener_sets_served=support.usable,
    )
    return placement.Placement(slots, tuple(parents))


def _facts(
    inputs: _Inputs,
    mode: listeners.HttpsMode,
    placed: placement.Placement,
    verdicts: Mapping[str | None, Verdict],
    tls: _Tls,
) -> GatewayFacts:
    """What every answer shares: where to attach, the addresses, the controller's word."""
    observed, config, listing = inputs.observed, inputs.config, inputs.cluster.listing
    app, namespace = observed.app, observed.namespace
    features = supported_features(inputs.class_object)
    return GatewayFacts(
        name=app,
        namespace=namespace,
        mode=mode,
        hsts_max_age=config.hsts_max_age,
        addresses=tuple(objects.addresses(listing.of("Gateway").get(app))),
        default_hostname=config.external_hostname,
        other_gateways=_other_gateways(placed.parents, listing),
        serving={
            hostname: verdict.serving(fix_for(verdict, app, namespace, hostname))
            for hostname, verdict in verdicts.items()
        },
        features=tuple(sorted(features)) if features else None,
        certificates_related=observed.certificates.related,
        revoked=tls.revoked,
    )


def _lay_out(inputs: _Inputs, arbitration: Arbitration, tenancies: Mapping[str, Tenancy]) -> Plan:
    """Place, build the objects and answer."""
    observed, config, requests = inputs.observed, inputs.config, inputs.requests
    app, namespace, listing = observed.app, observed.namespace, inputs.cluster.listing
    mode = listeners.https_mode(config.enforce_https, observed.certificates.related)
    support = inputs.listener_sets
    placed = _parents(inputs, arbitration, tenancies, mode, support)
    tls = _tls(inputs, arbitration)
    layout = build_layout(
        app=app,
        namespace=namespace,
        gateway_class=inputs.gateway_class,
        served=arbitration.served,
        placement=placed,
        mode=mode,
        with_tls=tls.with_tls,
        names=inputs.names,
    )
    taken = [obj for obj in layout.objects if _taken(listing, obj)]
    verdicts = _verdicts(inputs, layout)
    facts = _facts(inputs, mode, placed, verdicts, tls)
    dns = _dns(observed, layout, facts.addresses)
    served_direct = _direct(inputs, arbitration, layout, facts)
    # A foreign Secret only keeps its hostname off HTTPS (already left out of the layout); any
    # other foreign object means our layout is incomplete, so answers stay as they were.
    health = _Health(
        not_owned=[*tls.foreign, *(describe(obj) for obj in taken)],
        certificates=(tls.awaited, tls.kept),
        revoked=tls.revoked,
        verdicts=verdicts,
        gateway=inputs.controller.gateway(),
        redirects=_redirect_health(listing, layout),
        note=support.note,
        dns=dns.problems,
        workload=served_direct.status,
    )
    status = _status(inputs, layout, facts, health)
    return Plan(
        status=status,
        objects=tls.secrets
        + tuple(obj for obj in layout.objects if obj not in taken)
        + served_direct.objects,
        kinds=tuple(kind for kind in OWNED_KINDS if listing.serves(kind)),
        answers={} if taken else _answers(requests, arbitration, layout, facts),
        withdrawn=() if taken else (*requests.empty, *(s.relation_id for s in requests.strangers)),
        renew_key=tls.renew,
        dns_entries=None if taken else dns.entries,
        url=None if taken else served_direct.url,
        logs=served_direct.logs,
    )


def _direct(
    inputs: _Inputs, arbitration: Arbitration, layout: Layout, facts: GatewayFacts
) -> DirectPlan:
    """The workload related directly, answered as a configurator would be."""
    claim, listing = inputs.direct, inputs.cluster.listing
    replied = answer(claim, arbitration, layout.specs, facts) if isinstance(claim, Claim) else None
    observed = inputs.observed
    reserved = frozenset((o["kind"], o["metadata"]["name"]) for o in layout.objects)
    return direct_plan(observed.direct, claim, replied, listing, observed.owner, reserved=reserved)


def _dns(observed: Observed, layout: Layout, addresses: Sequence[str]) -> DnsPlan:
    served = {spec.hostname for spec in layout.specs if spec.hostname and spec.tenant}
    return plan_dns(observed.dns, served, addresses, observed.app)


def _taken(listing: Listing, obj: dict) -> bool:
    return listing.taken(str(obj["kind"]), str(obj["metadata"]["name"]))


def _other_gateways(
    parents: Sequence[placement.Parent], listing: Listing
) -> dict[str, tuple[str, ...]]:
    gateways = listing.of("Gateway")
    return {
        parent.name: tuple(objects.addresses(gateways.get(parent.name)))
        for parent in parents
        if parent.kind == "Gateway" and not parent.is_main
    }


def _answers(
    requests: Requests, arbitration: Arbitration, layout: Layout, facts: GatewayFacts
) -> dict[int, ProviderData]:
    specs = list(layout.specs)
    answers = {
        claim.relation_id: answer(claim, arbitration, specs, facts) for claim in requests.claims
    }
    for impostor in requests.impostors:
        answers[impostor.claim.relation_id] = refusal_answer(impostor, facts)
    return answers


@dataclass(frozen=True)
class _Health:
    """What decides the status besides config and relations."""

    not_owned: Sequence[str]
    certificates: tuple[Sequence[str], Sequence[str]]
    """(hostnames awaiting a certificate, those of them still served from their old one)."""
    revoked: frozenset[str]
    """Of those, hostnames whose certificate the provider revoked."""
    verdicts: Mapping[str | None, Verdict]
    """The controller's verdict on each served hostname (None: the bare address)."""
    gateway: Verdict
    redirects: RouteHealth
    note: str | None
    dns: Sequence[str] = ()
    """What the DNS providers refused, or could not be read (`plan.dns`)."""
    workload: Status | None = None
    """The word on the workload related directly (None: there is none)."""


def _verdicts(inputs: _Inputs, layout: Layout) -> dict[str | None, Verdict]:
    controller = inputs.controller
    hostnames = {spec.hostname for spec in layout.specs if spec.tenant}
    return {hostname: controller.hostname(layout.specs, hostname) for hostname in hostnames}


def _broken(request: BrokenRequest, app: str) -> str:
    """A configurator's data we cannot read: what, and whose charm to fix or upgrade.

    Across models Juju names it `remote-<uuid>` here: its own model (its namespace) is named.
    """
    who = requester(request.application, request.namespace, None)
    said = f"invalid {ROUTE_RELATION} data from {who}: {request.error.field}: "
    said += request.error.message
    if request.error.newer:
        return f"{said}; run: juju refresh {app}"
    if cross_model(request.application):
        where = f"in model {request.namespace}" if request.namespace else "in its model"
        return f"{said}; its operator must fix or upgrade it, {where}: juju refresh <configurator>"
    return f"{said}; its operator must fix or upgrade it: juju refresh {request.application}"


def _stranger(application: str, dialect: str, relation_id: int) -> str:
    """A requester speaking Canonical's gateway-route: what it is and what to do instead.

    Canonical's gateway speaks v1 from its track 1 on; a v0 requester (their retired
    configurator) is answered by nothing Canonical ships now.
    """
    ours = f"replace it with this project's gateway-route-configurator; {_remove(relation_id)}"
    said = f"{application} speaks {dialect}, not this gateway's {ROUTE_RELATION}"
    if dialect.endswith("v0"):
        return f"{said}: {ours}"
    return f"{said}: relate it to Canonical's gateway-api-integrator (track 1), or {ours}"


def _remove(relation_id: int) -> str:
    """The command that ends one relation, whatever Juju calls the other side here."""
    return f"or run: juju remove-relation {relation_id}"


def _redirect_health(listing: Listing, layout: Layout) -> RouteHealth:
    """What the controller says of our HTTP-to-HTTPS redirect routes."""
    wanted = [obj for obj in layout.objects if obj["kind"] == "HTTPRoute"]
    if not wanted:
        return RouteHealth(attached=True)
    return route_health(wanted, after_apply(listing.of("HTTPRoute"), wanted))


def _status(inputs: _Inputs, layout: Layout, facts: GatewayFacts, health: _Health) -> Status:
    observed, config, requests = inputs.observed, inputs.config, inputs.requests
    app = observed.app
    problems: list[str] = []
    if health.not_owned:
        problems.append(not_owned(health.not_owned, app).message)
    if config.enforce_https and not observed.certificates.related:
        problems.append(
            "this charm's config enforce-https=true needs a TLS provider; "
            f"run: {integrate_certificates(app)}"
        )
    problems.extend(_broken(request, app) for request in requests.broken)
    problems.extend(
        f"{ROUTE_RELATION} from {_who(item.claim)} refused: it {item.problem}; a requester may "
        "claim only its own model's namespace: its operator must move it, "
        f"{_remove(item.claim.relation_id)}"
        for item in requests.impostors
    )
    problems.extend(
        _stranger(item.application, item.dialect, item.relation_id) for item in requests.strangers
    )
    problems.extend(health.dns)
    return leader_status(
        problems=problems,
        certificates=health.certificates,
        revoked=health.revoked,
        addresses=facts.addresses,
        served=len({s.hostname for s in layout.specs if s.hostname and s.tenant}),
        unaddressed=[name for name, found in facts.other_gateways.items() if not found],
        controller=controller_report(
            health.verdicts, health.gateway, health.redirects, app, observed.namespace
        ),
        note=health.note,
        workload=health.workload,
    )
