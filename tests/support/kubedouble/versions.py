"""The Gateway API releases the charms are validated under, and what each one serves.

One place for the list, so a test that says "under every supported release" cannot fall behind
when a release is added. Each release's folder holds its complete standard channel; what they
differ in is below.
"""

from __future__ import annotations

# Oldest widely deployed, the common middle (BackendTLSPolicy v1, no ListenerSet), newest.
GATEWAY_API_VERSIONS = ("v1.2.1", "v1.4.1", "v1.6.1")
OLDEST = GATEWAY_API_VERSIONS[0]
NEWEST = GATEWAY_API_VERSIONS[-1]

# The standard-channel kinds (gateway.networking.k8s.io/v1) each release added.
_ADDED = {
    "v1.2.1": ("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute"),
    "v1.4.1": ("BackendTLSPolicy",),
    "v1.6.1": ("ListenerSet", "ReferenceGrant", "TLSRoute", "TCPRoute", "UDPRoute"),
}


def serves(version: str, kind: str) -> bool:
    """Whether release `version` serves `kind` at gateway.networking.k8s.io/v1."""
    upto = GATEWAY_API_VERSIONS[: GATEWAY_API_VERSIONS.index(version) + 1]
    return any(kind in _ADDED[v] for v in upto)
