"""Provider databags that the TLS library (1.12.0) raises on, inside its own handlers.

Found by test_integrator_databags.py. The exceptions are raised by
charmlibs-interfaces-tls-certificates 1.12.0 from its *own* observers of the certificates
relation events (`TLSCertificatesRequiresV4._configure`), which run before the charm's
reconcile, so the charm cannot catch them around its own calls:

- `_DatabagModel.load` catches `json.JSONDecodeError` only; deeply nested JSON raises
  RecursionError (`_tls_certificates.py` line 156, via `get_provider_capabilities`, line 2787).
- `_Certificate.to_provider_certificate` (line 286) parses every PEM with no error handling
  (`_load_provider_certificates`, line 2826): an unparseable certificate raises
  TLSCertificatesError("Could not load certificate"), a certificate where the CSR belongs
  raises TLSCertificatesError("Could not load CSR"), an empty CSR raises ValueError
  ("Either raw CSR string or x509_object must be provided", line 923).

Unguarded, Juju would retry the hook and keep failing until the provider's data changed. The
integrator wraps the library's handler (integrator/tls.py GuardedCertificates): the hook
completes, the status is Blocked naming the problem, and nothing that was serving changes.
"""

import dataclasses
import json

import pytest
from ops import testing

from fuzzdata import integrator as world
from fuzzdata.cluster import fresh_double

DEEP = "[" * 5000 + "]" * 5000


def _entry(**changes: str) -> str:
    return json.dumps([{**world.tls_healthy_entries()[0], **changes}])


CRASHES = {
    "deeply nested capabilities": {"certificates": "[]", "capabilities": DEEP},
    "deeply nested certificates": {"certificates": DEEP},
    "certificate is not a PEM": {"certificates": _entry(certificate="not a certificate")},
    "empty CSR": {"certificates": _entry(certificate_signing_request="")},
    "CSR field holds a certificate": {
        "certificates": _entry(certificate_signing_request=world.tls().ca)
    },
    "truncated PEM": {
        "certificates": _entry(
            certificate="-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"
        )
    },
}


@pytest.mark.parametrize("raw", list(CRASHES.values()), ids=list(CRASHES))
def test_bad_provider_data_does_not_fail_the_hook(raw: dict[str, str]) -> None:
    base = world.baseline()
    certificates = base.state.get_relation(world.CERTIFICATES_RELATION)
    assert isinstance(certificates, testing.Relation)
    state = world.with_relation(base.state, dataclasses.replace(certificates, remote_app_data=raw))
    with fresh_double() as kube:
        world.seed_baseline(kube)
        before = kube.objects()
        ctx = world.context()
        out = ctx.run(
            ctx.on.relation_changed(
                state.get_relation(world.CERTIFICATES_RELATION), remote_unit=0
            ),
            state,
        )
        after = kube.objects()
    assert after == before, "nothing that was serving may change because of bad TLS data"
    assert isinstance(out.unit_status, testing.BlockedStatus)
    assert "unreadable data on certificates from the TLS provider" in out.unit_status.message
