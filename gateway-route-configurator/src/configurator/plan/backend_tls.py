"""TLS from the gateway to a workload that serves `https`: can it be done, and is it done? Pure.

Three things must hold before a URL to such a workload is published: the gateway's controller
implements BackendTLSPolicy (it says so in GatewayClass `status.supportedFeatures`, passed on in
the gateway-route answer, or it accepted a policy of ours before), the CA that signed the
workload's certificate has arrived over `receive-ca-cert`, and the controller accepted our policy
(`status.ancestors[].conditions`: `Accepted` and `ResolvedRefs`, Gateway API v1.4 spec).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gateway_route import ProviderData
from http_routes import backend_tls_policy, ca_config_map
from kube_objects import FEATURE_BACKEND_TLS, Listing, dns1123_subdomain
from kube_objects import conditions as read
from reconcile import Status, blocked, waiting

CA_RELATION = "receive-ca-cert"


@dataclass(frozen=True)
class BackendTls:
    """What the workload's `https` asks of us: the objects, or why there are none yet."""

    objects: tuple[dict, ...] = ()
    """The CA ConfigMap and the BackendTLSPolicy (empty when they cannot be made)."""
    problem: Status | None = None
    """Why traffic cannot flow: nothing is routed then."""
    verdict: Status | None = None
    """The controller's word on our policy, when it has not accepted it (routes stay)."""


def names(route_name: str) -> tuple[str, str]:
    """The BackendTLSPolicy's and the CA ConfigMap's names."""
    return route_name, dns1123_subdomain(f"{route_name}-ca")


def _supported(answer: ProviderData | None, listing: Listing, policy: str) -> bool:
    """ListenerSet's rule, for BackendTLSPolicy: advertised, or ours was accepted before."""
    if answer is not None and answer.features and FEATURE_BACKEND_TLS in answer.features:
        return True
    stored = listing.of("BackendTLSPolicy").get(policy)
    return any(
        (read.read(entry.get("conditions")).get("Accepted") or _UNKNOWN).true
        for entry in _ancestors(stored)
    )


def _ancestors(policy: Mapping | None) -> list[Mapping]:
    entries = ((policy or {}).get("status") or {}).get("ancestors") or []
    return [entry for entry in entries if isinstance(entry, Mapping)]


def _verdict(
    policy: Mapping | None, gateways: Sequence[tuple[str, str]], describe: str
) -> Status | None:
    """None when every Gateway we attach to accepted the policy with resolved references.

    `describe`: the command that shows the controller's whole story about our policy.
    """
    generation = read.generation(policy)
    for namespace, name in gateways:
        where = f"BackendTLSPolicy on Gateway {namespace}/{name}"
        entry = next(
            (
                e
                for e in _ancestors(policy)
                if (e.get("ancestorRef") or {}).get("name") == name
                and (e.get("ancestorRef") or {}).get("namespace", namespace) == namespace
            ),
            None,
        )
        found = read.read((entry or {}).get("conditions"))
        for kind in ("Accepted", "ResolvedRefs"):
            condition = found.get(kind)
            if condition is not None and condition.false:
                return blocked(
                    f"the gateway's controller refused {where}: {condition.describe()}; "
                    f"the workload's certificate must be signed by the CA on {CA_RELATION}, "
                    f"see: {describe}"
                )
            if condition is None or not condition.true or read.stale(condition, generation):
                return waiting(f"waiting for the gateway's controller to accept {where}")
    return None


def backend_tls(
    *,
    app: str,
    namespace: str,
    route_name: str,
    service: str,
    hostname: str,
    answer: ProviderData | None,
    listing: Listing,
    ca: tuple[str, ...] | None,
    gateways: Sequence[tuple[str, str]],
) -> BackendTls:
    """Plan TLS to the backend. `ca` None: no `receive-ca-cert` relation."""
    policy_name, ca_name = names(route_name)
    gateway = answer.gateway_name if answer is not None else "<gateway>"
    if not listing.serves("BackendTLSPolicy"):
        return BackendTls(
            problem=blocked(
                "workload asks for scheme https, but this cluster has no BackendTLSPolicy "
                "(Gateway API v1.4+): the cluster's administrator must install it, or the "
                "workload's charm must serve http"
            )
        )
    if not _supported(answer, listing, policy_name):
        return BackendTls(
            problem=blocked(
                "workload asks for scheme https, but the gateway's controller does not "
                f"implement {FEATURE_BACKEND_TLS}: the workload's charm must serve http, or the "
                "gateway's operator pick a GatewayClass that does: "
                f"juju config {gateway} gateway-class=<name>"
            )
        )
    if ca is None:
        return BackendTls(
            problem=blocked(
                "workload asks for scheme https: the gateway must know the CA that signed its "
                f"certificate; run: juju integrate {app}:{CA_RELATION} "
                "<the CA's provider, e.g. self-signed-certificates:send-ca-cert>"
            )
        )
    if not ca:
        return BackendTls(problem=waiting(f"waiting for the CA certificate on {CA_RELATION}"))
    objects = (
        ca_config_map(name=ca_name, namespace=namespace, certificates=list(ca)),
        backend_tls_policy(
            name=policy_name,
            namespace=namespace,
            service=service,
            hostname=hostname,
            ca_config_map=ca_name,
        ),
    )
    stored = listing.of("BackendTLSPolicy").get(policy_name)
    describe = f"kubectl -n {namespace} describe backendtlspolicy {policy_name}"
    return BackendTls(objects=objects, verdict=_verdict(stored, gateways, describe))


_UNKNOWN = read.Condition("Accepted", "Unknown")
