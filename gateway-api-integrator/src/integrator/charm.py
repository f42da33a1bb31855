"""The gateway-api-integrator charm: every event runs one reconcile.

Reconcile: config and relations -> typed claims (claims.py) -> who gets what (arbitration.py)
-> listeners and objects (listeners.py, gateway.py) -> server-side apply and prune
(kube_apply) -> answers (answers.py) and status (status.py).
"""

import logging
from datetime import UTC, datetime

import ops
from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    Mode,
    ProviderCapabilities,
)
from lightkube import Client
from lightkube.resources.core_v1 import Secret

from gateway_route import (
    GatewayRouteProvider,
    ProviderData,
    RequirerData,
    decode,
    validate_hostname,
)
from gateway_route.relation_data import remote_app_databag
from integrator import cluster, gateway, listeners, placement
from integrator.answers import Gateway as AnswerContext
from integrator.answers import answer
from integrator.arbitration import Arbitration, arbitrate, tenant_holding
from integrator.claims import BrokenRequest, Claim, certificate_hostnames, held_claims, read_claim
from integrator.config import Config, ConfigError, load_config
from integrator.layout import build_layout
from integrator.status import STANDBY, from_kube_error, integrate_certificates, leader_status
from integrator.tls import (
    GuardedCertificates,
    IssuedCertificate,
    certificate_request,
    usable_certificates,
)
from kube_apply import CachedApplier, Gateway, HTTPRoute, KubeError, ListenerSet, Owner, connect
from kube_apply.apply import ResourceType

logger = logging.getLogger(__name__)

CHARM = "gateway-api-integrator"
ROUTE_RELATION = "gateway-route"
CERTIFICATES_RELATION = "certificates"
OWNED_KINDS = (Secret, Gateway, HTTPRoute)
"""Listed in this order; ListenerSet joins them where the cluster serves it."""


def owned_kinds(listener_sets_served: bool) -> tuple[ResourceType, ...]:
    """The kinds we own objects of on this cluster."""
    if listener_sets_served:
        return (Secret, Gateway, ListenerSet, HTTPRoute)
    return OWNED_KINDS


class GatewayApiIntegratorCharm(ops.CharmBase):
    """Owns one Gateway, its listeners and TLS Secrets, for gateway-route configurators."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.gateway_route = GatewayRouteProvider(self, ROUTE_RELATION)
        route = self.on[ROUTE_RELATION]
        certificates = self.on[CERTIFICATES_RELATION]
        changes = [
            self.on.config_changed,
            self.on.upgrade_charm,
            self.on.update_status,
            route.relation_changed,
            route.relation_broken,
        ]
        # Created before our observers, so the library has stored keys, sent CSRs and read
        # certificates by the time the reconcile runs on the same event.
        self.certificates = GuardedCertificates(
            self,
            CERTIFICATES_RELATION,
            certificate_requests=self._certificate_requests,
            mode=Mode.APP,
            refresh_events=changes,
        )
        for event in [
            *changes,
            self.on.start,
            self.on.leader_elected,
            certificates.relation_created,
            certificates.relation_changed,
            certificates.relation_broken,
        ]:
            framework.observe(event, self._on_change)
        framework.observe(self.on.get_certificate_action, self._on_get_certificate)
        framework.observe(self.on.remove, self._on_remove)

    @property
    def _owner(self) -> Owner:
        return Owner(charm=CHARM, application=self.app.name, model=self.model.name)

    def _on_change(self, _: ops.EventBase) -> None:
        self._reconcile()

    def _reconcile(self) -> None:
        if not self.unit.is_leader():
            self.unit.status = STANDBY  # the leader does all the work
            return
        try:
            config = load_config(self.config, self.app.name)
        except ConfigError as error:
            self.unit.status = ops.BlockedStatus(str(error))
            return
        claims, broken, silent = self._read_requests()
        for request in broken:
            logger.warning("relation %d: %s", request.relation_id, request.error)
        try:
            self.unit.status = self._converge(config, claims, broken, silent)
        except KubeError as error:
            # Logged and shown; the next event (at the latest update-status) retries.
            logger.error("Kubernetes API: %s (HTTP %s)", error.message, error.code)
            self.unit.status = from_kube_error(self.app.name, error)

    def _converge(
        self, config: Config, claims: list[Claim], broken: list[BrokenRequest], silent: list[int]
    ) -> ops.StatusBase:
        app, namespace = self.app.name, self.model.name
        client = connect(app, namespace)
        # One LIST per owned kind serves both this read and the sync below (no per-object GETs).
        applier = CachedApplier(client, self._owner)
        ours = {
            obj["metadata"]["name"]: obj
            for obj in cluster.guarded(lambda: applier.owned(Gateway, namespace))
        }
        listed_sets = cluster.owned_listener_sets(applier, namespace)
        sets_served = listed_sets is not None
        current = ours.get(app)
        if current is None and cluster.read_gateway(client, app, namespace) is not None:
            return ops.BlockedStatus(
                f"Gateway {namespace}/{app} exists and is not managed by {app}: "
                "delete it, or deploy this charm under another application name"
            )
        gateway_class = self._gateway_class(client, config, current)
        if isinstance(gateway_class, ops.BlockedStatus):
            return gateway_class

        records = {
            obj["metadata"]["name"]: gateway.holders(obj)
            for obj in [*ours.values(), *(listed_sets or [])]
        }
        held: dict[str | None, frozenset[str]] = {}
        for record in records.values():
            for key, namespaces in record.items():
                held[key] = held.get(key, frozenset()) | namespaces
        tenant = tenant_holding(config.external_hostname, claims, held)
        if tenant is not None:
            # First claimant keeps it: nothing changes until the operator picks another name.
            return ops.BlockedStatus(
                f"external-hostname {config.external_hostname} is already served for namespace "
                f"{tenant}: choose another, or release it there first"
            )
        stand_ins = [c for b in broken for c in held_claims(b, held, config.external_hostname)]
        related = self.model.get_relation(CERTIFICATES_RELATION) is not None
        mode = listeners.https_mode(config.enforce_https, related)
        arbitration = arbitrate(
            [*claims, *stand_ins],
            held=held,
            external_hostname=config.external_hostname,
            enforce_https=config.enforce_https,
        )
        slots = placement.place(
            arbitration.served,
            placement.recorded_slots(app, records),
            listeners_per_hostname=1 if mode == "disabled" else 2,
        )
        holders = placement.holders_for(
            app,
            {1, *slots.values()},
            existing_gateways=[placement.slot_of(app, name) or 1 for name in ours],
            listener_sets_served=sets_served,
        )
        issued, private_key = self._issued() if related else ({}, None)
        if related and self.certificates.problem:
            # Like invalid config: say so, and leave every Secret, listener and answer as it is.
            return ops.BlockedStatus(
                f"unreadable data on {CERTIFICATES_RELATION} from the TLS provider "
                f"({self.certificates.problem}): check or replace the provider"
            )
        hostnames = {item.hostname for item in arbitration.served if item.hostname}
        certified = hostnames & issued.keys()
        # A Secret under our name that is somebody else's must never back a listener: the
        # Gateway would serve its certificate and key. Such hostnames wait, and we say why.
        secret_names = {gateway.secret_name(app, hostname): hostname for hostname in certified}
        ours_secrets = {
            obj["metadata"]["name"]
            for obj in cluster.guarded(lambda: applier.owned(Secret, namespace))
        }
        foreign_secrets = cluster.taken_by_others(
            client, Secret, set(secret_names), namespace, ours_secrets
        )
        certified -= {secret_names[name] for name in foreign_secrets}
        layout = build_layout(
            app=app,
            namespace=namespace,
            gateway_class=gateway_class,
            served=arbitration.served,
            slots=slots,
            holders=holders,
            mode=mode,
            certified=certified,
        )
        desired = [
            gateway.desired_tls_secret(
                gateway.secret_name(app, hostname),
                namespace,
                issued[hostname].full_chain,
                str(private_key),
            )
            for hostname in sorted(certified)
        ]
        desired.extend(layout.objects)
        kinds = owned_kinds(sets_served)
        report = cluster.guarded(lambda: applier.sync(desired, kinds, namespace))
        for name in report.applied:
            logger.info("applied %s", name)
        for name in report.deleted:
            logger.info("deleted %s", name)

        other_gateways = {
            holder.name: tuple(gateway.addresses(ours.get(holder.name)))
            for holder in holders
            if holder.kind == "Gateway" and not holder.is_main
        }
        not_owned = [*(f"Secret {namespace}/{name}" for name in sorted(foreign_secrets))]
        not_owned.extend(report.not_owned)
        blocked: list[str] = []
        if not_owned:
            blocked.append(
                f"{', '.join(not_owned)} exists and is not managed by {app}: delete or rename it"
            )
        # A foreign Secret only keeps its hostname off HTTPS (already left out of the layout);
        # any other foreign object means our layout is incomplete, so answers stay as they were.
        if not report.not_owned:
            self._publish(
                config=config,
                claims=claims,
                silent=silent,
                arbitration=arbitration,
                specs=list(layout.specs),
                mode=mode,
                current=current,
                other_gateways=other_gateways,
            )
        if config.enforce_https and not related:
            blocked.append(f"enforce-https needs certificates; run: {integrate_certificates(app)}")

        blocked.extend(
            f"invalid {ROUTE_RELATION} data from {request.application}: "
            f"{request.error.field}: {request.error.message}"
            for request in broken
        )
        return leader_status(
            blocked=blocked,
            pending_certificates=len(hostnames - certified) if related else 0,
            addresses=gateway.addresses(current),
            served=len({s.hostname for s in layout.specs if s.hostname and s.tenant}),
            unaddressed=[name for name, found in other_gateways.items() if not found],
        )

    def _publish(
        self,
        *,
        config: Config,
        claims: list[Claim],
        silent: list[int],
        arbitration: Arbitration,
        specs: list[listeners.ListenerSpec],
        mode: listeners.HttpsMode,
        current: dict | None,
        other_gateways: dict[str, tuple[str, ...]],
    ) -> None:
        context = AnswerContext(
            name=self.app.name,
            namespace=self.model.name,
            mode=mode,
            hsts_max_age=config.hsts_max_age,
            addresses=tuple(gateway.addresses(current)),
            default_hostname=config.external_hostname,
            other_gateways=other_gateways,
        )
        for claim in claims:
            data = answer(claim, arbitration, specs, context)
            self.gateway_route.answer(claim.relation_id, data)
        for relation_id in silent:
            self.gateway_route.withdraw(relation_id)

    def _gateway_class(
        self, client: Client, config: Config, current: dict | None
    ) -> str | ops.BlockedStatus:
        app = self.app.name
        fix = f"juju config {app} gateway-class=<name>"
        if config.gateway_class:
            if cluster.gateway_class_exists(client, config.gateway_class):
                return config.gateway_class
            names = cluster.gateway_class_names(client)
            return ops.BlockedStatus(
                f"GatewayClass {config.gateway_class!r} not found "
                f"(available: {', '.join(names) or 'none'}); run: {fix}"
            )
        names = cluster.gateway_class_names(client)
        in_use = ((current or {}).get("spec") or {}).get("gatewayClassName")
        if in_use in names:
            return str(in_use)  # a second controller appearing later must not unsettle us
        if len(names) == 1:
            return names[0]
        if not names:
            return ops.BlockedStatus(
                "no GatewayClass in the cluster: install a Gateway API controller, "
                f"then run: {fix}"
            )
        return ops.BlockedStatus(f"several GatewayClasses ({', '.join(names)}); run: {fix}")

    def _read_requests(self) -> tuple[list[Claim], list[BrokenRequest], list[int]]:
        """Valid claims, broken requests, and relations that ask for nothing (yet)."""
        claims: list[Claim] = []
        broken: list[BrokenRequest] = []
        silent: list[int] = []
        for request in self.gateway_route.requests():
            # The raw databag and our previous answer matter only for a request that does not
            # validate; reading them for every relation cost ~0.5 s per hook at 1,000 relations.
            relation = (
                None
                if request.data is None or isinstance(request.data, RequirerData)
                else self.model.get_relation(ROUTE_RELATION, request.relation_id)
            )
            databag = remote_app_databag(relation) if relation is not None else None
            previous = None
            if relation is not None and self.unit.is_leader():
                ours = decode(ProviderData, relation.data[self.app])
                previous = ours if isinstance(ours, ProviderData) else None
            result = read_claim(
                request.relation_id, request.remote_app, request.data, databag, previous
            )
            if isinstance(result, Claim):
                claims.append(result)
            elif isinstance(result, BrokenRequest):
                broken.append(result)
            else:
                silent.append(request.relation_id)
        return claims, broken, silent

    def _certificate_requests(
        self, _: ProviderCapabilities | None
    ) -> list[CertificateRequestAttributes]:
        """One request per hostname; resolved by the TLS library in its own handlers too."""
        if not self.unit.is_leader():
            return []  # APP mode: only the leader requests
        try:
            external = load_config(self.config, self.app.name).external_hostname
        except ConfigError:
            external = self._valid_external_hostname()
        claims, broken, _silent = self._read_requests()
        return [
            certificate_request(hostname)
            for hostname in certificate_hostnames(claims, broken, external)
        ]

    def _valid_external_hostname(self) -> str | None:
        value = str(self.config.get("external-hostname") or "").strip()
        try:
            return validate_hostname(value)
        except ValueError:
            return None

    def _issued(self) -> tuple[dict[str, IssuedCertificate], str | None]:
        """Usable certificates by hostname, and the private key they were issued for."""
        provided, private_key = self.certificates.assigned()
        if private_key is None:
            return {}, None
        return usable_certificates(provided, datetime.now(UTC)), private_key

    def _on_get_certificate(self, event: ops.ActionEvent) -> None:
        hostname = str(event.params.get("hostname", "")).strip()
        if not self.unit.is_leader():
            event.fail("only the leader unit holds the certificates: run this on the leader")
            return
        if self.model.get_relation(CERTIFICATES_RELATION) is None:
            event.fail(f"no certificates relation; run: {integrate_certificates(self.app.name)}")
            return
        issued, _key = self._issued()  # the key never leaves this frame
        found = issued.get(hostname)
        if found is None:
            claims, broken, _silent = self._read_requests()
            wanted = certificate_hostnames(claims, broken, self._valid_external_hostname())
            if hostname in wanted:
                event.fail(
                    f"no usable certificate for {hostname} yet (not issued, revoked or expired); "
                    "check the TLS provider"
                )
            else:
                event.fail(
                    f"unknown hostname {hostname!r}; hostnames with certificates: "
                    f"{', '.join(sorted(issued)) or 'none'}"
                )
            return
        event.set_results(
            {"certificate": found.certificate, "ca": found.ca, "chain": "\n".join(found.chain)}
        )

    def _on_remove(self, _: ops.RemoveEvent) -> None:
        # Juju does not always clean up objects a charm created (juju/juju#20180): when the
        # application goes, every unit deletes what is labelled as ours (deletes are idempotent,
        # and the leader may be torn down first).
        if self.app.planned_units() > 0:
            return
        try:
            client = connect(self.app.name, self.model.name)
            applier = CachedApplier(client, self._owner)
            served = cluster.owned_listener_sets(applier, self.model.name) is not None
            deleted = cluster.guarded(
                lambda: applier.delete_all(reversed(owned_kinds(served)), self.model.name)
            )
        except KubeError as error:
            logger.error("could not delete owned objects on removal: %s", error.message)
            return
        for name in deleted:
            logger.info("deleted %s", name)
