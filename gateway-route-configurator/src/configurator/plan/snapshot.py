"""Everything one reconcile decides from, read once by `configurator.observe`: frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway_route import DataError, ProviderData
from ingress_v2 import IngressDataError, IngressRequest
from kube_objects import ApiFailure, Listing, Owner

CHARM = "gateway-route-configurator"
OWNED_KINDS = ("ConfigMap", "Service", "BackendTLSPolicy", "HTTPRoute")
"""Kinds of the objects we own, in apply order (a route's backend before the route)."""


@dataclass(frozen=True)
class Observed:
    """The whole snapshot: identity, config, both relations, the cluster."""

    app: str
    namespace: str
    leader: bool
    config: Mapping[str, object] = field(default_factory=dict)
    ingress: IngressRequest | IngressDataError | None = None
    """The workload's request; None: no relation, or nothing written yet."""
    ingress_related: bool = False
    published: str | None = None
    """The URL we last gave the workload. Its library keeps it even after we wipe it, until the
    relation ends, so this is what the workload believes."""
    workload: str | None = None
    """The application on the other end of the ingress relation, as Juju names it."""
    workload_model: str | None = None
    """The workload's model UUID as Juju says (None where Juju cannot tell)."""
    model_uuid: str | None = None
    """Our own model's UUID."""
    gateway_related: bool = False
    gateway: str | None = None
    """The application on the other end of the gateway-route relation."""
    answer: ProviderData | DataError | None = None
    """The gateway's answer; None: no relation or nothing written yet."""
    gateway_dialect: str | None = None
    """Which other dialect of gateway-route the gateway writes, if it does (Canonical's)."""
    ca: tuple[str, ...] | None = None
    """CA certificates from `receive-ca-cert`; None when there is no such relation."""
    cluster: Listing | ApiFailure | None = None
    """Our objects of OWNED_KINDS in our namespace; None when not read (non-leader units)."""

    @property
    def owner(self) -> Owner:
        """The labels on everything this application creates."""
        return Owner(charm=CHARM, application=self.app, model=self.namespace)

    @property
    def selectors(self) -> Mapping[str, Mapping[str, str]]:
        """Pod selectors of the Services here that are not ours (Juju's `<app>` among them)."""
        return self.cluster.selectors if isinstance(self.cluster, Listing) else {}
