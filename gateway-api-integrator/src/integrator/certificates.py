"""The TLS library's side of the certificates relation: requests out, offered certificates in.

The library (`charmlibs-interfaces-tls-certificates`, Mode.APP) keeps the private key in a Juju
secret and the CSRs in our app databag; this module turns its view into the plain values the
plan decides from (`integrator.plan.certificates.Issued`).
"""

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

import ops
from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    CertificateSigningRequest,
    Mode,
    PrivateKey,
    ProviderCertificate,
    TLSCertificatesError,
    TLSCertificatesRequiresV4,
)

from integrator.plan.certificates import Issued, fingerprint

logger = logging.getLogger(__name__)

BAD_PROVIDER_DATA = (TLSCertificatesError, ValueError, RecursionError)
"""What the library (1.12.0) raises while parsing a provider's databag it cannot read."""

RENEWAL_RECHECK = timedelta(hours=1)
"""While a certificate waits in the library's renewal window, how often its refresh runs again."""

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
    configured: bool = False
    """Whether the library's refresh ran in this hook (a charm object lives for one hook)."""

    def _configure(self, _: ops.EventBase | None = None) -> None:
        self.configured = True
        try:
            super()._configure(_)
        except BAD_PROVIDER_DATA as error:
            self._note(error)

    def regenerate_private_key(self, mode: Mode | None = None) -> None:
        """Resolve the requests first: the library re-sends CSRs for those its refresh resolved.

        The charm runs that refresh only when something changed, maybe not in this hook.
        """
        self._resolve_certificate_requests()
        super().regenerate_private_key(mode)

    def assigned(self) -> tuple[list[ProviderCertificate], PrivateKey | None]:
        """`get_assigned_certificates` (APP mode) in one pass over each databag.

        The library re-reads every provider certificate for each of our CSRs (N² parses); the
        match is the same: same CSR, same CA-ness, a certificate for our key, the first wins.
        """
        key = self.private_key
        if key is None:
            return [], None
        by_csr: dict[CertificateSigningRequest, list[ProviderCertificate]] = {}
        for provided in self.get_provider_certificates():
            by_csr.setdefault(provided.certificate_signing_request, []).append(provided)
        found = []
        for request in self.get_csrs_from_requirer_relation_data():
            for provided in by_csr.get(request.certificate_signing_request, ()):
                certificate = provided.certificate
                if certificate.is_ca == request.is_ca and certificate.matches_private_key(key):
                    found.append(provided)
                    break
        return found, key

    def next_renewal_check(self, now: datetime) -> datetime | None:
        """When the library's renewal safety net next has something to do; None: never.

        The net is `_renew_expiring_certificates`, run by the library's refresh. Its threshold
        is min(0.99, renewal_relative_time + 0.05) of each validity period; a certificate
        already past it (renewal asked, not yet answered) is looked at again in
        RENEWAL_RECHECK, as the library did on every update-status. Unreadable provider data:
        now (`problem` says why).
        """
        threshold = min(0.99, self.renewal_relative_time + 0.05)
        try:
            assigned, _ = self.assigned()
        except BAD_PROVIDER_DATA as error:
            self._note(error)
            return now
        checks = []
        for provided in assigned:
            start, end = provided.certificate.validity_start_time, provided.certificate.expiry_time
            due = start + (end - start) * threshold
            if due > now:
                checks.append(due)
            elif now < end:
                checks.append(now + RENEWAL_RECHECK)
        return min(checks, default=None)

    def _note(self, error: Exception) -> None:
        self.problem = f"{type(error).__name__}: {str(error)[:120]}"
        logger.error("certificates: unreadable data from the TLS provider: %s", self.problem)

    def offered(self) -> tuple[tuple[Issued, ...], str | None]:
        """Every certificate assigned to us and our private key; nothing when unreadable."""
        try:
            provided, key = self.assigned()
        except BAD_PROVIDER_DATA as error:
            self._note(error)
            return (), None
        if key is None:
            return (), None
        found = (issued(item) for item in provided)
        return tuple(item for item in found if item is not None), str(key)


def wanted_digest(requests: Iterable[CertificateRequestAttributes]) -> str:
    """A digest of the requests: of each, the attributes `certificate_request` sets."""
    wanted = sorted(
        json.dumps([r.common_name, sorted(r.sans_dns or ()), sorted(r.sans_ip or ()), r.is_ca])
        for r in requests
    )
    return hashlib.sha256(json.dumps(wanted).encode()).hexdigest()


def refresh_inputs(
    requests: Iterable[CertificateRequestAttributes],
    ours: Mapping[str, str],
    theirs: Mapping[str, str],
) -> str:
    """A digest of what the library's refresh reads besides the clock and its private key.

    `ours` and `theirs` are the two app databags of the certificates relation (our CSRs, the
    provider's certificates and capabilities); a new private key always comes with new CSRs.
    """
    text = json.dumps([wanted_digest(requests), dict(ours), dict(theirs)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


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
