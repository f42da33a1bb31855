"""Certificates from the tls-certificates relation: one request per hostname, usable ones only.

The library (`charmlibs-interfaces-tls-certificates`, Mode.APP) keeps the private key in a Juju
secret and the CSRs in our app databag; this module turns its view into what the Gateway needs.
A revoked or expired certificate is never returned, so it is never served.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    CertificateSigningRequest,
    ProviderCertificate,
)

MAX_COMMON_NAME = 64
"""X.509 caps the subject CN at 64 characters (RFC 5280 ub-common-name); SANs carry the rest."""


def certificate_request(hostname: str) -> CertificateRequestAttributes:
    """The request for one hostname.

    A hostname too long for a CN goes in the SAN only. The CN is "" rather than None then,
    because the library compares requests with attributes read back from the CSR, which
    reports a missing CN as "" (None would re-request the certificate on every event).
    """
    common_name = hostname if len(hostname) <= MAX_COMMON_NAME else ""
    return CertificateRequestAttributes(common_name=common_name, sans_dns=[hostname])


def hostname_of(csr: CertificateSigningRequest) -> str | None:
    """The hostname a CSR of ours was made for."""
    sans = sorted(csr.sans_dns)
    if len(sans) == 1:
        return sans[0]
    return csr.common_name or None


@dataclass(frozen=True)
class IssuedCertificate:
    """A usable certificate for one hostname (PEM strings; never the key)."""

    hostname: str
    certificate: str
    ca: str
    chain: tuple[str, ...]
    expires: datetime

    @property
    def full_chain(self) -> str:
        """`tls.crt`: the leaf, then the chain without repeating the leaf.

        Providers differ on whether the chain starts with the leaf.
        """
        pems = [self.certificate]
        for pem in self.chain:
            if pem.strip() not in {seen.strip() for seen in pems}:
                pems.append(pem)
        return "\n".join(pem.strip() for pem in pems) + "\n"


def usable_certificates(
    certificates: Iterable[ProviderCertificate], now: datetime
) -> dict[str, IssuedCertificate]:
    """The newest certificate per hostname that is neither revoked nor expired."""
    usable: dict[str, IssuedCertificate] = {}
    for provided in certificates:
        hostname = hostname_of(provided.certificate_signing_request)
        if hostname is None or provided.revoked:
            continue
        expires = provided.certificate.expiry_time
        if expires <= now:
            continue
        current = usable.get(hostname)
        if current is not None and current.expires >= expires:
            continue
        usable[hostname] = IssuedCertificate(
            hostname=hostname,
            certificate=str(provided.certificate),
            ca=str(provided.ca),
            chain=tuple(str(pem) for pem in provided.chain),
            expires=expires,
        )
    return usable
