"""Everything one reconcile decides from, read once by `integrator.observe`: a frozen snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from gateway_route import DataError, ProviderData, RequirerData
from ingress_v2 import IngressDataError, IngressRequest
from integrator.plan.certificates import Issued
from kube_objects import Adoption, ApiFailure, Listing, Owner

CHARM = "gateway-api-integrator"
PREDECESSOR_LABEL = "gateway-api-integrator.charm.juju.is/managed-by"
"""How Canonical's gateway-api-integrator marks what it made (value: the application's name):
objects so marked with our application's name are adopted after `juju refresh` to this charm."""


def predecessor(app: str) -> Adoption:
    """What Canonical's gateway-api-integrator makes for application `app`, by kind and name.

    Its Gateway `<app>`, Secrets `<app>-secret-<hostname>`, the workload's Service
    `<app>-<workload>-service` and HTTPRoutes `<app>-http` and `<app>-https`.
    """
    names = (
        ("Gateway", app),
        ("Secret", f"{app}-secret-*"),
        ("Service", f"{app}-*-service"),
        ("HTTPRoute", f"{app}-http"),
        ("HTTPRoute", f"{app}-https"),
    )
    # A Juju application name is lowercase letters, digits and dashes: no fnmatch wildcard.
    return Adoption(PREDECESSOR_LABEL, app, names)


OWNED_KINDS = ("Secret", "Gateway", "ListenerSet", "Service", "HTTPRoute")
"""Kinds of the objects we own, in apply order (a Secret before the listener naming it, a
Service before the route pointing at it)."""


@dataclass(frozen=True)
class RouteRequest:
    """One gateway-route relation's request, as read."""

    relation_id: int
    remote_app: str | None
    """None when Juju no longer tells which application is on the other end."""
    data: RequirerData | DataError | None
    """None: the requirer has written nothing (yet)."""
    databag: Mapping[str, str] | None = None
    """The raw remote databag, kept only when `data` is not a valid request (to salvage
    hostnames, or to recognise another dialect of the interface)."""
    previous: ProviderData | None = None
    """Our last answer, read only when `data` is a DataError (to keep serving it)."""
    remote_model: str | None = None
    """The requirer's model UUID as Juju says (None where Juju cannot tell)."""


@dataclass(frozen=True)
class Certificates:
    """The certificates relation as the TLS library sees it."""

    related: bool
    problem: str | None = None
    """The provider's data could not be read (the library raised); shown, nothing changes."""
    offered: tuple[Issued, ...] = ()
    """Every certificate assigned to us, revoked and expired ones included."""
    private_key: str | None = None


@dataclass(frozen=True)
class Cluster:
    """What the cluster holds that the plan depends on."""

    listing: Listing
    """Our objects of OWNED_KINDS in the gateway's namespace, and names others hold."""
    gateway_classes: tuple[dict, ...] | None
    """Every GatewayClass, with its status; None when the cluster has no such kind."""
    namespaces: Mapping[str, str | None] | None = None
    """Every namespace, with the Juju model UUID it is annotated with (None: not Juju's);
    None when not listed."""


@dataclass(frozen=True)
class DnsProvider:
    """One dns-record relation: what the DNS provider answered, what we asked last."""

    relation_id: int
    remote_app: str | None
    theirs: Mapping[str, str] | None
    """The provider's application databag; None when it cannot be read (a dying relation)."""
    ours: Mapping[str, str]
    """Our application databag on that relation, as it is now."""


@dataclass(frozen=True)
class Direct:
    """The workload related directly on the endpoint `gateway` (ingress v2, limit 1)."""

    relation_id: int
    request: IngressRequest | IngressDataError | None
    """None: it has written nothing yet (or the relation is dying)."""
    workload: str | None
    """The application on the other end, as Juju names it."""
    workload_model: str | None = None
    """Its model UUID as Juju says (None where Juju cannot tell)."""
    published: str | None = None
    """The URL we last gave it: what it may still be holding."""


@dataclass(frozen=True)
class Observed:
    """The whole snapshot: identity, config, relations, certificates, cluster."""

    app: str
    namespace: str
    leader: bool
    config: Mapping[str, object]
    model_uuid: str | None = None
    """Our own model's UUID."""
    requests: tuple[RouteRequest, ...] = ()
    certificates: Certificates = Certificates(related=False)
    cluster: Cluster | ApiFailure | None = None
    """None when not read (non-leader units read nothing)."""
    now: datetime | None = None
    dns: tuple[DnsProvider, ...] = ()
    """The DNS providers on dns-record, in relation-id order."""
    direct: Direct | None = None
    """The workload related directly; None when there is none."""

    @property
    def owner(self) -> Owner:
        """The labels on everything this application creates."""
        return Owner(
            charm=CHARM,
            application=self.app,
            model=self.namespace,
            adopts=predecessor(self.app),
        )
