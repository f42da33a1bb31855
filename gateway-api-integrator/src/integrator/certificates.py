"""The TLS library's side of the certificates relation: requests out, offered certificates in.

The library (`charmlibs-interfaces-tls-certificates`, Mode.APP) keeps the private key in a Juju
secret and the CSRs in our app databag; this module turns its view into the plain values the
plan decides from (`integrator.plan.certificates.Issued`).
"""

import logging

import ops
from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    CertificateSigningRequest,
    ProviderCertificate,
    TLSCertificatesError,
    TLSCertificatesRequiresV4,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from integrator.plan.certificates import Issued

logger = logging.getLogger(__name__)

BAD_PROVIDER_DATA = (TLSCertificatesError, ValueError, RecursionError)
"""What the library (1.12.0) raises while parsing a provider's databag it cannot read."""

MAX_COMMON_NAME = 64
"""X.509 caps the subject CN at 64 characters (RFC 5280 ub-common-name); SANs carry the rest."""


class GuardedCertificates(TLSCertificatesRequiresV4):
    """The library's requirer, minus hook failures on a TLS provider's malformed data.

    The library parses the provider's databag in its own event observers, which run before the
    charm's reconcile, and raises on an unreadable certificate, CSR or deeply nested JSON; the
    hook would fail until the provider's data changed. Here that becomes `problem`, which the
    plan shows as Blocked while every tenant keeps being served.
    """

    problem: str | None = None

    def _configure(self, _: ops.EventBase | None = None) -> None:
        try:
            super()._configure(_)
        except BAD_PROVIDER_DATA as error:
            self._note(error)

    def _note(self, error: Exception) -> None:
        self.problem = f"{type(error).__name__}: {str(error)[:120]}"
        logger.error("certificates: unreadable data from the TLS provider: %s", self.problem)

    def offered(self) -> tuple[tuple[Issued, ...], str | None]:
        """Every certificate assigned to us and our private key; nothing when unreadable."""
        try:
            provided, key = self.get_assigned_certificates()
        except BAD_PROVIDER_DATA as error:
            self._note(error)
            return (), None
        if key is None:
            return (), None
        found = (issued(item) for item in provided)
        return tuple(item for item in found if item is not None), str(key)


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


def fingerprint(pem: str) -> str:
    """SHA-256 over the DER form, colon-separated upper-case hex; "" when it does not parse."""
    try:
        digest = x509.load_pem_x509_certificate(pem.encode()).fingerprint(hashes.SHA256())
    except ValueError:
        return ""
    return ":".join(f"{byte:02X}" for byte in digest)


def issued(provided: ProviderCertificate) -> Issued | None:
    """The plain value of one offered certificate; None when it names no hostname of ours."""
    hostname = hostname_of(provided.certificate_signing_request)
    if hostname is None:
        return None
    pem = str(provided.certificate)
    return Issued(
        hostname=hostname,
        certificate=pem,
        ca=str(provided.ca),
        chain=tuple(str(pem) for pem in provided.chain),
        expires=provided.certificate.expiry_time,
        revoked=bool(provided.revoked),
        sans=tuple(sorted(provided.certificate.sans_dns or ())),
        fingerprint=fingerprint(pem),
    )
