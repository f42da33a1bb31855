"""A few lines per Kubernetes object: what a reader of the demo needs to see in it."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

MANAGED_BY = "app.kubernetes.io/managed-by"

Obj = Mapping[str, Any]


def owned_objects(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects a charm created (they carry the managed-by label)."""
    return [o for o in objects if MANAGED_BY in (o["metadata"].get("labels") or {})]


def summary(obj: Obj) -> list[str]:
    """A short description of `obj`, one line per part (listener, rule, ...)."""
    describe = _BY_KIND.get(obj.get("kind", ""))
    return describe(obj) if describe else []


def common_name(name: x509.Name) -> str:
    """`CN=<common name>` of a certificate subject or issuer (its other attributes are ids)."""
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return f"CN={names[0].value!s}" if names else name.rfc4514_string()


def _gateway(obj: Obj) -> list[str]:
    status = obj.get("status") or {}
    addresses = ",".join(a["value"] for a in status.get("addresses") or []) or "no address"
    programmed = "programmed" if _condition(status, "Programmed") else "not programmed"
    lines = [f"class {obj['spec']['gatewayClassName']}, {programmed}, {addresses}"]
    for item in obj["spec"].get("listeners", []):
        allowed = (item.get("allowedRoutes") or {}).get("namespaces") or {}
        lines.append(
            f"{item['name']} ({item['protocol']}:{item['port']}) admits {_admitted(allowed)}"
        )
    return lines


def _admitted(allowed: Obj) -> str:
    origin = allowed.get("from", "Same")
    if origin != "Selector":
        return {"Same": "own namespace", "All": "all namespaces"}.get(origin, str(origin))
    selector = allowed.get("selector") or {}
    names = list((selector.get("matchLabels") or {}).values())
    for expression in selector.get("matchExpressions") or []:
        names += expression.get("values", [])
    return "ns " + ",".join(names)


def _route(obj: Obj) -> list[str]:
    spec = obj["spec"]
    hostnames = ",".join(spec.get("hostnames") or []) or "(any host)"
    sections = ",".join(p.get("sectionName", p["name"]) for p in spec.get("parentRefs", []))
    parents = (obj.get("status") or {}).get("parents") or []
    accepted = bool(parents) and all(_condition(p, "Accepted") for p in parents)
    verdict = "accepted" if accepted else "NOT accepted"
    return [f"{hostnames} via {sections}, {verdict}"] + [_rule(r) for r in spec.get("rules", [])]


def _rule(rule: Obj) -> str:
    matches = ",".join(
        f"{m['path']['value']}{' (exact)' if m['path'].get('type') == 'Exact' else ''}"
        for m in rule.get("matches", [])
        if "path" in m
    )
    target = ",".join(f"{b['name']}:{b.get('port', '')}" for b in rule.get("backendRefs", []))
    effects = [_filter(item) for item in rule.get("filters", [])]
    arrow = f" -> {target}" if target else ""
    extra = f" [{', '.join(effects)}]" if effects else ""
    return f"{matches or '/'}{arrow}{extra}"


def _filter(item: Obj) -> str:
    kind = item["type"]
    if kind == "URLRewrite":
        path = item["urlRewrite"].get("path", {})
        if "replacePrefixMatch" in path:
            return f"strip prefix to {path['replacePrefixMatch']}"
        return f"rewrite to {path.get('replaceFullPath', '')}"
    if kind == "RequestRedirect":
        redirect = item["requestRedirect"]
        return f"{redirect.get('statusCode', 302)} to {redirect.get('scheme', '')}"
    if kind == "ResponseHeaderModifier":
        names = [h["name"] for h in item["responseHeaderModifier"].get("set", [])]
        return "set " + ",".join(names)
    return kind


def _service(obj: Obj) -> list[str]:
    spec = obj["spec"]
    ports = ",".join(f"{p['port']}->{p.get('targetPort', p['port'])}" for p in spec["ports"])
    selector = ",".join(f"{k}={v}" for k, v in (spec.get("selector") or {}).items())
    return [f"{spec.get('type', 'ClusterIP')} {ports}, selects {selector}"]


def _secret(obj: Obj) -> list[str]:
    data = obj.get("data") or {}
    if "tls.crt" not in data:
        return [obj.get("type", "Opaque")]
    leaf = x509.load_pem_x509_certificate(base64.b64decode(data["tls.crt"]))
    until = f"{leaf.not_valid_after_utc:%Y-%m-%d}"
    return [f"{obj.get('type')}, {common_name(leaf.subject)}, valid until {until}"]


def _condition(holder: Obj, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in holder.get("conditions") or []
    )


_BY_KIND: dict[str, Callable[[Obj], list[str]]] = {
    "Gateway": _gateway,
    "HTTPRoute": _route,
    "Service": _service,
    "Secret": _secret,
}
