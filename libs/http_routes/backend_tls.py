"""TLS from the gateway to a workload: the CA the gateway trusts, and the policy that says so.

`BackendTLSPolicy` is standard (`gateway.networking.k8s.io/v1`) from Gateway API v1.4. It names
the CA that signed the workload's certificate (`caCertificateRefs`, a ConfigMap with `ca.crt`)
rather than `wellKnownCACertificates: System`: Juju workloads get their certificates from
private CAs that no system store holds, and at least one controller (cilium/cilium#48307)
accepts a System policy and then connects without verifying.
"""

from kube_objects.kinds import API_VERSION

CA_KEY = "ca.crt"
"""The ConfigMap key `caCertificateRefs` reads (Gateway API BackendTLSPolicy spec)."""


def ca_config_map(*, name: str, namespace: str, certificates: list[str]) -> dict:
    """The CA bundle the gateway verifies the workload's certificate against."""
    bundle = "\n".join(pem.strip() for pem in sorted(certificates)) + "\n"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": {CA_KEY: bundle},
    }


def backend_tls_policy(
    *, name: str, namespace: str, service: str, hostname: str, ca_config_map: str
) -> dict:
    """TLS to `service`, verified against the CA in `ca_config_map` for `hostname` (also SNI)."""
    return {
        "apiVersion": API_VERSION,
        "kind": "BackendTLSPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": service}],
            "validation": {
                "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": ca_config_map}],
                "hostname": hostname,
            },
        },
    }
