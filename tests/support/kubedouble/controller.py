"""`GatewayController`: writes the status a Gateway API implementation would write.

It reads GatewayClasses, Gateways, ListenerSets, HTTPRoutes, Services, Secrets, Namespaces
and ReferenceGrants from the double and writes `.status` through the status subresource, so
the charms see exactly what they would read from a cluster with a conformant controller.
It runs only when a test calls `reconcile()`: nothing changes behind a test's back.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubedouble import attachment
from kubedouble.api import now
from kubedouble.attachment import GROUP, Listener

if TYPE_CHECKING:
    from kubedouble.double import KubeDouble

DEFAULT_CONTROLLER_NAME = "kubedouble.example.com/gateway-controller"
Key = tuple[str, str]  # (namespace, name)


@dataclass
class _Parent:
    """A Gateway or ListenerSet routes can attach to, with what the controller learnt of it."""

    kind: str
    obj: dict[str, Any]
    gateway: dict[str, Any]
    controller_name: str
    listeners: list[Listener]
    usable: bool = True  # False: a ListenerSet its Gateway does not allow
    attached: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        meta = self.obj["metadata"]
        return (meta["namespace"], meta["name"])


@dataclass(frozen=True)
class _Verdict:
    accepted: bool
    reason: str
    message: str


class GatewayController:
    """Acts as the Gateway API controller of every GatewayClass in the double."""

    def __init__(self, double: KubeDouble) -> None:
        self._double = double
        self._rejections: dict[Key, tuple[str, str]] = {}

    def reject(self, route_namespace: str, route_name: str, reason: str, message: str) -> None:
        """Refuse this HTTPRoute (Accepted=False, `reason`) at every later reconcile."""
        self._rejections[(route_namespace, route_name)] = (reason, message)

    def forget_rejection(self, route_namespace: str, route_name: str) -> None:
        """Undo `reject` for one route."""
        self._rejections.pop((route_namespace, route_name), None)

    def reconcile(
        self, addresses: Sequence[str] = ("10.0.0.1",), class_accepted: bool = True
    ) -> None:
        """Write status on every GatewayClass, Gateway, ListenerSet and HTTPRoute once."""
        double = self._double
        if not double.serves("Gateway"):
            return
        with double._lock:  # one consistent snapshot, like a controller's informer cache
            self._reconcile(list(addresses), class_accepted)

    # ----- internals ----------------------------------------------------------------------

    def _reconcile(self, addresses: list[str], class_accepted: bool) -> None:
        double = self._double
        classes = {c["metadata"]["name"]: c for c in double.objects("GatewayClass")}
        for gateway_class in classes.values():
            self._write_class(gateway_class, class_accepted)
        labels = {
            ns["metadata"]["name"]: ns["metadata"].get("labels") or {}
            for ns in double.objects("Namespace")
        }
        grants = double.objects("ReferenceGrant")
        secrets = {_key(s): s for s in double.objects("Secret")}
        services = {_key(s) for s in double.objects("Service")}

        gateways: dict[Key, _Parent] = {}
        for gateway in double.objects("Gateway"):
            gateway_class = classes.get(gateway["spec"].get("gatewayClassName", ""))
            if gateway_class is None:
                continue  # no controller owns this class: status stays as the API server left it
            if not class_accepted:
                self._write_pending_gateway(gateway)
                continue
            parent = _Parent(
                "Gateway",
                gateway,
                gateway,
                gateway_class["spec"].get("controllerName", DEFAULT_CONTROLLER_NAME),
                [
                    Listener.from_spec(s, _key(gateway)[0])
                    for s in gateway["spec"].get("listeners") or []
                ],
            )
            gateways[parent.key] = parent
        listener_sets: dict[Key, _Parent] = {}
        if double.serves("ListenerSet"):
            for listener_set in double.objects("ListenerSet"):
                parent = self._listener_set_parent(listener_set, gateways, labels)
                if parent is not None:
                    listener_sets[parent.key] = parent

        for route in double.objects("HTTPRoute"):
            self._write_route(
                route,
                gateways=gateways,
                listener_sets=listener_sets,
                labels=labels,
                grants=grants,
                services=services,
            )
        for parent in listener_sets.values():
            self._write_listener_set(parent, secrets, grants)
        for parent in gateways.values():
            attached_sets = sum(
                1 for ls in listener_sets.values() if ls.usable and _key(ls.gateway) == parent.key
            )
            self._write_gateway(parent, addresses, secrets, grants, attached_sets)

    def _listener_set_parent(
        self,
        listener_set: dict[str, Any],
        gateways: Mapping[Key, _Parent],
        labels: Mapping[str, Mapping[str, str]],
    ) -> _Parent | None:
        namespace, _ = _key(listener_set)
        ref = listener_set["spec"].get("parentRef") or {}
        gateway = gateways.get((ref.get("namespace") or namespace, ref.get("name", "")))
        if gateway is None or ref.get("kind", "Gateway") != "Gateway":
            return None
        allowed = gateway.obj["spec"].get("allowedListeners")
        usable = attachment.namespace_allowed(
            allowed, namespace, gateway.key[0], labels, default="None"
        )
        return _Parent(
            "ListenerSet",
            listener_set,
            gateway.obj,
            gateway.controller_name,
            [
                Listener.from_spec(s, namespace)
                for s in listener_set["spec"].get("listeners") or []
            ],
            usable=usable,
        )

    def _write_route(
        self,
        route: dict[str, Any],
        *,
        gateways: Mapping[Key, _Parent],
        listener_sets: Mapping[Key, _Parent],
        labels: Mapping[str, Mapping[str, str]],
        grants: list[dict[str, Any]],
        services: set[Key],
    ) -> None:
        namespace, _ = _key(route)
        spec = route.get("spec") or {}
        resolved = _resolved_refs(route, grants, services)
        ours = {p.controller_name for p in gateways.values()} | {DEFAULT_CONTROLLER_NAME}
        old_parents = (route.get("status") or {}).get("parents") or []
        parents = [p for p in old_parents if p.get("controllerName") not in ours]
        for ref in spec.get("parentRefs") or []:
            group, kind = ref.get("group", GROUP), ref.get("kind", "Gateway")
            if group != GROUP or kind not in ("Gateway", "ListenerSet"):
                continue  # a parent some other controller implements
            target = (ref.get("namespace") or namespace, ref.get("name", ""))
            if not self._double.serves(kind):
                continue  # no such kind on this cluster: no controller implements it
            parent = (gateways if kind == "Gateway" else listener_sets).get(target)
            if parent is None and self._double.get(kind, target[1], target[0]) is not None:
                continue  # exists, but its class is not ours (or not accepted): not our business
            verdict = self._verdict(route, ref, parent, labels)
            previous = next((p for p in old_parents if p.get("parentRef") == ref), None)
            conditions = [
                _condition(
                    "Accepted",
                    verdict.accepted,
                    verdict.reason,
                    verdict.message,
                    obj=route,
                    previous=previous,
                ),
                _condition(
                    "ResolvedRefs",
                    resolved.accepted,
                    resolved.reason,
                    resolved.message,
                    obj=route,
                    previous=previous,
                ),
            ]
            controller = parent.controller_name if parent else DEFAULT_CONTROLLER_NAME
            parents.append(
                {"parentRef": ref, "controllerName": controller, "conditions": conditions}
            )
        self._write(route, {**(route.get("status") or {}), "parents": parents})

    def _verdict(
        self,
        route: dict[str, Any],
        ref: Mapping[str, Any],
        parent: _Parent | None,
        labels: Mapping[str, Mapping[str, str]],
    ) -> _Verdict:
        namespace, name = _key(route)
        if parent is None:
            return _Verdict(False, "NoMatchingParent", f"parent {ref.get('name')} not found")
        if (namespace, name) in self._rejections:
            reason, message = self._rejections[(namespace, name)]
            return _Verdict(False, reason, message)
        if not parent.usable:
            return _Verdict(
                False, "NotAllowedByListeners", "the ListenerSet is not allowed by its Gateway"
            )
        return _listener_verdict(route, ref, parent, labels)

    def _write_class(self, gateway_class: dict[str, Any], accepted: bool) -> None:
        previous = gateway_class.get("status")
        reason, message = (
            ("Accepted", "GatewayClass is accepted")
            if accepted
            else ("InvalidParameters", "GatewayClass is not accepted by the controller")
        )
        status = {
            **(previous or {}),
            "conditions": [
                _condition(
                    "Accepted", accepted, reason, message, obj=gateway_class, previous=previous
                )
            ],
        }
        self._write(gateway_class, status)

    def _write_pending_gateway(self, gateway: dict[str, Any]) -> None:
        previous = gateway.get("status")
        message = "the GatewayClass is not accepted"
        status = {
            **(previous or {}),
            "conditions": [
                _condition("Accepted", False, "Pending", message, obj=gateway, previous=previous),
                _condition(
                    "Programmed", False, "Pending", message, obj=gateway, previous=previous
                ),
            ],
        }
        self._write(gateway, status)

    def _write_gateway(
        self,
        parent: _Parent,
        addresses: list[str],
        secrets: Mapping[Key, dict[str, Any]],
        grants: list[dict[str, Any]],
        attached_sets: int,
    ) -> None:
        gateway = parent.obj
        previous = gateway.get("status")
        programmed = bool(addresses)
        status: dict[str, Any] = {
            "addresses": [{"type": _address_type(a), "value": a} for a in addresses],
            "conditions": [
                _condition(
                    "Accepted",
                    True,
                    "Accepted",
                    "Gateway is accepted",
                    obj=gateway,
                    previous=previous,
                ),
                _condition(
                    "Programmed",
                    programmed,
                    "Programmed" if programmed else "AddressNotAssigned",
                    "Gateway is programmed" if programmed else "no address assigned",
                    obj=gateway,
                    previous=previous,
                ),
            ],
            "listeners": self._listener_statuses(parent, secrets, grants, previous),
        }
        if not addresses:
            del status["addresses"]
        if self._double.serves("ListenerSet"):
            status["attachedListenerSets"] = attached_sets
        self._write(gateway, status)

    def _write_listener_set(
        self,
        parent: _Parent,
        secrets: Mapping[Key, dict[str, Any]],
        grants: list[dict[str, Any]],
    ) -> None:
        obj, previous = parent.obj, parent.obj.get("status")
        if parent.usable:
            accepted = ("Accepted", "ListenerSet is accepted")
        else:
            accepted = (
                "NotAllowed",
                "the Gateway's allowedListeners does not admit this namespace",
            )
        status: dict[str, Any] = {
            "conditions": [
                _condition("Accepted", parent.usable, *accepted, obj=obj, previous=previous),
                _condition(
                    "Programmed",
                    parent.usable,
                    "Programmed" if parent.usable else "NotAllowed",
                    accepted[1],
                    obj=obj,
                    previous=previous,
                ),
            ],
        }
        if parent.usable:
            status["listeners"] = self._listener_statuses(parent, secrets, grants, previous)
        self._write(obj, status)

    def _listener_statuses(
        self,
        parent: _Parent,
        secrets: Mapping[Key, dict[str, Any]],
        grants: list[dict[str, Any]],
        previous: Mapping[str, Any] | None,
    ) -> list[dict[str, Any]]:
        old = {li.get("name"): li for li in (previous or {}).get("listeners") or []}
        conflicts = _conflicts(parent.listeners)
        out = []
        for listener in parent.listeners:
            before = old.get(listener.name)
            refs_ok, refs_reason, refs_message = _certificate_refs(
                parent, listener, secrets, grants
            )
            conflict = conflicts.get(listener.name)
            programmed = refs_ok and conflict is None
            conditions = [
                _condition(
                    "Accepted",
                    True,
                    "Accepted",
                    "Listener is accepted",
                    obj=parent.obj,
                    previous=before,
                ),
                _condition(
                    "Programmed",
                    programmed,
                    "Programmed" if programmed else "Invalid",
                    "Listener is programmed" if programmed else (conflict or refs_message),
                    obj=parent.obj,
                    previous=before,
                ),
                _condition(
                    "ResolvedRefs",
                    refs_ok,
                    refs_reason,
                    refs_message,
                    obj=parent.obj,
                    previous=before,
                ),
                _condition(
                    "Conflicted",
                    conflict is not None,
                    conflict.split(":")[0] if conflict else "NoConflicts",
                    conflict or "No conflicts",
                    obj=parent.obj,
                    previous=before,
                ),
            ]
            out.append(
                {
                    "name": listener.name,
                    "supportedKinds": attachment.route_kinds(listener),
                    "attachedRoutes": parent.attached.get(listener.name, 0),
                    "conditions": conditions,
                }
            )
        return out

    def _write(self, obj: dict[str, Any], status: dict[str, Any]) -> None:
        if status == obj.get("status"):
            return
        meta = obj["metadata"]
        self._double.write_status(obj["kind"], meta["name"], meta.get("namespace"), status)


def _listener_verdict(
    route: dict[str, Any],
    ref: Mapping[str, Any],
    parent: _Parent,
    labels: Mapping[str, Mapping[str, str]],
) -> _Verdict:
    """Narrow the parent's listeners as the spec orders it; attach the route to what is left."""
    namespace, _ = _key(route)
    listeners = [
        li
        for li in parent.listeners
        if ref.get("sectionName", li.name) == li.name and ref.get("port", li.port) == li.port
    ]
    if not listeners:
        wanted = ", ".join(f"{k} {ref[k]!r}" for k in ("sectionName", "port") if k in ref)
        return _Verdict(False, "NoMatchingParent", f"no listener with {wanted}")
    listeners = [
        li
        for li in listeners
        if attachment.kind_allowed(li)
        and attachment.namespace_allowed(li.allowed_routes, namespace, li.namespace, labels)
    ]
    if not listeners:
        return _Verdict(
            False,
            "NotAllowedByListeners",
            f"no listener of {parent.kind} {parent.key[1]} allows HTTPRoutes from "
            f"namespace {namespace}",
        )
    hostnames = (route.get("spec") or {}).get("hostnames") or []
    listeners = [li for li in listeners if attachment.hostnames_intersect(li.hostname, hostnames)]
    if not listeners:
        return _Verdict(
            False,
            "NoMatchingListenerHostname",
            f"no listener hostname matches {', '.join(hostnames)}",
        )
    for listener in listeners:
        parent.attached[listener.name] = parent.attached.get(listener.name, 0) + 1
    return _Verdict(True, "Accepted", "Route is accepted")


def _resolved_refs(
    route: dict[str, Any], grants: list[dict[str, Any]], services: set[Key]
) -> _Verdict:
    namespace, _ = _key(route)
    for rule in (route.get("spec") or {}).get("rules") or []:
        for ref in rule.get("backendRefs") or []:
            group, kind = ref.get("group", ""), ref.get("kind", "Service")
            target_ns, target = ref.get("namespace") or namespace, ref.get("name", "")
            if group != "" or kind != "Service":
                return _Verdict(
                    False, "InvalidKind", f"backend kind {group}/{kind} is not supported"
                )
            if target_ns != namespace and not attachment.grant_permits(
                grants,
                from_kind="HTTPRoute",
                from_namespace=namespace,
                to_group="",
                to_kind="Service",
                to_namespace=target_ns,
                to_name=target,
            ):
                return _Verdict(
                    False,
                    "RefNotPermitted",
                    f"no ReferenceGrant in {target_ns} allows a reference to Service {target}",
                )
            if (target_ns, target) not in services:
                return _Verdict(
                    False, "BackendNotFound", f"Service {target_ns}/{target} not found"
                )
    return _Verdict(True, "ResolvedRefs", "all references resolved")


def _certificate_refs(
    parent: _Parent,
    listener: Listener,
    secrets: Mapping[Key, dict[str, Any]],
    grants: list[dict[str, Any]],
) -> tuple[bool, str, str]:
    if listener.protocol != "HTTPS":
        return True, "ResolvedRefs", "all references resolved"
    tls = listener.tls or {}
    if tls.get("mode", "Terminate") != "Terminate":
        return True, "ResolvedRefs", "all references resolved"
    refs = tls.get("certificateRefs") or []
    if not refs:
        return False, "InvalidCertificateRef", "an HTTPS listener needs a certificateRef"
    for ref in refs:
        problem = _certificate_ref_problem(parent, listener, ref, secrets, grants)
        if problem is not None:
            return False, *problem
    return True, "ResolvedRefs", "all references resolved"


def _certificate_ref_problem(
    parent: _Parent,
    listener: Listener,
    ref: Mapping[str, Any],
    secrets: Mapping[Key, dict[str, Any]],
    grants: list[dict[str, Any]],
) -> tuple[str, str] | None:
    target_ns, name = ref.get("namespace") or listener.namespace, ref.get("name", "")
    if ref.get("group", "") != "" or ref.get("kind", "Secret") != "Secret":
        return "InvalidCertificateRef", f"unsupported certificateRef kind {ref.get('kind')}"
    if target_ns != listener.namespace and not attachment.grant_permits(
        grants,
        from_kind=parent.kind,
        from_namespace=listener.namespace,
        to_group="",
        to_kind="Secret",
        to_namespace=target_ns,
        to_name=name,
    ):
        return "RefNotPermitted", f"no ReferenceGrant allows Secret {target_ns}/{name}"
    data = (secrets.get((target_ns, name)) or {}).get("data") or {}
    if "tls.crt" not in data or "tls.key" not in data:
        return "InvalidCertificateRef", f"Secret {target_ns}/{name} is not a usable TLS Secret"
    return None


def _conflicts(listeners: list[Listener]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, a in enumerate(listeners):
        for b in listeners[i + 1 :]:
            if a.port != b.port:
                continue
            if a.protocol != b.protocol:
                reason = (
                    f"ProtocolConflict: port {a.port} is used with {a.protocol} and {b.protocol}"
                )
            elif (a.hostname or "") == (b.hostname or ""):
                hostname = a.hostname or "*"
                reason = f"HostnameConflict: hostname {hostname} on port {a.port} is used twice"
            else:
                continue
            out.setdefault(a.name, reason)
            out.setdefault(b.name, reason)
    return out


def _condition(
    kind: str,
    ok: bool,
    reason: str,
    message: str,
    *,
    obj: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
) -> dict[str, Any]:
    value = "True" if ok else "False"
    old = next(
        (c for c in (previous or {}).get("conditions") or [] if c.get("type") == kind), None
    )
    # lastTransitionTime moves only when the status flips, so a repeated reconcile is a no-op.
    since = old["lastTransitionTime"] if old and old.get("status") == value else now()
    return {
        "type": kind,
        "status": value,
        "reason": reason,
        "message": message,
        "observedGeneration": obj["metadata"].get("generation", 1),
        "lastTransitionTime": since,
    }


def _address_type(address: str) -> str:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return "Hostname"
    return "IPAddress"


def _key(obj: Mapping[str, Any]) -> Key:
    meta = obj["metadata"]
    return (meta.get("namespace") or "", meta["name"])
