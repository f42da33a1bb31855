"""Listener conflicts and certificate references, as a controller judges them (pure functions).

References are to the Gateway API spec: Listener distinctness (Gateway `spec.listeners`),
ListenerSet precedence (GEP-1713) and `ListenerConditionReason`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kubedouble import attachment
from kubedouble.attachment import Listener
from kubedouble.conditions import Key

Problem = tuple[str, str]  # (condition reason, message)
RESOLVED: Problem = ("ResolvedRefs", "all references resolved")


def _protocol_class(protocol: str) -> str:
    # HTTPS and TLS listeners share a port by SNI, so they collide on a hostname like two HTTPS
    # listeners do (envoyproxy/gateway#10013).
    return "TLS" if protocol in ("HTTPS", "TLS") else protocol


def _clash(a: Listener, b: Listener) -> Problem | None:
    if a.port != b.port:
        return None
    if _protocol_class(a.protocol) != _protocol_class(b.protocol):
        return (
            "ProtocolConflict",
            f"port {a.port} is used with {a.protocol} and {b.protocol}",
        )
    if (a.hostname or "") == (b.hostname or ""):
        return ("HostnameConflict", f"hostname {a.hostname or '*'} on port {a.port} is used twice")
    return None


def conflicts_within(listeners: list[Listener]) -> dict[str, Problem]:
    """Listeners of one object that clash: all of them are conflicted, none wins."""
    out: dict[str, Problem] = {}
    for i, a in enumerate(listeners):
        for b in listeners[i + 1 :]:
            clash = _clash(a, b)
            if clash is not None:
                out.setdefault(a.name, clash)
                out.setdefault(b.name, clash)
    return out


def conflicts_against(earlier: Iterable[Listener], later: list[Listener]) -> dict[str, Problem]:
    """Listeners of `later` that clash with one that takes precedence: only they lose."""
    earlier = list(earlier)
    out: dict[str, Problem] = {}
    for listener in later:
        clash = next((c for e in earlier if (c := _clash(e, listener)) is not None), None)
        if clash is not None:
            out[listener.name] = clash
    return out


def certificate_refs(
    owner_kind: str,
    listener: Listener,
    *,
    secrets: Mapping[Key, Mapping[str, Any]],
    grants: list[dict[str, Any]],
    secret_problem: Callable[[Key, Mapping[str, str]], str | None],
) -> Problem:
    """The listener's `ResolvedRefs` verdict on its TLS certificateRefs."""
    tls = listener.tls or {}
    if listener.protocol != "HTTPS" or tls.get("mode", "Terminate") != "Terminate":
        return RESOLVED
    refs = tls.get("certificateRefs") or []
    if not refs:
        return ("InvalidCertificateRef", "an HTTPS listener needs a certificateRef")
    for ref in refs:
        problem = _certificate_ref(
            owner_kind,
            listener,
            ref,
            secrets=secrets,
            grants=grants,
            secret_problem=secret_problem,
        )
        if problem is not None:
            return problem
    return RESOLVED


def _certificate_ref(
    owner_kind: str,
    listener: Listener,
    ref: Mapping[str, Any],
    *,
    secrets: Mapping[Key, Mapping[str, Any]],
    grants: list[dict[str, Any]],
    secret_problem: Callable[[Key, Mapping[str, str]], str | None],
) -> Problem | None:
    target = (ref.get("namespace") or listener.namespace, ref.get("name", ""))
    if ref.get("group", "") != "" or ref.get("kind", "Secret") != "Secret":
        return ("InvalidCertificateRef", f"unsupported certificateRef kind {ref.get('kind')}")
    if target[0] != listener.namespace and not attachment.grant_permits(
        grants,
        from_kind=owner_kind,
        from_namespace=listener.namespace,
        to_group="",
        to_kind="Secret",
        to_namespace=target[0],
        to_name=target[1],
    ):
        return ("RefNotPermitted", f"no ReferenceGrant allows Secret {target[0]}/{target[1]}")
    data = (secrets.get(target) or {}).get("data") or {}
    if "tls.crt" not in data or "tls.key" not in data:
        return (
            "InvalidCertificateRef",
            f"Secret {target[0]}/{target[1]} is not a usable TLS Secret",
        )
    problem = secret_problem(target, data)
    if problem is not None:
        return ("InvalidCertificateRef", f"Secret {target[0]}/{target[1]}: {problem}")
    return None
