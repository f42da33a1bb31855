"""`GatewayController`: writes the status a Gateway API implementation would write.

It reads GatewayClasses, Gateways, ListenerSets, HTTPRoutes, BackendTLSPolicies, Services,
Secrets, ConfigMaps, Namespaces and ReferenceGrants through a `Cluster` (the double's store, or
any API server over lightkube) and writes `.status` through the status subresource. What it
implements and reports follows its profile (`kubedouble.profiles`): real controllers differ,
and the charms must read what the controller says. It runs only when a test calls
`reconcile()`: nothing changes behind a test's back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubedouble import attachment, backend_tls, listeners, tls_secrets
from kubedouble.attachment import GROUP, Listener
from kubedouble.clusters import Cluster
from kubedouble.conditions import Key, address_type, age, condition, key, pending
from kubedouble.profiles import (
    CORE_FEATURES,
    DEFAULT_PROFILE,
    FEATURE_KINDS,
    ControllerProfile,
    profile_named,
)

DEFAULT_CONTROLLER_NAME = "kubedouble.example.com/gateway-controller"


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
    conflicts: dict[str, listeners.Problem] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return key(self.obj)


@dataclass(frozen=True)
class _Verdict:
    accepted: bool
    reason: str
    message: str


class GatewayController:
    """Acts as the Gateway API controller of every GatewayClass it can see."""

    def __init__(
        self, cluster: Cluster, profile: str | ControllerProfile = DEFAULT_PROFILE
    ) -> None:
        self.cluster = cluster
        self._profile = profile_named(profile)
        self._rejections: dict[Key, tuple[str, str]] = {}
        self._bad_certificates: dict[Key, str] = {}

    @property
    def profile(self) -> ControllerProfile:
        """The implementation this controller plays; set a name or a ControllerProfile."""
        return self._profile

    @profile.setter
    def profile(self, value: str | ControllerProfile) -> None:
        self._profile = profile_named(value)

    def reject(self, route_namespace: str, route_name: str, reason: str, message: str) -> None:
        """Refuse this HTTPRoute (Accepted=False, `reason`) at every later reconcile."""
        self._rejections[(route_namespace, route_name)] = (reason, message)

    def forget_rejection(self, route_namespace: str, route_name: str) -> None:
        """Undo `reject` for one route."""
        self._rejections.pop((route_namespace, route_name), None)

    def reject_certificate(
        self, namespace: str, name: str, message: str = "the certificate is not usable"
    ) -> None:
        """Treat this TLS Secret as unusable (`InvalidCertificateRef`), in any profile."""
        self._bad_certificates[(namespace, name)] = message

    def forget_certificate_rejection(self, namespace: str, name: str) -> None:
        """Undo `reject_certificate` for one Secret."""
        self._bad_certificates.pop((namespace, name), None)

    def reconcile(
        self, addresses: Sequence[str] = ("10.0.0.1",), class_accepted: bool = True
    ) -> None:
        """Write status on every object this controller is responsible for, once."""
        with self.cluster.snapshot():
            if self.cluster.serves("Gateway"):
                _Pass(self, list(addresses), class_accepted).run()

    def secret_problem(self, secret: Key, data: Mapping[str, str]) -> str | None:
        """Why this controller would not serve the Secret's certificate (None: it would)."""
        if secret in self._bad_certificates:
            return self._bad_certificates[secret]
        if self._profile.certificates == "parsed":
            return tls_secrets.problem(data)
        return None

    def rejection(self, route: Key) -> tuple[str, str] | None:
        """The (reason, message) a test forced on this route, if any."""
        return self._rejections.get(route)


class _Pass:
    """One reconcile over one snapshot of the cluster."""

    def __init__(self, owner: GatewayController, addresses: list[str], accepted: bool) -> None:
        self.owner = owner
        self.cluster = owner.cluster
        self.profile = owner.profile
        self.addresses = addresses
        self.class_accepted = accepted
        self.listener_sets_on = self.profile.listener_sets and self.cluster.serves("ListenerSet")
        self.backend_tls_on = self.profile.backend_tls and self.cluster.serves("BackendTLSPolicy")
        self.labels = {
            ns["metadata"]["name"]: ns["metadata"].get("labels") or {}
            for ns in self.cluster.objects("Namespace")
        }
        self.grants = self.cluster.objects("ReferenceGrant")
        self.secrets = {key(s): s for s in self.cluster.objects("Secret")}
        self.services = {key(s) for s in self.cluster.objects("Service")}
        self.gateways: dict[Key, _Parent] = {}
        self.listener_sets: dict[Key, _Parent] = {}
        self.existing: dict[str, set[Key]] = {"Gateway": set(), "ListenerSet": set()}
        # (route's Service namespace, Service name) -> Gateways its accepted routes attach to.
        self.backends: dict[Key, set[backend_tls.Ancestor]] = {}

    @property
    def programmed(self) -> bool:
        return bool(self.addresses) and self.profile.programs_gateways

    def run(self) -> None:
        classes = {c["metadata"]["name"]: c for c in self.cluster.objects("GatewayClass")}
        for gateway_class in classes.values():
            self._write_class(gateway_class)
        for gateway in self.cluster.objects("Gateway"):
            self.existing["Gateway"].add(key(gateway))
            gateway_class = classes.get(gateway["spec"].get("gatewayClassName", ""))
            if gateway_class is None:
                continue  # no controller owns this class: status stays as the API server left it
            if not self.class_accepted:
                # A refused class's Gateways look as if no controller had seen them.
                self._write(gateway, {"conditions": [pending("Accepted"), pending("Programmed")]})
                continue
            parent = _Parent(
                "Gateway",
                gateway,
                gateway,
                gateway_class["spec"].get("controllerName", DEFAULT_CONTROLLER_NAME),
                [Listener.from_spec(s, key(gateway)[0]) for s in _listeners(gateway)],
            )
            self.gateways[parent.key] = parent
        if self.listener_sets_on:
            for listener_set in self.cluster.objects("ListenerSet"):
                self.existing["ListenerSet"].add(key(listener_set))
                parent = self._listener_set_parent(listener_set)
                if parent is not None:
                    self.listener_sets[parent.key] = parent
        self._find_conflicts()
        for route in self.cluster.objects("HTTPRoute"):
            self._write_route(route)
        for parent in self.listener_sets.values():
            self._write_listener_set(parent)
        for parent in self.gateways.values():
            self._write_gateway(parent)
        if self.backend_tls_on:
            self._write_policies()

    # ----- parents and conflicts ----------------------------------------------------------

    def _listener_set_parent(self, listener_set: dict[str, Any]) -> _Parent | None:
        namespace, _ = key(listener_set)
        ref = listener_set["spec"].get("parentRef") or {}
        gateway = self.gateways.get((ref.get("namespace") or namespace, ref.get("name", "")))
        if gateway is None or ref.get("kind", "Gateway") != "Gateway":
            return None
        allowed = gateway.obj["spec"].get("allowedListeners")
        usable = attachment.namespace_allowed(
            allowed, namespace, gateway.key[0], self.labels, default="None"
        )
        return _Parent(
            "ListenerSet",
            listener_set,
            gateway.obj,
            gateway.controller_name,
            [Listener.from_spec(s, namespace) for s in _listeners(listener_set)],
            usable=usable,
        )

    def _find_conflicts(self) -> None:
        """Mark clashing listeners: within an object all of them, across objects the later."""
        for parent in [*self.gateways.values(), *self.listener_sets.values()]:
            parent.conflicts = listeners.conflicts_within(parent.listeners)
        # Each Gateway's listeners come first, then its ListenerSets oldest first (GEP-1713);
        # with merged Gateways, the Gateways of one class line up the same way, oldest first.
        groups: dict[str | Key, list[_Parent]] = {}
        for gateway in sorted(self.gateways.values(), key=lambda p: age(p.obj)):
            merged = self.profile.merged_gateways
            group = gateway.obj["spec"]["gatewayClassName"] if merged else gateway.key
            groups.setdefault(group, []).append(gateway)
        for gateways in groups.values():
            taken: list[Listener] = []
            for gateway in gateways:
                sets = sorted(
                    (
                        s
                        for s in self.listener_sets.values()
                        if s.usable and key(s.gateway) == gateway.key
                    ),
                    key=lambda p: age(p.obj),
                )
                for parent in (gateway, *sets):
                    lost = listeners.conflicts_against(taken, parent.listeners)
                    for name, problem in lost.items():
                        parent.conflicts.setdefault(name, problem)
                    taken += [li for li in parent.listeners if li.name not in parent.conflicts]

    # ----- routes -------------------------------------------------------------------------

    def _write_route(self, route: dict[str, Any]) -> None:
        namespace, _ = key(route)
        spec = route.get("spec") or {}
        resolved = _resolved_refs(route, self.grants, self.services)
        ours = {p.controller_name for p in self.gateways.values()} | {DEFAULT_CONTROLLER_NAME}
        old_parents = (route.get("status") or {}).get("parents") or []
        parents = [p for p in old_parents if p.get("controllerName") not in ours]
        for ref in spec.get("parentRefs") or []:
            group, kind = ref.get("group", GROUP), ref.get("kind", "Gateway")
            if group != GROUP or kind not in ("Gateway", "ListenerSet"):
                continue  # a parent some other controller implements
            if kind == "ListenerSet" and not self.listener_sets_on:
                continue  # not implemented here: no status, as if no controller saw it
            target = (ref.get("namespace") or namespace, ref.get("name", ""))
            parent = (self.gateways if kind == "Gateway" else self.listener_sets).get(target)
            if parent is None and target in self.existing[kind]:
                continue  # exists, but its class is not ours (or not accepted): not our business
            verdict = self._verdict(route, ref, parent)
            previous = next((p for p in old_parents if p.get("parentRef") == ref), None)
            conditions = [
                condition(
                    "Accepted",
                    verdict.accepted,
                    verdict.reason,
                    verdict.message,
                    obj=route,
                    previous=previous,
                ),
                condition(
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
            if parent is not None and verdict.accepted:
                self._note_backends(route, parent)
        if parents != old_parents:  # a route none of whose parents is ours gets no status
            self._write(route, {**(route.get("status") or {}), "parents": parents})

    def _verdict(
        self, route: dict[str, Any], ref: Mapping[str, Any], parent: _Parent | None
    ) -> _Verdict:
        if parent is None:
            return _Verdict(False, "NoMatchingParent", f"parent {ref.get('name')} not found")
        rejection = self.owner.rejection(key(route))
        if rejection is not None:
            return _Verdict(False, *rejection)
        if not parent.usable:
            return _Verdict(
                False, "NotAllowedByListeners", "the ListenerSet is not allowed by its Gateway"
            )
        return _listener_verdict(route, ref, parent, self.labels)

    def _note_backends(self, route: dict[str, Any], parent: _Parent) -> None:
        namespace, _ = key(route)
        ancestor = backend_tls.Ancestor(key(parent.gateway), parent.controller_name)
        for rule in (route.get("spec") or {}).get("rules") or []:
            for ref in rule.get("backendRefs") or []:
                if ref.get("group", "") == "" and ref.get("kind", "Service") == "Service":
                    service = (ref.get("namespace") or namespace, ref.get("name", ""))
                    if service in self.services:
                        self.backends.setdefault(service, set()).add(ancestor)

    # ----- GatewayClass, Gateway, ListenerSet ---------------------------------------------

    def _write_class(self, gateway_class: dict[str, Any]) -> None:
        previous = gateway_class.get("status")
        reason, message = (
            ("Accepted", "GatewayClass is accepted")
            if self.class_accepted
            else ("InvalidParameters", "GatewayClass is not accepted by the controller")
        )
        status: dict[str, Any] = {
            **(previous or {}),
            "conditions": [
                condition(
                    "Accepted",
                    self.class_accepted,
                    reason,
                    message,
                    obj=gateway_class,
                    previous=previous,
                )
            ],
        }
        if self.cluster.has_status_field("GatewayClass", "supportedFeatures"):
            status["supportedFeatures"] = [{"name": name} for name in self._features()]
        self._write(gateway_class, status)

    def _features(self) -> list[str]:
        """Core features, plus each extended one implemented whose kind is served (sorted)."""
        extended = {
            feature
            for feature in self.profile.extended
            if self.cluster.serves(FEATURE_KINDS[feature])
        }
        return sorted(CORE_FEATURES | extended)

    def _write_gateway(self, parent: _Parent) -> None:
        gateway = parent.obj
        previous = gateway.get("status")
        status: dict[str, Any] = {
            "addresses": [{"type": address_type(a), "value": a} for a in self.addresses],
            "conditions": [
                condition(
                    "Accepted",
                    True,
                    *self._gateway_accepted(gateway),
                    obj=gateway,
                    previous=previous,
                ),
                condition(
                    "Programmed",
                    self.programmed,
                    *self._gateway_programmed(),
                    obj=gateway,
                    previous=previous,
                ),
            ],
            "listeners": self._listener_statuses(parent, previous),
        }
        if not self.addresses:
            del status["addresses"]
        if self.listener_sets_on:
            status["attachedListenerSets"] = sum(
                1
                for s in self.listener_sets.values()
                if s.usable
                and key(s.gateway) == parent.key
                and any(li.name not in s.conflicts for li in s.listeners)
            )
        self._write(gateway, status)

    def _gateway_accepted(self, gateway: Mapping[str, Any]) -> tuple[str, str]:
        allowed = ((gateway["spec"].get("allowedListeners") or {}).get("namespaces") or {}).get(
            "from", "None"
        )
        if not self.profile.listener_sets and allowed != "None":
            # Still Accepted, as NGF answered before it implemented ListenerSet
            # (nginx/nginx-gateway-fabric#4036): the field is ignored, not an error.
            return ("UnsupportedField", "accepted; allowedListeners ignored: no ListenerSet here")
        return ("Accepted", "Gateway is accepted")

    def _gateway_programmed(self) -> tuple[str, str]:
        if not self.addresses:
            return ("AddressNotAssigned", "no address assigned")
        if not self.profile.programs_gateways:
            # Envoy Gateway with no available proxy replica (internal/status/conditions.go).
            return ("NoResources", "no data-plane replica is available")
        return ("Programmed", "Gateway is programmed")

    def _write_listener_set(self, parent: _Parent) -> None:
        obj, previous = parent.obj, parent.obj.get("status")
        if not parent.usable:
            message = "the Gateway's allowedListeners does not admit this namespace"
            accepted = programmed = (False, "NotAllowed", message)
            entries = None
        else:
            entries = self._listener_statuses(parent, previous)
            valid = any(li.name not in parent.conflicts for li in parent.listeners)
            working = any(_is_true(e, "Programmed") for e in entries)
            if not valid:
                accepted = programmed = (False, "ListenersNotValid", "no listener is accepted")
            elif not self.programmed:
                accepted = (True, "Accepted", "ListenerSet is accepted")
                programmed = (False, "ParentNotProgrammed", "the Gateway is not programmed")
            elif not working:
                accepted = (True, "Accepted", "ListenerSet is accepted")
                programmed = (False, "ListenersNotValid", "no listener is programmed")
            else:
                accepted = (True, "Accepted", "ListenerSet is accepted")
                programmed = (True, "Programmed", "ListenerSet is programmed")
        status: dict[str, Any] = {
            "conditions": [
                condition("Accepted", *accepted, obj=obj, previous=previous),
                condition("Programmed", *programmed, obj=obj, previous=previous),
            ],
        }
        if entries is not None:
            status["listeners"] = entries
        self._write(obj, status)

    def _listener_statuses(
        self, parent: _Parent, previous: Mapping[str, Any] | None
    ) -> list[dict[str, Any]]:
        old = {li.get("name"): li for li in (previous or {}).get("listeners") or []}
        out = []
        for listener in parent.listeners:
            before = old.get(listener.name)
            refs = listeners.certificate_refs(
                parent.kind,
                listener,
                secrets=self.secrets,
                grants=self.grants,
                secret_problem=self.owner.secret_problem,
            )
            refs_ok = refs == listeners.RESOLVED
            conflict = parent.conflicts.get(listener.name)
            programmed = refs_ok and conflict is None
            # A ListenerSet listener that loses a conflict is not accepted at all (the
            # conformance tests of v1.5, envoyproxy/gateway#9192); a Gateway's stays accepted.
            lost = conflict is not None and parent.kind == "ListenerSet"
            accepted = conflict if lost and conflict else ("Accepted", "Listener is accepted")
            if programmed:
                programmed_as = ("Programmed", "Listener is programmed")
            elif lost and conflict:
                programmed_as = conflict
            else:
                programmed_as = ("Invalid", (conflict or refs)[1])
            conditions = [
                condition("Accepted", not lost, *accepted, obj=parent.obj, previous=before),
                condition(
                    "Programmed", programmed, *programmed_as, obj=parent.obj, previous=before
                ),
                condition("ResolvedRefs", refs_ok, *refs, obj=parent.obj, previous=before),
                condition(
                    "Conflicted",
                    conflict is not None,
                    *(conflict or ("NoConflicts", "No conflicts")),
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

    # ----- BackendTLSPolicy ---------------------------------------------------------------

    def _write_policies(self) -> None:
        config_maps = {key(c): c for c in self.cluster.objects("ConfigMap")}
        ours = {p.controller_name for p in self.gateways.values()} | {DEFAULT_CONTROLLER_NAME}
        for policy, status in backend_tls.statuses(
            self.cluster.objects("BackendTLSPolicy"),
            ancestors=self.backends,
            config_maps=config_maps,
            ours=ours,
        ):
            self._write(policy, status)

    def _write(self, obj: dict[str, Any], status: dict[str, Any]) -> None:
        if status != obj.get("status"):
            self.cluster.write_status(obj, status)


def _listeners(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return (obj.get("spec") or {}).get("listeners") or []


def _is_true(status: Mapping[str, Any], kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in status.get("conditions") or []
    )


def _listener_verdict(
    route: dict[str, Any],
    ref: Mapping[str, Any],
    parent: _Parent,
    labels: Mapping[str, Mapping[str, str]],
) -> _Verdict:
    """Narrow the parent's listeners as the spec orders it; attach the route to what is left."""
    namespace, _ = key(route)
    candidates = [
        li
        for li in parent.listeners
        if ref.get("sectionName", li.name) == li.name and ref.get("port", li.port) == li.port
    ]
    if not candidates:
        wanted = ", ".join(f"{k} {ref[k]!r}" for k in ("sectionName", "port") if k in ref)
        return _Verdict(False, "NoMatchingParent", f"no listener with {wanted}")
    candidates = [
        li
        for li in candidates
        if attachment.kind_allowed(li)
        and attachment.namespace_allowed(li.allowed_routes, namespace, li.namespace, labels)
    ]
    if not candidates:
        return _Verdict(
            False,
            "NotAllowedByListeners",
            f"no listener of {parent.kind} {parent.key[1]} allows HTTPRoutes from "
            f"namespace {namespace}",
        )
    hostnames = (route.get("spec") or {}).get("hostnames") or []
    candidates = [
        li for li in candidates if attachment.hostnames_intersect(li.hostname, hostnames)
    ]
    if not candidates:
        return _Verdict(
            False,
            "NoMatchingListenerHostname",
            f"no listener hostname matches {', '.join(hostnames)}",
        )
    for listener in candidates:
        parent.attached[listener.name] = parent.attached.get(listener.name, 0) + 1
    return _Verdict(True, "Accepted", "Route is accepted")


def _resolved_refs(
    route: dict[str, Any], grants: list[dict[str, Any]], services: set[Key]
) -> _Verdict:
    namespace, _ = key(route)
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
