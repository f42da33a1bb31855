"""What a data plane would serve, judged only from the objects and the status a controller wrote.

The oracle that end-to-end tests hold both charms to, written from the Gateway API spec rather
than from the charms' code. A request for hostname H over scheme S reaches a workload when:

- an HTTPRoute (not one of the gateway's redirect routes) lists H, and for one of its
  `parentRefs` the controller wrote a `status.parents` entry with `Accepted` and
  `ResolvedRefs` True (spec: HTTPRoute status, "RouteConditionAccepted/ResolvedRefs");
- that parent is a Gateway with `Accepted` and `Programmed` True, or a ListenerSet with
  `Accepted` and `Programmed` True whose own Gateway is (spec: "GatewayConditionProgrammed",
  GEP-1713 ListenerSet status);
- the listener named by the parentRef's `sectionName` has `Accepted`, `Programmed` and
  `ResolvedRefs` True and `Conflicted` not True in the parent's `status.listeners`, a hostname
  that matches H (or none), and protocol HTTPS for S = https, HTTP for S = http;
- for a workload that serves TLS, every backend Service is the target of a BackendTLSPolicy
  with an `Accepted` ancestor (spec: BackendTLSPolicy status, GEP-1897); without one the data
  plane would speak plaintext to a TLS port.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kubedouble import KubeDouble

Flow = tuple[str, str]
"""(scheme, hostname)."""


def _conditions(status: Mapping[str, Any] | None) -> dict[str, str]:
    return {c.get("type", ""): c.get("status", "") for c in (status or {}).get("conditions") or []}


def _healthy(status: Mapping[str, Any] | None, *required: str) -> bool:
    found = _conditions(status)
    return all(found.get(kind) == "True" for kind in required)


@dataclass(frozen=True)
class _Listener:
    hostname: str | None
    protocol: str


def _parent_listeners(
    kube: KubeDouble, kind: str, name: str, namespace: str
) -> dict[str, _Listener]:
    """Listeners of a Gateway or ListenerSet that would carry traffic, by name."""
    obj = kube.get(kind, name, namespace)
    if obj is None or not _healthy(obj.get("status"), "Accepted", "Programmed"):
        return {}
    if kind == "ListenerSet":
        ref = obj["spec"]["parentRef"]
        gateway = kube.get("Gateway", ref["name"], ref.get("namespace") or namespace)
        if gateway is None or not _healthy(gateway.get("status"), "Accepted", "Programmed"):
            return {}
    statuses = {item["name"]: item for item in (obj.get("status") or {}).get("listeners") or []}
    usable: dict[str, _Listener] = {}
    for listener in obj["spec"].get("listeners") or []:
        status = statuses.get(listener["name"])
        if not _healthy(status, "Accepted", "Programmed", "ResolvedRefs"):
            continue
        if _conditions(status).get("Conflicted") == "True":
            continue
        usable[listener["name"]] = _Listener(listener.get("hostname"), listener["protocol"])
    return usable


def _matches(listener_hostname: str | None, hostname: str) -> bool:
    if listener_hostname is None:
        return True
    if listener_hostname.startswith("*."):
        return hostname.endswith(listener_hostname[1:])
    return listener_hostname == hostname


def _same_parent(ref: Mapping[str, Any], entry: Mapping[str, Any], namespace: str) -> bool:
    given = entry.get("parentRef") or {}
    return (
        given.get("name") == ref.get("name")
        and (given.get("namespace") or namespace) == (ref.get("namespace") or namespace)
        and given.get("kind", "Gateway") == ref.get("kind", "Gateway")
        and given.get("sectionName") == ref.get("sectionName")
    )


def _backends_speak_tls(kube: KubeDouble, route: Mapping[str, Any], namespace: str) -> bool:
    services = {
        ref["name"]
        for rule in route["spec"].get("rules") or []
        for ref in rule.get("backendRefs") or []
    }
    covered: set[str] = set()
    for policy in kube.objects("BackendTLSPolicy", namespace=namespace):
        ancestors = (policy.get("status") or {}).get("ancestors") or []
        if not any(_healthy(a, "Accepted") for a in ancestors):
            continue
        covered |= {
            t["name"] for t in policy["spec"].get("targetRefs") or [] if t.get("kind") == "Service"
        }
    return bool(services) and services <= covered


def flows(kube: KubeDouble, tls_backends: Iterable[str] = ()) -> dict[str, set[Flow]]:
    """Namespace -> the (scheme, hostname) pairs whose requests would reach its workload.

    `tls_backends`: namespaces whose workload serves TLS (ingress `scheme: https`).
    """
    tls = set(tls_backends)
    found: dict[str, set[Flow]] = {}
    for route in kube.objects("HTTPRoute"):
        meta = route["metadata"]
        namespace = meta["namespace"]
        if meta["name"].endswith("-https-redirect"):
            continue
        if namespace in tls and not _backends_speak_tls(kube, route, namespace):
            continue
        parents = (route.get("status") or {}).get("parents") or []
        for ref in route["spec"].get("parentRefs") or []:
            entry = next((p for p in parents if _same_parent(ref, p, namespace)), None)
            if entry is None or not _healthy(entry, "Accepted", "ResolvedRefs"):
                continue
            kind = ref.get("kind", "Gateway")
            usable = _parent_listeners(kube, kind, ref["name"], ref.get("namespace") or namespace)
            listener = usable.get(ref.get("sectionName", ""))
            if listener is None:
                continue
            scheme = "https" if listener.protocol == "HTTPS" else "http"
            for hostname in route["spec"].get("hostnames") or []:
                if _matches(listener.hostname, hostname):
                    found.setdefault(namespace, set()).add((scheme, hostname))
    return found


def gateway_hostnames(kube: KubeDouble, owner_label: str, app: str) -> dict[str, bool]:
    """Hostname -> whether every listener `app`'s Gateways and ListenerSets have for it works."""
    found: dict[str, bool] = {}
    for kind in ("Gateway", "ListenerSet"):
        for obj in kube.objects(kind, labels={owner_label: app}):
            meta = obj["metadata"]
            working = _parent_listeners(kube, kind, meta["name"], meta["namespace"])
            for listener in obj["spec"].get("listeners") or []:
                hostname = listener.get("hostname")
                if hostname:
                    found[hostname] = found.get(hostname, True) and listener["name"] in working
    return found
