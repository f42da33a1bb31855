"""Desired objects as plain dicts: Gateways, ListenerSets, TLS Secrets, the redirect routes.

Pure: no API calls. `kube_apply` stamps the ownership labels and applies them.
"""

import base64
import dataclasses
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509

from gateway_route import validate_address
from integrator.plan.arbitration import Served
from integrator.plan.listeners import HTTP_PORT, HTTPS_PORT, ListenerSpec
from kube_objects.kinds import GROUP
from kube_objects.limits import MAX_PARENT_REFS
from kube_objects.names import dns1123_subdomain

TENANCY_ANNOTATION = "gateway-api.juju.is/hostname-holders"
"""The tenancy (which namespaces each hostname is served for), so "first claimant keeps it"
survives pod restarts and the time a hostname spends without listeners (waiting for its
certificate). The key predates the word "tenancy" and is kept so existing Gateways read back."""

NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def secret_name(app: str, hostname: str) -> str:
    """The TLS Secret of one hostname: stable, so renewals update it in place."""
    return dns1123_subdomain(f"{app}-tls-{hostname}")


@dataclass(frozen=True)
class Names:
    """Listener and Secret names the main Gateway already uses, kept so nothing is renamed.

    Our own names are what `listener_name` and `secret_name` give; a Gateway adopted from
    Canonical's charm (`kube_objects.Owner.adopts`) has others. A listener renamed is a
    listener deleted (routes attached by `sectionName` fall off), and a Secret renamed is one
    deleted, so the names found stay for the same protocol, port and hostname.
    """

    app: str
    listeners: Mapping[tuple[str, str | None], str] = field(default_factory=dict)
    """(protocol, hostname) -> the name of the main Gateway's listener serving it."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Hostname -> the name of our Secret its HTTPS listener presents."""

    def secret(self, hostname: str) -> str:
        """The TLS Secret of `hostname`."""
        return self.secrets.get(hostname) or secret_name(self.app, hostname)

    def keep(self, specs: Sequence[ListenerSpec]) -> list[ListenerSpec]:
        """`specs` under the names their listeners already have (never two of one name)."""
        taken = {spec.name for spec in specs}
        kept: list[ListenerSpec] = []
        for spec in specs:
            name = self.listeners.get((spec.protocol, spec.hostname))
            if name and name != spec.name and name not in taken:
                taken.add(name)
                kept.append(dataclasses.replace(spec, name=name))
            else:
                kept.append(spec)
        return kept


def names_in_use(app: str, gateway: Mapping | None, secrets: Mapping[str, dict]) -> Names:
    """The names the main Gateway `gateway` uses; `secrets`: our Secrets by name."""
    listeners: dict[tuple[str, str | None], str] = {}
    presented: dict[str, str] = {}
    namespace = ((gateway or {}).get("metadata") or {}).get("namespace")
    for entry in ((gateway or {}).get("spec") or {}).get("listeners") or []:
        if not isinstance(entry, Mapping):  # a server's answer; a hook never dies on one
            continue
        protocol, hostname = entry.get("protocol"), entry.get("hostname")
        if (protocol, entry.get("port")) not in (("HTTP", HTTP_PORT), ("HTTPS", HTTPS_PORT)):
            continue
        listeners[(str(protocol), hostname)] = str(entry.get("name"))
        secret = _presented(entry, namespace)
        if protocol == "HTTPS" and hostname and secret in secrets:
            presented[str(hostname)] = str(secret)
    return Names(app, listeners, _unshared(presented))


def _unshared(presented: Mapping[str, str]) -> dict[str, str]:
    """A Secret presented for two hostnames would get two certificates: neither keeps it."""
    counts = Counter(presented.values())
    return {hostname: name for hostname, name in presented.items() if counts[name] == 1}


def _presented(listener: Mapping, namespace: str | None) -> str | None:
    """The name of the one Secret in the Gateway's namespace a listener presents, if so."""
    refs = (listener.get("tls") or {}).get("certificateRefs")
    ref = refs[0] if isinstance(refs, list) and len(refs) == 1 else None
    if not isinstance(ref, Mapping) or ref.get("namespace") not in (None, namespace):
        return None
    if ref.get("kind", "Secret") != "Secret" or ref.get("group") not in (None, ""):
        return None
    return ref.get("name")


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
        "kinds": [{"group": GROUP, "kind": "HTTPRoute"}],
    }
    return entry


def desired_gateway(
    name: str,
    namespace: str,
    gateway_class: str,
    specs: Sequence[ListenerSpec],
    served: Sequence[Served],
    *,
    allow_listener_sets: bool = False,
) -> dict:
    """A Gateway, with who holds which of its hostnames recorded in an annotation.

    `allowedListeners` (Gateway API >= v1.5; the default admits no ListenerSet) is set only
    when our ListenerSets need it: older CRDs do not know the field, and a Gateway that admits
    ListenerSets from its namespace lets anyone who may write ListenerSets there add listeners.
    """
    spec: dict = {
        "gatewayClassName": gateway_class,
        "listeners": [listener(spec) for spec in specs],
    }
    if allow_listener_sets:
        spec["allowedListeners"] = {"namespaces": {"from": "Same"}}
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "Gateway",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {TENANCY_ANNOTATION: encode_tenancy(served)},
        },
        "spec": spec,
    }


def desired_listener_set(
    name: str,
    namespace: str,
    gateway: str,
    specs: Sequence[ListenerSpec],
    served: Sequence[Served],
) -> dict:
    """A ListenerSet attached to our Gateway: up to 64 more listeners, same address.

    It lives beside the Gateway, so its certificateRefs and `from: Same` mean the gateway's
    namespace and need no ReferenceGrant.
    """
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "ListenerSet",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {TENANCY_ANNOTATION: encode_tenancy(served)},
        },
        "spec": {
            "parentRef": {
                "group": GROUP,
                "kind": "Gateway",
                "name": gateway,
                "namespace": namespace,
            },
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


def served_chain(stored: Mapping) -> str:
    """The PEM chain a TLS Secret of ours serves; "" when it holds none."""
    data = stored.get("data") or {}
    try:
        return base64.b64decode(str(data.get("tls.crt") or "")).decode().strip()
    except (ValueError, UnicodeDecodeError):
        return ""


def kept_tls_secret(stored: Mapping, now: datetime) -> dict | None:
    """A TLS Secret of ours as it is, while the certificate in it is valid; None otherwise.

    Used while a hostname's certificate is being replaced (revoked by a CA rotation, or a new
    key), so HTTPS keeps serving until the new one arrives and is swapped in place. The end
    date is read from the certificate itself, never from anything written beside it.
    """
    meta = stored.get("metadata") or {}
    data = stored.get("data") or {}
    if not isinstance(data, Mapping) or not {"tls.crt", "tls.key"} <= set(data):
        return None
    try:
        leaf = x509.load_pem_x509_certificate(base64.b64decode(data["tls.crt"]))
    except (ValueError, TypeError):
        return None
    if not leaf.not_valid_before_utc <= now < leaf.not_valid_after_utc:
        return None
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": data["tls.crt"], "tls.key": data["tls.key"]},
    }


def desired_redirect_route(
    name: str, gateway: str, namespace: str, specs: Sequence[ListenerSpec]
) -> dict:
    """Redirect the plain-HTTP listeners in `specs` (at most 32) to https with a 301.

    `sectionName` pins the route to the HTTP listeners (cilium/cilium#46359), on whichever
    Gateway or ListenerSet holds each (`gateway` names the main Gateway).
    """
    parents = [
        {
            "group": GROUP,
            "kind": spec.parent_kind,
            "name": spec.parent_name or gateway,
            "namespace": namespace,
            "sectionName": spec.name,
        }
        for spec in specs
        if spec.protocol == "HTTP"
    ]
    if len(parents) > MAX_PARENT_REFS:
        raise ValueError(f"{len(parents)} HTTP listeners for one route; split them first")
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "parentRefs": parents,
            "rules": [
                {
                    "filters": [
                        {
                            "type": "RequestRedirect",
                            # Port named: some data planes kept :80 in Location when it was
                            # left out (aws-load-balancer-controller#4567, istio#44798); the
                            # spec drops a scheme's well-known port from Location.
                            "requestRedirect": {
                                "scheme": "https",
                                "port": HTTPS_PORT,
                                "statusCode": 301,
                            },
                        }
                    ]
                }
            ],
        },
    }


def desired_redirect_routes(
    parent: str, gateway: str, namespace: str, specs: Sequence[ListenerSpec]
) -> list[dict]:
    """One parent's redirect routes: `<parent>-https-redirect`, then `-2`, ... per 32 listeners.

    One placement slot holds at most 64 listeners, so at most 32 plain-HTTP ones under
    enforcement and a single route; the split only guards the limit. A route per parent keeps a
    tenant's change from rewriting the redirects of every other parent.
    """
    http = [spec for spec in specs if spec.protocol == "HTTP"]
    base = redirect_route_name(parent)
    chunks = [http[i : i + MAX_PARENT_REFS] for i in range(0, len(http), MAX_PARENT_REFS)]
    return [
        desired_redirect_route(
            base if index == 0 else dns1123_subdomain(f"{base}-{index + 1}"),
            gateway,
            namespace,
            chunk,
        )
        for index, chunk in enumerate(chunks)
    ]


def encode_tenancy(served: Sequence[Served]) -> str:
    """Canonical JSON: hostname ("" for the bare address) -> sorted namespaces."""
    tenancy = {item.hostname or "": sorted(item.namespaces) for item in served}
    return json.dumps(tenancy, sort_keys=True, separators=(",", ":"))


def read_tenancy(gateway: Mapping | None) -> dict[str | None, frozenset[str]]:
    """Who is served what on an existing Gateway or ListenerSet of ours (empty for None).

    Read from our annotation; from the listeners' `allowedRoutes` when it is missing or
    unreadable (someone edited it), which loses only hostnames waiting for a certificate.
    """
    if not gateway:
        return {}
    annotations = (gateway.get("metadata") or {}).get("annotations") or {}
    try:
        recorded = json.loads(annotations.get(TENANCY_ANNOTATION, ""))
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
    """The Gateway's addresses from its status that a client can reach.

    `NamedAddress` entries (implementation-specific names) are left out: a configurator builds
    URLs from these, so only IPs and DNS names that the interface library accepts are passed on.
    """
    status = (gateway or {}).get("status") or {}
    found = []
    for entry in status.get("addresses") or []:
        if not isinstance(entry, Mapping) or not entry.get("value"):
            continue
        if entry.get("type", "IPAddress") not in ("IPAddress", "Hostname"):
            continue
        try:
            found.append(validate_address(str(entry["value"])))
        except ValueError:
            continue
    return found
