"""What a controller that parses listener certificates finds wrong with a TLS Secret.

Envoy Gateway (internal/gatewayapi/tls.go) decodes tls.crt and tls.key as PEM, parses the
certificate and drops certificates outside their validity period; a Secret with nothing usable
left makes the listener `ResolvedRefs: False` with reason `InvalidCertificateRef`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Mapping

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import load_pem_private_key


def problem(data: Mapping[str, str], at: datetime.datetime | None = None) -> str | None:
    """Why `data` (a Secret's base64 `data`) cannot serve TLS at `at` (now); None if it can."""
    when = at or datetime.datetime.now(datetime.UTC)
    try:
        crt, key = (base64.b64decode(data[name], validate=True) for name in ("tls.crt", "tls.key"))
    except (KeyError, binascii.Error):
        return "tls.crt and tls.key must both be present and base64"
    try:
        leaf = x509.load_pem_x509_certificates(crt)[0]
    except ValueError:
        return "tls.crt does not hold a PEM certificate"
    if when > leaf.not_valid_after_utc:
        return (
            f"the certificate in tls.crt expired at {leaf.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}"
        )
    if when < leaf.not_valid_before_utc:
        return (
            "the certificate in tls.crt is not valid before "
            f"{leaf.not_valid_before_utc:%Y-%m-%dT%H:%M:%SZ}"
        )
    try:
        load_pem_private_key(key, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return "tls.key does not hold an unencrypted PEM private key"
    return None
