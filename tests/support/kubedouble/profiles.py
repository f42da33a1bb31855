"""Controller profiles: which real Gateway API implementation the double's controller plays.

Real controllers differ in what they implement and in what status they write, and the charms
must read that status instead of assuming it. Each profile stands for documented behaviour of
real implementations; docs/reference/controller-profiles.md names them, with references.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Feature names from upstream gateway-api `pkg/features`, as GatewayClass
# `status.supportedFeatures` lists them.
LISTENER_SET = "ListenerSet"
BACKEND_TLS_POLICY = "BackendTLSPolicy"
CORE_FEATURES = frozenset({"Gateway", "HTTPRoute", "ReferenceGrant"})
# The kind each extended feature needs served before a controller can offer it.
FEATURE_KINDS = {LISTENER_SET: "ListenerSet", BACKEND_TLS_POLICY: "BackendTLSPolicy"}

CertificateCheck = Literal["present", "parsed"]


@dataclass(frozen=True)
class ControllerProfile:
    """What one kind of controller implements and how it reports it."""

    name: str
    stands_for: str
    extended: frozenset[str] = frozenset({LISTENER_SET, BACKEND_TLS_POLICY})
    programs_gateways: bool = True
    """False: Gateways stay `Programmed: False` (`NoResources`) although they have an address."""
    certificates: CertificateCheck = "present"
    """`parsed`: tls.crt/tls.key must parse and the certificate be within its validity period."""
    merged_gateways: bool = False
    """True: every Gateway of a class shares one data plane, so their listeners can conflict."""

    @property
    def listener_sets(self) -> bool:
        """Whether ListenerSets are reconciled (and routes attach through them)."""
        return LISTENER_SET in self.extended

    @property
    def backend_tls(self) -> bool:
        """Whether BackendTLSPolicies get ancestor status (and are applied)."""
        return BACKEND_TLS_POLICY in self.extended


CONFORMANT = ControllerProfile(
    "conformant",
    "an implementation of the standard channel with ListenerSet and BackendTLSPolicy "
    "(Envoy Gateway, Cilium >= 1.20)",
)
PROFILES: dict[str, ControllerProfile] = {
    profile.name: profile
    for profile in (
        CONFORMANT,
        ControllerProfile(
            "core-only",
            "CRDs installed, ListenerSet and BackendTLSPolicy not implemented "
            "(Cilium < 1.20, OpenShift 4.22)",
            extended=frozenset(),
        ),
        ControllerProfile(
            "never-programmed",
            "Gateway accepted with an address but its data plane never ready "
            "(Envoy Gateway without available proxy replicas)",
            programs_gateways=False,
        ),
        ControllerProfile(
            "strict-certificates",
            "listener certificates parsed and their validity period checked (Envoy Gateway)",
            certificates="parsed",
        ),
        ControllerProfile(
            "merged-gateways",
            "every Gateway of a class on one data plane, colliding hostnames conflicted "
            "(Envoy Gateway with mergeGateways)",
            merged_gateways=True,
        ),
    )
}
DEFAULT_PROFILE = CONFORMANT.name


def profile_named(name: str | ControllerProfile) -> ControllerProfile:
    """The profile called `name` (a profile passes through); ValueError lists the known ones."""
    if isinstance(name, ControllerProfile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown controller profile {name!r}; known: {known}") from None
