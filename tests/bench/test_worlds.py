"""The benchmark's worlds are ones the charm itself would have reached."""

from __future__ import annotations

from ops import testing

from bench import joins, worlds
from bench.sweep import double
from gateway_route import ProviderData, decode


def test_the_tls_world_is_what_the_library_refresh_would_leave():
    state = worlds.integrator_state(2)
    ctx = worlds.integrator_context()
    with double() as kube, worlds.counted_library_refreshes() as refreshes:
        worlds.seed_cluster(kube, 2)
        out = ctx.run(ctx.on.config_changed(), state)  # a new pod: the real refresh runs
        secrets = {o["metadata"]["name"] for o in kube.objects("Secret", worlds.GATEWAY_MODEL)}
    assert refreshes
    seeded = state.get_relation(worlds.CERTIFICATES_ID).local_app_data
    assert out.get_relation(worlds.CERTIFICATES_ID).local_app_data == seeded  # no new CSRs
    assert {s.label for s in out.secrets} == {s.label for s in state.secrets}
    assert secrets == {f"gateway-tls-{worlds.tenant_hostname(i)}" for i in (1, 2)}
    for tenant in worlds.answers(out, 2):
        data = decode(ProviderData, tenant.answer)
        assert isinstance(data, ProviderData)
        assert data.https_mode == "enforced"


def test_after_the_seeding_hook_a_no_change_hook_does_not_refresh():
    ctx = worlds.integrator_context()
    with double() as kube:
        worlds.seed_cluster(kube, 2)
        with worlds.skipped_library_refresh():
            out = ctx.run(ctx.on.config_changed(), worlds.integrator_state(2))
        with worlds.counted_library_refreshes() as refreshes:
            ctx.run(ctx.on.update_status(), out)
    assert not refreshes
    assert all(joins.served(out, i, "tls") for i in (1, 2))


def test_the_http_world_has_no_certificates():
    state = worlds.integrator_state(2, "http")
    assert not state.get_relations("certificates")
    assert state.config["enforce-https"] is False


def test_a_world_waiting_for_certificates_has_sent_every_csr():
    state = worlds.integrator_state(2, issued=False)
    relation = state.get_relation(worlds.CERTIFICATES_ID)
    assert "certificate_signing_requests" in relation.local_app_data
    answered = worlds.answered(state).get_relation(worlds.CERTIFICATES_ID)
    assert isinstance(answered, testing.Relation)
    assert "certificates" in answered.remote_app_data
