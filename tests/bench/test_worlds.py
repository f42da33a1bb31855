"""The benchmark's default world is one the charm itself would have reached."""

from __future__ import annotations

from bench import worlds
from bench.sweep import check_world, double
from gateway_route import ProviderData, decode


def test_the_tls_world_needs_no_refresh_and_serves_https():
    state = worlds.integrator_state(2)
    ctx = worlds.integrator_context()
    with double() as kube:
        worlds.seed_cluster(kube, 2)
        out = ctx.run(ctx.on.config_changed(), state)
        check_world(state, out)  # raises when the charm's digest differs: it would refresh
        secrets = {o["metadata"]["name"] for o in kube.objects("Secret", worlds.GATEWAY_MODEL)}
    assert secrets == {f"gateway-tls-{worlds.tenant_hostname(i)}" for i in (1, 2)}
    for tenant in worlds.answers(out, 2):
        data = decode(ProviderData, tenant.answer)
        assert isinstance(data, ProviderData)
        assert data.https_mode == "enforced"


def test_the_http_world_has_no_certificates():
    state = worlds.integrator_state(2, "http")
    assert not state.get_relations("certificates")
    assert state.config["enforce-https"] is False
