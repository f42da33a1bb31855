"""Every read of one reconcile, into one frozen snapshot (`integrator.plan.Observed`).

Relation data is validated on the way in; the cluster costs one LIST per owned kind and one of
GatewayClasses, and no GET: the listings also tell which names others hold.
"""

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import ops
from lightkube import Client

from gateway_route import DataError, ProviderData, RequirerData, decode, encode
from gateway_route.provider import GatewayRouteProvider, Request
from gateway_route.relation_data import remote_app_databag
from ingress_v2.provider import IngressProvider
from integrator.certificates import GuardedCertificates
from integrator.memory import Entry, Memory, full_read_due
from integrator.plan import (
    CERTIFICATES_RELATION,
    OWNED_KINDS,
    ROUTE_RELATION,
    Certificates,
    Cluster,
    Observed,
    RouteRequest,
)
from integrator.plan.direct import DIRECT_RELATION
from integrator.plan.dns import DNS_RELATION
from integrator.plan.snapshot import Direct, DnsProvider
from kube_apply import GatewayClass, list_all, read_listing
from kube_objects import ApiFailure, Owner

FULL_READ_EVENTS = (ops.StartEvent, ops.UpgradeCharmEvent, ops.LeaderElectedEvent)
"""Hooks after which a remembered relation may be stale: a new charm, a new leader."""

MODEL_UUID_ANNOTATION = "model.juju.is/id"
"""Juju annotates each model's namespace with the model's UUID (juju/juju caas/kubernetes)."""


class RouteReads:
    """The gateway-route requests of one hook, read at most once, and only what changed.

    Both the TLS library's certificate-request callback and the observe step need them. With a
    trusted `Memory` (`integrator.memory`), only the relation the hook is about is read; the
    rest is as the leader last read it. `memory` afterwards holds what this hook knows.
    """

    def __init__(
        self,
        charm: ops.CharmBase,
        provider: GatewayRouteProvider,
        remembered: Callable[[], Memory | None],
    ) -> None:
        """`remembered` loads the memory, at the first read: hooks that read none skip it."""
        self._charm, self._provider, self._load = charm, provider, remembered
        self._event: ops.EventBase | None = None
        self._requests: tuple[RouteRequest, ...] | None = None
        self.full = False
        self.memory = Memory()

    def bind(self, event: ops.EventBase) -> None:
        """The hook's event; a read made before, if the event changes what is read, is redone."""
        if self._event is not None:
            return
        self._event = event
        if self._forced or self.touched is not None or isinstance(event, ops.UpdateStatusEvent):
            self._requests = None

    @property
    def event(self) -> ops.EventBase | None:
        """The hook's event, once bound."""
        return self._event

    @property
    def _forced(self) -> bool:
        return isinstance(self._event, FULL_READ_EVENTS)

    @property
    def touched(self) -> ops.Relation | None:
        """The gateway-route relation this hook is about, if any."""
        event = self._event
        if isinstance(event, ops.RelationEvent) and event.relation.name == ROUTE_RELATION:
            return event.relation
        return None

    def __call__(self) -> tuple[RouteRequest, ...]:
        """Every live gateway-route relation's request, in relation-id order."""
        if self._requests is None:
            self._requests = self._read()
        return self._requests

    def relation(self, relation_id: int) -> ops.Relation | None:
        """The relation to write to (the hook's own costs no lookup of all N)."""
        touched = self.touched
        if touched is not None and touched.id == relation_id:
            return touched
        return self._provider.relation(relation_id)

    def _read(self) -> tuple[RouteRequest, ...]:
        remembered = self._load()
        self._load = lambda: remembered  # a second read (after `bind`) starts from the same
        now = time.time()
        periodic = isinstance(self._event, ops.UpdateStatusEvent)
        self.full = full_read_due(remembered, forced=self._forced, periodic=periodic, now=now)
        if not self.full:
            assert remembered is not None
            self.memory = remembered
            # A relation that came or went without a hook this unit ran: read them all.
            self.full = not self._update(self.memory)
        if self.full:
            self.memory = Memory(full_at=now)
            for request in self._provider.requests():
                self.memory.entries[request.relation_id] = _entry(request)
        entries = self.memory.entries
        return tuple(self._request(rid, entries[rid]) for rid in sorted(entries))

    def _update(self, memory: Memory) -> bool:
        """Read again the one relation the hook is about (a broken one is forgotten).

        False when Juju lists other relations than remembered (one `relation-ids` call).
        """
        touched = self.touched
        live = self._provider.relation_ids()
        if touched is not None and isinstance(self._event, ops.RelationBrokenEvent):
            live.discard(touched.id)
            memory.entries.pop(touched.id, None)
            memory.published.pop(touched.id, None)
        elif touched is not None and touched.id in live:
            memory.entries[touched.id] = _entry(self._provider.read(touched))
        return live == set(memory.entries)

    def _request(self, relation_id: int, entry: Entry) -> RouteRequest:
        data = None if entry.databag is None else decode(RequirerData, entry.databag)
        previous = None
        if isinstance(data, DataError) and self._charm.unit.is_leader():
            previous = self._previous(relation_id)
        return RouteRequest(
            relation_id,
            entry.remote_app,
            data,
            None if isinstance(data, RequirerData) else entry.databag,
            previous,
            entry.remote_model,
        )

    def _previous(self, relation_id: int) -> ProviderData | None:
        """Our last answer: needed only for a request that does not validate (to keep it)."""
        ours = self.memory.published.get(relation_id)
        if ours is None:
            relation = self.relation(relation_id)
            if relation is None:
                return None
            ours = dict(relation.data[self._charm.app])
            self.memory.published[relation_id] = ours
        found = decode(ProviderData, ours)
        return found if isinstance(found, ProviderData) else None


def _entry(request: Request) -> Entry:
    databag = request.databag
    if isinstance(request.data, RequirerData):
        databag = encode(request.data)
    return Entry(request.remote_app, request.remote_model, databag)


def dns_providers(charm: ops.CharmBase) -> tuple[DnsProvider, ...]:
    """Each dns-record relation's provider answers and our last request (a few relations)."""
    found = []
    for relation in sorted(charm.model.relations[DNS_RELATION], key=lambda r: r.id):
        if not relation.active:
            continue
        found.append(
            DnsProvider(
                relation.id,
                relation.app.name if relation.app is not None else None,
                remote_app_databag(relation),
                dict(relation.data[charm.app]),
            )
        )
    return tuple(found)


def direct_workload(ingress: IngressProvider, routes: RouteReads) -> Direct | None:
    """The workload related on `gateway`, what it asks and the URL we last gave it.

    Not read when the memory says there was none and the hook can have brought none (not one
    of its relation hooks, not a full read): a relation that comes brings its own hooks.
    """
    routes()  # the memory and whether this hook reads everything
    event = routes.event
    own = isinstance(event, ops.RelationEvent) and event.relation.name == DIRECT_RELATION
    if not (own or routes.full or routes.memory.direct):
        return None
    relation = ingress.relation
    routes.memory.direct = relation is not None
    if relation is None:
        return None
    return Direct(
        relation.id,
        ingress.read(),
        relation.app.name if relation.app is not None else None,
        ingress.remote_model(),
        ingress.published_url(),
    )


def certificates(charm: ops.CharmBase, library: GuardedCertificates) -> Certificates:
    """What the TLS library holds for us."""
    if charm.model.get_relation(CERTIFICATES_RELATION) is None:
        return Certificates(related=False)
    offered, key = library.offered()
    return Certificates(related=True, problem=library.problem, offered=offered, private_key=key)


class NamespaceReads:
    """Namespace -> Juju model UUID, listed at most once per hook, and only when needed.

    Both the TLS library's certificate-request callback and the observe step need it (to check
    which model a requester's namespace is); a charm object lives for one hook. The leader's
    memory (`integrator.memory`) answers when it names every cross-model requester's namespace
    and model; a full read of the relations lists them again.
    """

    def __init__(self, routes: RouteReads | None = None) -> None:
        self._routes = routes
        self._listed: dict[str, str | None] | None = None
        self._read = False

    def models(
        self, client: Client, requests: Sequence[RouteRequest], own_model: str | None
    ) -> dict[str, str | None] | None:
        """The map (None: not served, never for a core kind); raises ApiFailure."""
        routes = self._routes
        memory = None if routes is None else routes.memory
        if not self._read:
            trusted = memory is not None and routes is not None and not routes.full
            if (
                memory is not None
                and trusted
                and _names_all(memory.namespaces, requests, own_model)
            ):
                return memory.namespaces
            self._listed = juju_models(list_all(client, "Namespace", None))
            self._read = True  # a failure (raised above) is not remembered
        if memory is not None:
            memory.namespaces = self._listed
        return self._listed


def _names_all(
    namespaces: Mapping[str, str | None] | None,
    requests: Sequence[RouteRequest],
    own_model: str | None,
) -> bool:
    """Whether `namespaces` holds every cross-model requester's claimed namespace and model."""
    if namespaces is None:
        return False
    models = set(namespaces.values())
    for request in requests:
        if request.remote_model in (None, own_model):
            continue
        if not isinstance(request.data, RequirerData):
            return False  # what an invalid request claims is the plan's to salvage
        if request.data.namespace not in namespaces or request.remote_model not in models:
            return False
    return True


def cluster(
    client: Client | ApiFailure,
    owner: Owner,
    namespace: str,
    namespace_reads: NamespaceReads | None = None,
    *,
    requests: Sequence[RouteRequest] = (),
    own_model: str | None = None,
) -> Cluster | ApiFailure:
    """Our objects, the names others hold, the GatewayClasses and the Juju models' namespaces.

    In a gateway-route relation hook from memory, the GatewayClasses are as last listed (they
    matter to config and the Gateway, not to one tenant); every other hook lists them.
    """
    if isinstance(client, ApiFailure):
        return client
    reads = namespace_reads or NamespaceReads()
    routes = reads._routes
    memory = None if routes is None else routes.memory
    remembered = routes is not None and routes.touched is not None and not routes.full
    try:
        listing = read_listing(client, owner, OWNED_KINDS, namespace)
        classes = None
        if listing.serves("Gateway"):
            if remembered and memory is not None and memory.gateway_classes is not None:
                classes = memory.gateway_classes
            else:
                classes = list_all(client, GatewayClass, None)
        namespaces = reads.models(client, requests, own_model)
    except ApiFailure as failure:
        return failure
    if memory is not None and classes is not None:
        memory.gateway_classes = list(classes)
    return Cluster(
        listing=listing,
        gateway_classes=None if classes is None else tuple(classes),
        namespaces=namespaces,
    )


def juju_models(namespaces: list[dict] | None) -> dict[str, str | None] | None:
    """Namespace -> the Juju model UUID Juju annotated it with (None: not a Juju model)."""
    if namespaces is None:
        return None
    found: dict[str, str | None] = {}
    for namespace in namespaces:
        meta = namespace.get("metadata") or {}
        annotations = meta.get("annotations") or {}
        found[str(meta.get("name"))] = annotations.get(MODEL_UUID_ANNOTATION)
    return found


def observe(
    charm: ops.CharmBase,
    routes: RouteReads,
    library: GuardedCertificates,
    client: Client | ApiFailure | None,
    namespace_reads: NamespaceReads | None = None,
    *,
    remembered: Certificates | None = None,
    ingress: IngressProvider | None = None,
) -> Observed:
    """The snapshot the plan decides from; a non-leader reads nothing but that it is not leader.

    `client` None: the cluster is not read (an action that needs only relations).
    """
    app, namespace = charm.app.name, charm.model.name
    if not charm.unit.is_leader():
        return Observed(app=app, namespace=namespace, leader=False, config={})
    observed = Observed(
        app=app,
        namespace=namespace,
        leader=True,
        config=dict(charm.config),
        model_uuid=charm.model.uuid,
        requests=routes(),
        certificates=certificates(charm, library) if remembered is None else remembered,
        dns=dns_providers(charm),
        now=datetime.now(UTC),
        direct=direct_workload(ingress, routes) if ingress is not None else None,
    )
    if client is None:
        return observed
    found = cluster(
        client,
        observed.owner,
        namespace,
        namespace_reads,
        requests=observed.requests,
        own_model=observed.model_uuid,
    )
    return dataclasses.replace(observed, cluster=found)
