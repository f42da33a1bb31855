"""The test TLS provider speaks the v4 wire format the charmlibs requirer reads."""

from charmlibs.interfaces.tls_certificates import PrivateKey
from charmlibs.interfaces.tls_certificates._tls_certificates import _ProviderApplicationData

from integrator.certificates import certificate_request
from tls_provider import TLSProvider, csrs_in


def requirer_databag(key, *hostnames):
    import json

    csrs = [
        {"certificate_signing_request": str(certificate_request(h).generate_csr(key)), "ca": False}
        for h in hostnames
    ]
    return {"certificate_signing_requests": json.dumps(csrs)}


def test_answer_loads_with_the_library_and_matches_each_csr(tls: TLSProvider, requirer_key):
    key = PrivateKey.from_string(requirer_key)
    databag = requirer_databag(key, "a.example.com", "b.example.com")
    loaded = _ProviderApplicationData.load(tls.answer(databag))
    assert [c.certificate_signing_request.strip() for c in loaded.certificates] == [
        csr.strip() for csr in csrs_in(databag)
    ]
    assert all(c.revoked is None for c in loaded.certificates)


def test_answers_are_stable_until_renewed(tls: TLSProvider, requirer_key):
    databag = requirer_databag(PrivateKey.from_string(requirer_key), "c.example.com")
    first = tls.answer(databag)
    assert tls.answer(databag) == first
    tls.renew("c.example.com")
    assert tls.answer(databag) != first


def test_revoked_certificates_are_flagged(tls: TLSProvider, requirer_key):
    databag = requirer_databag(PrivateKey.from_string(requirer_key), "d.example.com")
    tls.revoke("d.example.com")
    try:
        (certificate,) = _ProviderApplicationData.load(tls.answer(databag)).certificates
    finally:
        tls.renew("d.example.com")
    assert certificate.revoked is True
