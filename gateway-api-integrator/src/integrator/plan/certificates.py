"""Certificates the TLS provider offered, as plain values, and which of them may be served.

A revoked or expired certificate is never installed; of several for one hostname, the one that
lasts longest wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


@dataclass(frozen=True)
class Issued:
    """One certificate offered for one hostname (PEM strings; never the key)."""

    hostname: str
    certificate: str
    ca: str
    chain: tuple[str, ...]
    expires: datetime
    revoked: bool = False
    sans: tuple[str, ...] = ()
    """The DNS names the certificate is for."""
    fingerprint: str = ""
    """SHA-256 of the DER certificate, colon-separated hex (as `openssl x509 -fingerprint`)."""

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


def usable(offered: Iterable[Issued], now: datetime) -> dict[str, Issued]:
    """The longest-lasting certificate per hostname that is neither revoked nor expired."""
    found: dict[str, Issued] = {}
    for item in offered:
        if item.revoked or item.expires <= now:
            continue
        current = found.get(item.hostname)
        if current is None or item.expires > current.expires:
            found[item.hostname] = item
    return found


def revoked_in_service(offered: Iterable[Issued], served: Mapping[str, str]) -> frozenset[str]:
    """Hostnames whose served certificate (`served`: hostname -> tls.crt) the provider revoked.

    Only what is in service counts: a provider that revokes every certificate it signs for a
    hostname gets asked once per certificate we served, not on every hook.
    """
    return frozenset(
        item.hostname
        for item in offered
        if item.revoked
        and item.certificate.strip()
        and served.get(item.hostname, "").startswith(item.certificate.strip())
    )


def fingerprint(pem: str) -> str:
    """SHA-256 over the DER form, colon-separated upper-case hex; "" when it does not parse."""
    try:
        digest = x509.load_pem_x509_certificate(pem.encode()).fingerprint(hashes.SHA256())
    except ValueError:
        return ""
    return ":".join(f"{byte:02X}" for byte in digest)


def in_secret(hostname: str, chain: str, now: datetime) -> Issued | None:
    """The certificate a TLS Secret of ours serves (`tls.crt`), while it is valid today.

    Read from the certificate itself: what get-certificate shows while a replacement is on its
    way. The CA is the chain's last certificate when there is more than the leaf.
    """
    pems = _PEM.findall(chain)
    if not pems:
        return None
    try:
        leaf = x509.load_pem_x509_certificate(pems[0].encode())
    except ValueError:
        return None
    if not leaf.not_valid_before_utc <= now < leaf.not_valid_after_utc:
        return None
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = tuple(sorted(names.get_values_for_type(x509.DNSName)))
    except x509.ExtensionNotFound:
        sans = ()
    return Issued(
        hostname=hostname,
        certificate=pems[0],
        ca=pems[-1] if len(pems) > 1 else "",
        chain=tuple(pems),
        expires=leaf.not_valid_after_utc,
        sans=sans,
        fingerprint=fingerprint(pems[0]),
    )
