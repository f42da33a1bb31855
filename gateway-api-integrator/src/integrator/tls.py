"""Certificates from the tls-certificates relation: one request per hostname, usable ones only.

The library (`charmlibs-interfaces-tls-certificates`, Mode.APP) keeps the private key in a Juju
secret and the CSRs in our app databag; this module turns its view into what the Gateway needs.
A revoked or expired certificate is never returned, so it is never served.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import ops
from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    CertificateSigningRequest,
    ProviderCertificate,
    TLSCertificatesError,
    TLSCertificatesRequiresV4,
)

logger = logging.getLogger(__name__)

BAD_PROVIDER_DATA = (TLSCertificatesError, ValueError, RecursionError)
"""What the library (1.12.0) raises while parsing a provider's databag it cannot read."""


class GuardedCertificates(TLSCertificatesRequiresV4):
    """The library's requirer, minus hook failures on a TLS provider's malformed data.

    The library parses the provider's databag in its own event observers, which run before the
    charm's reconcile, and raises on an unreadable certificate, CSR or deeply nested JSON; the
    hook would fail until the provider's data changed. Here that becomes `problem`, which the
    reconcile shows as Blocked while every tenant keeps being served.
    """

    problem: str | None = None

    def _configure(self, _: ops.EventBase | None = None) -> None:
        try:
            super()._configure(_)
        except BAD_PROVIDER_DATA as error:
            self.problem = f"{type(error).__name__}: {str(error)[:120]}"
            logger.error("certificates: unreadable data from the TLS provider: %s", self.problem)

    def assigned(self) -> tuple[list[ProviderCertificate], str | None]:
        """Certificates assigned to us and our private key; nothing when the data is unreadable."""
        try:
            provided, key = self.get_assigned_certificates()
        except BAD_PROVIDER_DATA as error:
            self.problem = f"{type(error).__name__}: {str(error)[:120]}"
            logger.error("certificates: unreadable data from the TLS provider: %s", self.problem)
            return [], None
        return list(provided), str(key) if key is not None else None


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
