"""BackendTLSPolicy: how a route says "speak TLS to this backend" in standard Gateway API.

`BackendTLSPolicy` is standard (`gateway.networking.k8s.io/v1`) from Gateway API v1.4; a
cluster with older CRDs cannot express TLS to the backend at all, and the caller must say so.
"""


def backend_tls_policy(*, name: str, namespace: str, service: str, hostname: str) -> dict:
    """TLS to `service`, verified against the system CAs for `hostname` (also sent as SNI)."""
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "BackendTLSPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": service}],
            "validation": {"hostname": hostname, "wellKnownCACertificates": "System"},
        },
    }
