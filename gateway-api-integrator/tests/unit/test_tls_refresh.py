"""The TLS library's refresh (~1.5·N² CSR parses) runs only when its inputs or the clock say so.

Its inputs: the wanted certificates, both app databags of the certificates relation; the clock:
the library's renewal safety net. Idle hooks skip it, and nothing it did is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from charmlibs.interfaces.tls_certificates import TLSCertificatesRequiresV4
from charmlibs.interfaces.tls_certificates import _tls_certificates as library_module

from integrator import refresh as refresh_module

HOST = "shop.example.com"


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The library's refreshes, and its renewals, in the order they ran."""
    ran: list[str] = []
    configure = TLSCertificatesRequiresV4._configure
    renew = TLSCertificatesRequiresV4._renew_certificate_request

    def counted_configure(self, event=None):
        ran.append("refresh")
        return configure(self, event)

    def counted_renew(self, csr):
        ran.append("renew")
        return renew(self, csr)

    monkeypatch.setattr(TLSCertificatesRequiresV4, "_configure", counted_configure)
    monkeypatch.setattr(TLSCertificatesRequiresV4, "_renew_certificate_request", counted_renew)
    return ran


def served(flow, *hostnames: str):
    routes = [flow.route(i, f"ns{i}", [h]) for i, h in enumerate(hostnames or (HOST,), 1)]
    return flow.with_certificates(flow.state(*routes, flow.certificates()))


def csrs(out) -> str:
    return out.get_relation(100).local_app_data.get("certificate_signing_requests", "")


def later(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    """The charm's and the library's clocks, `delta` from now."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz or UTC) + delta

    monkeypatch.setattr(refresh_module, "datetime", Clock)
    monkeypatch.setattr(library_module, "datetime", Clock)


def test_idle_hooks_do_not_refresh(flow, double_cluster, refreshes):
    out = served(flow)
    refreshes.clear()
    for event in (flow.ctx.on.update_status(), flow.ctx.on.config_changed()):
        before = csrs(out)
        out = flow.run(event, out)
        assert csrs(out) == before
    assert refreshes == []
    assert double_cluster.secret(HOST) is not None


def test_a_new_tenant_gets_its_request_in_the_same_hook(flow, double_cluster, refreshes):
    out = served(flow)
    refreshes.clear()
    out = flow.changed(flow.with_relation(out, flow.route(2, "ns2", ["new.example.com"])), 2)
    assert refreshes == ["refresh"]
    assert csrs(out).count("BEGIN CERTIFICATE REQUEST") == 2


def test_a_pod_without_the_digest_refreshes_once(flow, double_cluster, refreshes):
    out = served(flow)
    refreshes.clear()
    fresh = flow.state(*out.relations)  # a new pod: no stored state, same relations
    out = flow.run(flow.ctx.on.update_status(), fresh)
    out = flow.run(flow.ctx.on.update_status(), out)
    assert refreshes == ["refresh"]


def test_the_renewal_safety_net_still_runs_when_due(flow, double_cluster, refreshes, monkeypatch):
    out = served(flow)  # 90-day certificates: the library's net acts after 95 % of that
    refreshes.clear()
    later(monkeypatch, timedelta(days=30))
    out = flow.run(flow.ctx.on.update_status(), out)
    assert refreshes == []
    later(monkeypatch, timedelta(days=86))
    before = csrs(out)
    out = flow.run(flow.ctx.on.update_status(), out)
    assert refreshes == ["refresh", "renew"]
    assert csrs(out) != before  # a new CSR: the provider's answer brings the new certificate
    # Nothing more to renew until it arrives, as with the library's own net.
    refreshes.clear()
    later(monkeypatch, timedelta(days=86, hours=2))
    flow.run(flow.ctx.on.update_status(), out)
    assert refreshes == []


def test_one_pass_finds_what_the_library_finds(flow, double_cluster):
    out = served(flow, "a.example.com", "b.example.com", "c.example.com")
    with flow.ctx(flow.ctx.on.update_status(), out) as manager:
        library = manager.charm.certificates
        assert library.assigned() == library.get_assigned_certificates()
        assert len(library.assigned()[0]) == 3
