"""Certificates, HTTPS modes and the get-certificate action, through the API double."""

import base64
import dataclasses
import hashlib
import ssl
import textwrap
from datetime import datetime, timedelta

import ops
import pytest
from cryptography import x509
from ops import testing

from integrator import observe

UNREPORTED = (
    "waiting for the Gateway API controller to program Gateway infra/gateway: "
    "NotReported: no status reported yet"
)
"""The status before the controller has written any status on a new Gateway."""

HOST = "shop.example.com"
INTEGRATE = (
    "juju integrate gateway:certificates "
    "<a tls-certificates provider or its offer, e.g. self-signed-certificates>"
)


def served(flow, *, enforce: bool, certified: bool = True):
    before = flow.state(
        flow.route(1, "shop", [HOST]), flow.certificates(), config={"enforce-https": enforce}
    )
    return flow.with_certificates(before) if certified else flow.changed(before, 100)


def tls_crt(secret):
    return base64.b64decode(secret["data"]["tls.crt"]).decode()


def test_certificate_gives_an_https_listener_and_secret(flow, cluster, answer):
    out = served(flow, enforce=False)
    listener = cluster.listeners()[f"https-{HOST}"]
    assert listener["tls"]["certificateRefs"][0]["name"] == f"gateway-tls-{HOST}"
    secret = cluster.secret(HOST)
    assert secret["type"] == "kubernetes.io/tls"
    assert tls_crt(secret).startswith(flow.tls.issued(HOST).certificate.strip())
    assert tls_crt(secret).count("BEGIN CERTIFICATE") == 2  # leaf + CA, leaf not repeated
    data = answer(out, 1)
    assert data.https_mode == "enabled"
    assert [p.protocol for p in data.attachments_for(HOST)] == ["HTTP", "HTTPS"]


def test_secret_key_is_the_charms_private_key(flow, cluster):
    served(flow, enforce=False)
    key = base64.b64decode(cluster.secret(HOST)["data"]["tls.key"]).decode()
    assert key.strip() == flow.key_secret.tracked_content["private-key"].strip()


def test_enabled_mode_serves_http_while_the_certificate_is_awaited(flow, cluster, answer):
    out = served(flow, enforce=False, certified=False)
    assert set(cluster.listeners()) == {f"http-{HOST}"}
    assert [p.protocol for p in answer(out, 1).attachments_for(HOST)] == ["HTTP"]
    assert out.unit_status == ops.WaitingStatus(
        UNREPORTED.replace("waiting for ", f"waiting for the certificates of {HOST} and ", 1)
    )


def test_enforced_mode_refuses_pending_certificate(flow, cluster, answer):
    out = served(flow, enforce=True, certified=False)
    data = answer(out, 1)
    assert data.accepted == []
    assert data.refusal_for(HOST).reason.value == "pending-certificate"
    assert set(cluster.listeners()) == {"http"}  # placeholder, redirect only


def test_enforced_mode_attaches_tenants_to_https_and_redirects_http(flow, cluster, answer):
    out = served(flow, enforce=True)
    data = answer(out, 1)
    assert data.https_mode == "enforced"
    assert data.hsts_max_age == 31536000
    assert [p.section_name for p in data.attachments_for(HOST)] == [f"https-{HOST}"]
    assert cluster.listeners()[f"http-{HOST}"]["allowedRoutes"]["namespaces"] == {"from": "Same"}
    route = cluster.kube.get("HTTPRoute", "gateway-https-redirect", "infra")
    assert [p["sectionName"] for p in route["spec"]["parentRefs"]] == [f"http-{HOST}"]
    cluster.publish_address()
    status = cluster.kube.get("HTTPRoute", "gateway-https-redirect", "infra")["status"]
    (parent,) = status["parents"]
    accepted = {c["type"]: c["status"] for c in parent["conditions"]}["Accepted"]
    assert accepted == "True"


def test_turning_enforcement_off_removes_the_redirect(flow, cluster, answer):
    out = served(flow, enforce=True)
    out = flow.changed(flow.with_config(out, enforce_https=False))
    assert cluster.kube.get("HTTPRoute", "gateway-https-redirect", "infra") is None
    assert cluster.listeners()[f"http-{HOST}"]["allowedRoutes"]["namespaces"]["from"] == "Selector"
    data = answer(out, 1)
    assert (data.https_mode, data.hsts_max_age) == ("enabled", 0)
    assert [p.protocol for p in data.attachments_for(HOST)] == ["HTTP", "HTTPS"]


def test_turning_enforcement_on_adds_the_redirect(flow, cluster, answer):
    out = served(flow, enforce=False)
    out = flow.changed(flow.with_config(out, enforce_https=True))
    assert cluster.kube.get("HTTPRoute", "gateway-https-redirect", "infra") is not None
    assert [p.protocol for p in answer(out, 1).attachments_for(HOST)] == ["HTTPS"]


def test_enforcement_without_certificates_relation_is_blocked(flow, cluster, answer):
    before = flow.state(flow.route(1, "shop", [HOST]), config={"enforce-https": True})
    out = flow.changed(before, 1)
    assert out.unit_status == ops.BlockedStatus(
        f"this charm's config enforce-https=true needs a TLS provider; run: {INTEGRATE}"
    )
    assert answer(out, 1).refusal_for(HOST).reason.value == "pending-certificate"


def our_csrs(out) -> str:
    return out.get_relation(100).local_app_data.get("certificate_signing_requests", "")


@pytest.mark.parametrize("enforce", [False, True])
def test_a_revoked_certificate_is_replaced_without_an_outage(flow, cluster, answer, enforce):
    # self-signed-certificates revokes everything on a CA change and re-signs only at its next
    # pass, but signs a fresh CSR at once: so a new key (new CSRs) brings replacements now.
    out = served(flow, enforce=enforce)
    before = cluster.secret(HOST)
    csrs = our_csrs(out)
    flow.tls.revoke(HOST)
    try:
        out = flow.certify(out)
    finally:
        flow.tls.renew(HOST)  # the provider is shared by the session
    assert our_csrs(out) != csrs, "replacements are requested in the same hook"
    # Meanwhile HTTPS keeps serving from the Secret it had, and the answer is unchanged.
    assert f"https-{HOST}" in cluster.listeners()
    assert f"http-{HOST}" in cluster.listeners()
    assert tls_crt(cluster.secret(HOST)) == tls_crt(before)
    assert "HTTPS" in [p.protocol for p in answer(out, 1).attachments_for(HOST)]
    assert (
        f"replacements of the revoked certificates of {HOST} (the old ones are served until "
        "they arrive)" in out.unit_status.message
    )
    # The provider signs the new CSR: swapped in place (same Secret), nothing else moves.
    out = flow.certify(out)
    after = cluster.secret(HOST)
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    assert tls_crt(after) != tls_crt(before)
    assert f"https-{HOST}" in cluster.listeners()


def test_get_certificate_shows_what_is_served_while_a_replacement_is_awaited(flow, cluster):
    out = served(flow, enforce=True)
    before = tls_crt(cluster.secret(HOST))
    flow.tls.revoke(HOST)
    try:
        out = flow.certify(out)
        flow.ctx.run(flow.ctx.on.action("get-certificate", params={"hostname": HOST}), out)
    finally:
        flow.tls.renew(HOST)
    results = flow.ctx.action_results
    assert results is not None
    assert results["state"] == "served until its replacement arrives"
    assert before.startswith(results["certificate"].strip())
    assert results["sans"] == HOST
    leaf = x509.load_pem_x509_certificate(results["certificate"].encode())
    assert datetime.fromisoformat(results["not-after"]) == leaf.not_valid_after_utc


def test_a_provider_that_revokes_everything_is_asked_once_per_served_certificate(flow, cluster):
    out = served(flow, enforce=False)
    flow.tls.revoke(HOST)  # every certificate it signs for HOST, now and later, is revoked
    try:
        out = flow.certify(out)
        asked = our_csrs(out)
        out = flow.certify(out)
        out = flow.certify(out)
    finally:
        flow.tls.renew(HOST)
    assert our_csrs(out) == asked, "no new key on every hook for certificates never served"
    assert f"https-{HOST}" in cluster.listeners()  # still the old certificate, until its end


def test_a_revoked_certificate_is_not_served_past_its_end(flow, cluster, answer, monkeypatch):
    out = served(flow, enforce=True)
    ends = x509.load_pem_x509_certificate(tls_crt(cluster.secret(HOST)).encode())
    later = ends.not_valid_after_utc + timedelta(minutes=1)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    flow.tls.revoke(HOST)
    try:
        # The next hook comes after the old certificate's end, still without a replacement.
        monkeypatch.setattr(observe, "datetime", Later)
        out = flow.certify(out)
    finally:
        flow.tls.renew(HOST)
    assert f"https-{HOST}" not in cluster.listeners()
    assert cluster.secret(HOST) is None
    assert answer(out, 1).refusal_for(HOST).reason.value == "pending-certificate"


def test_renewal_updates_the_secret_in_place(flow, cluster):
    out = served(flow, enforce=False)
    before = cluster.secret(HOST)
    flow.tls.renew(HOST)
    flow.certify(out)
    after = cluster.secret(HOST)
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    assert tls_crt(after) != tls_crt(before)
    assert tls_crt(after).startswith(flow.tls.issued(HOST).certificate.strip())


def test_certificates_relation_removed_drops_https(flow, cluster, answer):
    out = served(flow, enforce=False)
    relation = out.get_relation(100)
    out = flow.run(flow.ctx.on.relation_broken(relation), out)
    assert set(cluster.listeners()) == {f"http-{HOST}"}
    assert cluster.secret(HOST) is None
    assert answer(out, 1).https_mode == "disabled"


def test_one_certificate_request_per_hostname(flow, cluster):
    from tls_provider import csrs_in, hostname_of

    before = flow.state(
        flow.route(1, "shop", [HOST, "api.example.com"]),
        flow.route(2, "shop", [HOST]),
        flow.certificates(),
        config={"external-hostname": "gw.example.com"},
    )
    out = flow.changed(before, 100)
    requested = [hostname_of(csr) for csr in csrs_in(out.get_relation(100).local_app_data)]
    assert sorted(requested) == ["api.example.com", "gw.example.com", HOST]


# ----- get-certificate --------------------------------------------------------------------


def test_get_certificate_returns_certificate_ca_and_chain_never_the_key(flow, cluster):
    out = served(flow, enforce=True)
    flow.ctx.run(flow.ctx.on.action("get-certificate", params={"hostname": HOST}), out)
    results = flow.ctx.action_results
    assert results is not None
    issued = flow.tls.issued(HOST)
    assert results["certificate"].strip() == issued.certificate.strip()
    assert results["ca"].strip() == issued.ca.strip()
    assert "BEGIN CERTIFICATE" in results["chain"]
    key = flow.key_secret.tracked_content["private-key"]
    assert all("PRIVATE KEY" not in str(value) for value in results.values())
    assert all(key.strip() not in str(value) for value in results.values())


def test_get_certificate_describes_what_is_served(flow, cluster):
    out = served(flow, enforce=True)
    flow.ctx.run(flow.ctx.on.action("get-certificate", params={"hostname": HOST}), out)
    results = flow.ctx.action_results
    assert results is not None
    pem = flow.tls.issued(HOST).certificate
    leaf = x509.load_pem_x509_certificate(pem.encode())
    assert datetime.fromisoformat(results["not-after"]) == leaf.not_valid_after_utc
    assert results["sans"] == HOST
    assert results["state"] == "issued"
    # Checked the way an operator would: `openssl x509 -fingerprint -sha256` over the DER form.
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.strip())).hexdigest().upper()
    assert results["sha256-fingerprint"] == ":".join(textwrap.wrap(digest, 2))
    namespace, name = results["secret"].split("/")
    secret = cluster.kube.get("Secret", name, namespace)
    assert secret is not None
    assert tls_crt(secret).startswith(pem.strip())


def test_private_key_never_in_logs_status_or_relation_data(flow, cluster):
    out = served(flow, enforce=True)
    key_body = flow.key_secret.tracked_content["private-key"].splitlines()[1]
    assert all(key_body not in log.message for log in flow.ctx.juju_log)
    assert key_body not in out.unit_status.message
    for relation in out.relations:
        assert key_body not in str(relation.local_app_data)


@pytest.mark.parametrize(
    ("hostname", "message"),
    [
        (
            "other.example.com",
            "unknown hostname 'other.example.com'; hostnames with certificates: ",
        ),
        (HOST, f"no usable certificate for {HOST} yet (not issued, revoked or expired)"),
    ],
)
def test_get_certificate_fails_for_unknown_or_pending_hostname(flow, cluster, hostname, message):
    out = served(flow, enforce=True, certified=False)
    with pytest.raises(testing.ActionFailed) as failed:
        flow.ctx.run(flow.ctx.on.action("get-certificate", params={"hostname": hostname}), out)
    assert failed.value.message.startswith(message)


def test_get_certificate_without_certificates_relation_fails(flow):
    before = flow.state(flow.route(1, "shop", [HOST]))
    with pytest.raises(testing.ActionFailed) as failed:
        flow.ctx.run(flow.ctx.on.action("get-certificate", params={"hostname": HOST}), before)
    assert failed.value.message == f"no certificates relation; run: {INTEGRATE}"


def test_get_certificate_on_a_non_leader_fails(flow):
    before = dataclasses.replace(flow.state(flow.certificates()), leader=False)
    with pytest.raises(testing.ActionFailed) as failed:
        flow.ctx.run(flow.ctx.on.action("get-certificate", params={"hostname": HOST}), before)
    assert "leader" in failed.value.message
