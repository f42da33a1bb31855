"""Is the certificate served for a hostname the one the TLS provider signed for it?

"Served" means what the data plane would present: the `tls.crt` of the Secret that the
Gateway's HTTPS listener for the hostname references. It is compared, by SHA-256 fingerprint,
with the certificate the provider issued and with what `get-certificate` returned.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from bundlesim.summaries import common_name
from kubedouble import KubeDouble
from tls_provider import TLSProvider


@dataclasses.dataclass(frozen=True)
class CertificateCheck:
    """The served, signed and reported certificates for one hostname, side by side."""

    hostname: str
    secret: str | None  # namespace/name of the Secret the listener references
    subject: str
    issuer: str
    serial: str
    served: str | None  # SHA-256 fingerprints, hex
    signed: str | None
    reported: str | None

    @property
    def matches(self) -> bool:
        """All three are present and the same certificate."""
        return self.served is not None and self.served == self.signed == self.reported


def served_certificate(kube: KubeDouble, hostname: str) -> tuple[str, x509.Certificate] | None:
    """The Secret (namespace/name) and leaf certificate the HTTPS listener for `hostname` uses."""
    for gateway in kube.objects("Gateway"):
        namespace = gateway["metadata"]["namespace"]
        for listener in gateway["spec"].get("listeners", []):
            if listener.get("protocol") != "HTTPS" or listener.get("hostname") != hostname:
                continue
            for ref in (listener.get("tls") or {}).get("certificateRefs", []):
                secret_ns = ref.get("namespace", namespace)
                secret = kube.get("Secret", ref["name"], secret_ns)
                data = (secret or {}).get("data", {})
                if "tls.crt" in data:
                    pem = base64.b64decode(data["tls.crt"])
                    # tls.crt is the leaf followed by the chain; the leaf comes first.
                    return f"{secret_ns}/{ref['name']}", x509.load_pem_x509_certificate(pem)
    return None


def check_certificate(
    kube: KubeDouble,
    provider: TLSProvider | None,
    hostname: str,
    action_results: Mapping[str, Any],
) -> CertificateCheck:
    """Compare what is served for `hostname` with what was signed and what the action said."""
    served = served_certificate(kube, hostname)
    issued = provider.issued(hostname) if provider is not None else None
    signed = _load(issued.certificate) if issued is not None else None
    reported_pem = action_results.get("certificate")
    reported = _load(str(reported_pem)) if reported_pem else None
    shown = served[1] if served else signed or reported
    return CertificateCheck(
        hostname=hostname,
        secret=served[0] if served else None,
        subject=common_name(shown.subject) if shown else "-",
        issuer=common_name(shown.issuer) if shown else "-",
        serial=f"{shown.serial_number:x}" if shown else "-",
        served=_fingerprint(served[1]) if served else None,
        signed=_fingerprint(signed) if signed else None,
        reported=_fingerprint(reported) if reported else None,
    )


def _load(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex(":")
