"""Certificates, HTTPS modes and the get-certificate action, through the API double."""

import base64
import dataclasses

import ops
import pytest
from ops import testing

UNREPORTED = (
    "waiting for the Gateway API controller to program Gateway infra/gateway: "
    "NotReported: no status reported yet"
)
"""The status before the controller has written any status on a new Gateway."""

HOST = "shop.example.com"
INTEGRATE = (
    "juju integrate gateway:certificates "
    "<a tls-certificates provider, e.g. self-signed-certificates>"
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
        UNREPORTED.replace("waiting for ", "waiting for certificates for 1 hostname(s) and ", 1)
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
        f"enforce-https needs certificates; run: {INTEGRATE}"
    )
    assert answer(out, 1).refusal_for(HOST).reason.value == "pending-certificate"


@pytest.mark.parametrize("enforce", [False, True])
def test_revoked_certificate_is_not_served(flow, cluster, answer, enforce):
    out = served(flow, enforce=enforce)
    flow.tls.revoke(HOST)
    try:
        out = flow.certify(out)
    finally:
        flow.tls.renew(HOST)  # the provider is shared by the session
    assert f"https-{HOST}" not in cluster.listeners()
    assert cluster.secret(HOST) is None
    data = answer(out, 1)
    if enforce:
        assert data.refusal_for(HOST).reason.value == "pending-certificate"
    else:
        assert [p.protocol for p in data.attachments_for(HOST)] == ["HTTP"]


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
