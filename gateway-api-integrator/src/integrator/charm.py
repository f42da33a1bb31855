"""The gateway-api-integrator charm: event wiring. Every change runs observe -> plan -> act."""

import logging
from collections.abc import Sequence

import ops
from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    Mode,
    ProviderCapabilities,
)
from lightkube import Client

from gateway_route.provider import GatewayRouteProvider
from ingress_v2.provider import IngressProvider
from integrator.act import act
from integrator.certificates import GuardedCertificates, certificate_request
from integrator.memory import Memory
from integrator.observe import NamespaceReads, RouteReads, observe
from integrator.plan import CERTIFICATES_RELATION, OWNED_KINDS, ROUTE_RELATION, plan
from integrator.plan.claims import NamespaceCheck, wanted_certificates
from integrator.plan.direct import DIRECT_RELATION
from integrator.plan.dns import DNS_RELATION
from integrator.plan.get_certificate import certificate_result
from integrator.plan.identity import namespace_problem
from integrator.plan.snapshot import CHARM, RouteRequest
from integrator.refresh import CertificateRefresh
from kube_apply import try_connect
from kube_objects import ApiFailure
from reconcile.unit import leaving, remove_on_app_removal

logger = logging.getLogger(__name__)


class GatewayApiIntegratorCharm(ops.CharmBase):
    """Owns one Gateway, its listeners and TLS Secrets, for gateway-route configurators."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        # What the TLS library's last refresh read, and when its renewal check is next due.
        self._stored.set_default(
            tls_inputs="", tls_check_at=0.0, tls_wanted="", tls_found="", routes=""
        )
        self.routes = GatewayRouteProvider(self, ROUTE_RELATION)
        self.ingress = IngressProvider(self, DIRECT_RELATION)
        # One hook, one process: the client and the Namespace list are made once and shared by
        # the TLS library's callback and the reconcile.
        self._client: Client | ApiFailure | None = None
        # Read once per hook, by the TLS library's callback or the reconcile, whichever is
        # first; on leader-elected it must know before the library asks (a full read).
        self.route_reads = RouteReads(self, self.routes, self._memory)
        self.namespace_reads = NamespaceReads(self.route_reads)
        framework.observe(self.on.leader_elected, self._bind)
        route = self.on[ROUTE_RELATION]
        certificates = self.on[CERTIFICATES_RELATION]
        changes = [
            self.on.start,
            self.on.config_changed,
            self.on.upgrade_charm,
            self.on.update_status,
            route.relation_changed,
            route.relation_broken,
        ]
        # Created before our observers, so on its own events (the certificates relation's,
        # leader-elected, secret-expired) the library has stored keys, sent CSRs and read
        # certificates by the time the reconcile runs. On ours it refreshes only when asked to
        # (`_refresh_certificates`): its refresh costs ~1.5·N² CSR parses.
        self.certificates = GuardedCertificates(
            self,
            CERTIFICATES_RELATION,
            certificate_requests=self._certificate_requests,
            mode=Mode.APP,
        )
        self.refresh = CertificateRefresh(
            self,
            self.certificates,
            self._stored,
            lambda: self._certificate_requests(None),
            lambda: self.route_reads.full,
        )
        for event in [
            *changes,
            self.on.leader_elected,
            certificates.relation_changed,
            certificates.relation_broken,
            # After the library's renewal: its new CSR makes the hostname wait again.
            self.on.secret_expired,
            self.on[DNS_RELATION].relation_changed,
            self.on[DNS_RELATION].relation_broken,
            self.on[DIRECT_RELATION].relation_joined,
            self.on[DIRECT_RELATION].relation_changed,
            self.on[DIRECT_RELATION].relation_broken,
        ]:
            framework.observe(event, self._on_change)
        framework.observe(self.on.get_certificate_action, self._on_get_certificate)
        framework.observe(self.on.remove, self._on_remove)

    def _connect(self) -> Client | ApiFailure:
        if self._client is None:
            self._client = try_connect(self.app.name, self.model.name)
        return self._client

    def _on_change(self, event: ops.EventBase) -> None:
        if leaving(self, event):
            return
        reads = self.route_reads
        reads.bind(event)
        client = self._connect()
        self.refresh.before_observe(event)
        observed = observe(
            self,
            reads,
            self.certificates,
            client,
            self.namespace_reads,
            remembered=self.refresh.certificates(),
            ingress=self.ingress,
        )
        planned = plan(observed)
        act(
            self,
            planned,
            observed,
            self.routes,
            client,
            routes=reads,
            library=self.certificates,
            ingress=self.ingress,
        )
        self.refresh.remember(observed.certificates, renewed=planned.renew_key)
        # Kept only if the hook succeeds (ops commits stored state at its end); written only
        # when changed (~1 KB per relation).
        remembered = reads.memory.dump() if self.unit.is_leader() else ""
        if remembered != self._stored.routes:
            self._stored.routes = remembered

    def _memory(self) -> Memory | None:
        """What this unit remembers of the gateway-route relations, if it is still leader."""
        if not self.unit.is_leader():
            return None
        return Memory.load(str(self._stored.routes))

    def _bind(self, event: ops.EventBase) -> None:
        self.route_reads.bind(event)

    def _certificate_requests(
        self, _: ProviderCapabilities | None
    ) -> list[CertificateRequestAttributes]:
        """One request per hostname; called by the TLS library in its own handlers too."""
        if not self.unit.is_leader():
            return []  # APP mode: only the leader requests
        requests = self.route_reads()
        hostnames = wanted_certificates(self.config, requests, self._namespace_check(requests))
        return [certificate_request(hostname) for hostname in hostnames]

    def _namespace_check(self, requests: Sequence[RouteRequest]) -> NamespaceCheck:
        """The same check the plan makes, so a requester lying about its namespace gets no CSR.

        Namespaces are read (one LIST) only when a requester is in another model: a same-model
        requester's namespace needs no cluster read.
        """
        own_model, own_namespace = self.model.uuid, self.model.name
        others = any(r.remote_model not in (None, own_model) for r in requests)
        # Unreadable namespaces (an API hiccup) check only what needs no read: a request is
        # never withdrawn, and a served certificate never lost, for a transient failure.
        namespaces = self._juju_models(requests) if others else None

        def check(request: RouteRequest, claimed: str) -> str | None:
            return namespace_problem(
                claimed,
                remote_model=request.remote_model,
                own_model=own_model,
                own_namespace=own_namespace,
                namespaces=namespaces,
            )

        return check

    def _juju_models(self, requests: Sequence[RouteRequest]) -> dict[str, str | None] | None:
        """Namespace -> Juju model UUID, or None when the cluster cannot be read."""
        client = self._connect()
        if isinstance(client, ApiFailure):
            return None
        try:
            return self.namespace_reads.models(client, requests, self.model.uuid)
        except ApiFailure as failure:
            logger.warning("namespaces not readable for certificate requests: %s", failure)
            return None

    def _on_get_certificate(self, event: ops.ActionEvent) -> None:
        hostname = str(event.params.get("hostname", "")).strip()
        # The cluster is read too: while a replacement is on its way, the Secret says what is
        # served.
        client = self._connect()
        observed = observe(self, self.route_reads, self.certificates, client, self.namespace_reads)
        result = certificate_result(observed, hostname)
        if isinstance(result, str):
            event.fail(result)
        else:
            event.set_results(result)

    def _on_remove(self, _: ops.RemoveEvent) -> None:
        remove_on_app_removal(self, CHARM, OWNED_KINDS)
