"""Desired Kubernetes objects as plain dicts: the Gateway, TLS Secrets, the redirect route.

Pure: no API calls. kube_apply stamps the ownership labels and applies them.
"""

import base64
import json
from collections.abc import Mapping, Sequence

from integrator.arbitration import Served
from integrator.listeners import ListenerSpec
from kube_apply import GATEWAY_API_GROUP, dns1123_subdomain

HOLDERS_ANNOTATION = "gateway-api.juju.is/hostname-holders"
"""Which namespaces each hostname is served for, so "first claimant keeps it" survives pod
restarts and the time a hostname spends without listeners (waiting for its certificate)."""

NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def secret_name(app: str, hostname: str) -> str:
    """The TLS Secret of one hostname: stable, so renewals update it in place."""
    return dns1123_subdomain(f"{app}-tls-{hostname}")


def redirect_route_name(app: str) -> str:
    """The HTTP-to-HTTPS redirect route of this gateway."""
    return dns1123_subdomain(f"{app}-https-redirect")


def _allowed_routes(namespaces: frozenset[str] | None) -> dict:
    if namespaces is None:
        return {"namespaces": {"from": "Same"}}
    if len(namespaces) == 1:
        (namespace,) = namespaces
        selector: dict = {"matchLabels": {NAMESPACE_LABEL: namespace}}
    else:
        selector = {
            "matchExpressions": [
                {"key": NAMESPACE_LABEL, "operator": "In", "values": sorted(namespaces)}
            ]
        }
    return {"namespaces": {"from": "Selector", "selector": selector}}


def listener(spec: ListenerSpec) -> dict:
    """One `spec.listeners[]` entry."""
    entry: dict = {"name": spec.name, "protocol": spec.protocol, "port": spec.port}
    if spec.hostname is not None:
        entry["hostname"] = spec.hostname
    if spec.secret is not None:
        entry["tls"] = {
            "mode": "Terminate",
            "certificateRefs": [{"group": "", "kind": "Secret", "name": spec.secret}],
        }
    entry["allowedRoutes"] = {
        **_allowed_routes(spec.namespaces),
        "kinds": [{"group": GATEWAY_API_GROUP, "kind": "HTTPRoute"}],
    }
    return entry


def desired_gateway(
    name: str,
    namespace: str,
    gateway_class: str,
    specs: Sequence[ListenerSpec],
    served: Sequence[Served],
) -> dict:
    """The Gateway, with who holds which hostname recorded in an annotation."""
    return {
        "apiVersion": f"{GATEWAY_API_GROUP}/v1",
        "kind": "Gateway",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {HOLDERS_ANNOTATION: encode_holders(served)},
        },
        "spec": {
            "gatewayClassName": gateway_class,
            "listeners": [listener(spec) for spec in specs],
        },
    }


def desired_tls_secret(name: str, namespace: str, full_chain: str, private_key: str) -> dict:
    """A `kubernetes.io/tls` Secret: leaf + chain in tls.crt, the key in tls.key."""

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": b64(full_chain), "tls.key": b64(private_key)},
    }


def desired_redirect_route(
    name: str, gateway: str, namespace: str, specs: Sequence[ListenerSpec]
) -> dict:
    """Redirect every plain-HTTP listener to https with a 301.

    `sectionName` pins the route to the HTTP listeners (cilium/cilium#46359). No port is set:
    the https default port is meant; real-cluster tests check Location (FIELD-NOTES:
    aws-load-balancer-controller#4567, istio#44798). The 64-listener cap leaves at most 32 HTTP
    listeners under enforcement, within the 32 parentRefs a route may have.
    """
    parents = [
        {
            "group": GATEWAY_API_GROUP,
            "kind": "Gateway",
            "name": gateway,
            "namespace": namespace,
            "sectionName": spec.name,
        }
        for spec in specs
        if spec.protocol == "HTTP"
    ]
    return {
        "apiVersion": f"{GATEWAY_API_GROUP}/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "parentRefs": parents,
            "rules": [
                {
                    "filters": [
                        {
                            "type": "RequestRedirect",
                            "requestRedirect": {"scheme": "https", "statusCode": 301},
                        }
                    ]
                }
            ],
        },
    }


def encode_holders(served: Sequence[Served]) -> str:
    """Canonical JSON: hostname ("" for the bare address) -> sorted namespaces."""
    holders = {item.hostname or "": sorted(item.namespaces) for item in served}
    return json.dumps(holders, sort_keys=True, separators=(",", ":"))


def holders(gateway: Mapping | None) -> dict[str | None, frozenset[str]]:
    """Who is served what on an existing Gateway of ours (empty when there is none).

    Read from our annotation; from the listeners' `allowedRoutes` when it is missing or
    unreadable (someone edited it), which loses only hostnames waiting for a certificate.
    """
    if not gateway:
        return {}
    annotations = (gateway.get("metadata") or {}).get("annotations") or {}
    try:
        recorded = json.loads(annotations.get(HOLDERS_ANNOTATION, ""))
        return {
            (hostname or None): frozenset(str(ns) for ns in namespaces)
            for hostname, namespaces in recorded.items()
            if isinstance(namespaces, list)
        }
    except (ValueError, AttributeError):
        pass
    found: dict[str | None, frozenset[str]] = {}
    for entry in (gateway.get("spec") or {}).get("listeners") or []:
        admitted = _admitted(entry.get("allowedRoutes") or {})
        if admitted:
            hostname = entry.get("hostname")
            found[hostname] = found.get(hostname, frozenset()) | admitted
    return found


def _admitted(allowed_routes: Mapping) -> frozenset[str]:
    namespaces = allowed_routes.get("namespaces") or {}
    if namespaces.get("from") != "Selector":
        return frozenset()
    selector = namespaces.get("selector") or {}
    values = set()
    if NAMESPACE_LABEL in (selector.get("matchLabels") or {}):
        values.add(selector["matchLabels"][NAMESPACE_LABEL])
    for expression in selector.get("matchExpressions") or []:
        if expression.get("key") == NAMESPACE_LABEL and expression.get("operator") == "In":
            values.update(expression.get("values") or [])
    return frozenset(str(value) for value in values)


def addresses(gateway: Mapping | None) -> list[str]:
    """The Gateway's addresses from its status, as the controller reported them."""
    status = (gateway or {}).get("status") or {}
    return [
        str(entry["value"])
        for entry in status.get("addresses") or []
        if isinstance(entry, Mapping) and entry.get("value")
    ]
