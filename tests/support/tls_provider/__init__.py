"""An in-process tls-certificates provider: a CA that really signs the requirer's CSRs.

It speaks the v4 wire format of `charmlibs-interfaces-tls-certificates` from the provider side:
read the requirer's databag (`certificate_signing_requests`), answer with the provider's
application databag (`certificates`). Charm tests put that answer in `Relation.remote_app_data`;
the bundle simulation passes databags between charms the same way.

    provider = TLSProvider()
    remote_app_data = provider.answer(relation.local_app_data)   # sign every CSR
    provider.revoke("app.example.com")                            # next answer marks it revoked
    provider.renew("app.example.com")                             # next answer re-signs it
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from charmlibs.interfaces.tls_certificates import (
    Certificate,
    CertificateRequestAttributes,
    CertificateSigningRequest,
    PrivateKey,
)
from charmlibs.interfaces.tls_certificates._tls_certificates import LIBID

__all__ = ["REQUIRER_KEY_LABEL", "Issued", "TLSProvider", "csrs_in", "hostname_of"]

REQUIRER_KEY_LABEL = f"{LIBID}-private-key-app-certificates"
"""The requirer library's label for its app-mode private-key secret on endpoint `certificates`
(it builds `<LIBID>-private-key-app-<endpoint>`). Tests seed that secret with a key made once:
the library would otherwise generate a 2048-bit key in every test.
"""


def csrs_in(requirer_databag: Mapping[str, str]) -> list[str]:
    """The CSRs (PEM) a requirer's databag asks to be signed; [] when none or unreadable."""
    try:
        requests = json.loads(requirer_databag.get("certificate_signing_requests", "[]"))
    except ValueError:
        return []
    return [
        str(item["certificate_signing_request"])
        for item in requests
        if isinstance(item, dict) and item.get("certificate_signing_request")
    ]


def hostname_of(csr_pem: str) -> str:
    """The DNS name a CSR asks for (its only DNS SAN, else its common name)."""
    csr = CertificateSigningRequest.from_string(csr_pem)
    sans = sorted(csr.sans_dns)
    return sans[0] if sans else csr.common_name


@dataclass(frozen=True)
class Issued:
    """One certificate the provider handed out."""

    csr: str
    certificate: str
    ca: str
    chain: tuple[str, ...]
    """Leaf first, then the CA, as the charmlibs provider writes it."""
    revoked: bool = False

    @property
    def hostname(self) -> str:
        """The DNS name the certificate was issued for."""
        return hostname_of(self.csr)

    def wire(self) -> dict[str, object]:
        """This certificate as one entry of the provider's `certificates` list."""
        entry: dict[str, object] = {
            "ca": self.ca,
            "certificate_signing_request": self.csr,
            "certificate": self.certificate,
            "chain": list(self.chain),
        }
        if self.revoked:
            entry["revoked"] = True
        return entry


class TLSProvider:
    """A self-contained CA; answers are stable until something is renewed or revoked."""

    def __init__(
        self,
        common_name: str = "Test CA",
        validity: timedelta = timedelta(days=90),
        key_size: int = 2048,
    ):
        self._common_name = common_name
        self._key_size = key_size
        self._key, self.ca = self._new_ca()
        self.validity = validity
        self._issued: dict[str, Issued] = {}  # by CSR (stripped PEM)
        self._revoked: set[str] = set()  # hostnames
        self._stale: set[str] = set()  # CSRs revoked by a CA rotation, re-signed at next pass

    def _new_ca(self) -> tuple[PrivateKey, str]:
        key = PrivateKey.generate(key_size=self._key_size)
        attributes = CertificateRequestAttributes(common_name=self._common_name, is_ca=True)
        return key, str(Certificate.generate_self_signed_ca(attributes, key, timedelta(days=3650)))

    def rotate_ca(self) -> None:
        """What self-signed-certificates does on `rotate-private-key` or a `ca-*` config change.

        A new CA; every certificate handed out so far is answered revoked, and is re-signed
        only at the provider's next pass (`next_pass`, its next update-status), while a CSR it
        has not seen before is signed at once, by the new CA.
        """
        self._key, self.ca = self._new_ca()
        self._stale |= set(self._issued)
        self._issued = {k: replace(v, revoked=True) for k, v in self._issued.items()}

    def next_pass(self) -> None:
        """The provider's periodic reconcile: re-sign what a CA rotation revoked."""
        for csr in sorted(self._stale):
            self._issued.pop(csr, None)
        self._stale.clear()

    def sign(self, csr_pem: str) -> Issued:
        """The certificate for a CSR: issued once, then the same until renewed or revoked."""
        key = csr_pem.strip()
        found = self._issued.get(key)
        if found is not None and key in self._stale:
            return found  # revoked by a CA rotation; re-signed at the next pass only
        if found is None:
            certificate = str(
                Certificate.generate(
                    csr=CertificateSigningRequest.from_string(key),
                    ca=Certificate.from_string(self.ca),
                    ca_private_key=self._key,
                    validity=self.validity,
                )
            )
            found = Issued(key, certificate, self.ca, (certificate, self.ca))
            self._issued[key] = found
        revoked = found.hostname in self._revoked
        return replace(found, revoked=revoked)

    def revoke(self, hostname: str) -> None:
        """Mark every certificate for `hostname` revoked in the next answers."""
        self._revoked.add(hostname)

    def renew(self, hostname: str) -> None:
        """Re-sign `hostname` (new serial, same CSR) in the next answers; lifts a revocation."""
        self._revoked.discard(hostname)
        self._issued = {k: v for k, v in self._issued.items() if v.hostname != hostname}

    def issued(self, hostname: str) -> Issued | None:
        """The latest certificate handed out for `hostname`, if any."""
        matching = [item for item in self._issued.values() if item.hostname == hostname]
        return self.sign(matching[-1].csr) if matching else None

    def answer(self, requirer_databag: Mapping[str, str]) -> dict[str, str]:
        """The provider's application databag answering every CSR in `requirer_databag`."""
        certificates = [self.sign(csr).wire() for csr in csrs_in(requirer_databag)]
        return {"certificates": json.dumps(certificates)}
