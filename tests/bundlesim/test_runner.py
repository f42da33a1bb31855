"""The runner: steps reach the simulation, the controller and the TLS provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bundlesim import BundleRun, parse_scenario, served_certificate, unit_status
from bundlesim.report import render, table

HOST = "shop.example.com"
SMALL = {
    "applications": {
        "gw": {"charm": "gateway-api-integrator", "model": "infra"},
        "ca": {"charm": "tls-provider", "model": "infra"},
        "shop": {"charm": "workload", "model": "shop", "ingress": {"app": {"port": 8080}}},
        "route": {
            "charm": "gateway-route-configurator",
            "model": "shop",
            "config": {"hostname": HOST},
        },
    },
    "relations": [["gw", "ca"], ["shop", "route"], ["route", "gw"]],
}


@pytest.fixture
def run() -> Iterator[BundleRun]:
    with BundleRun(parse_scenario(SMALL)) as bundle:
        yield bundle


def test_renewing_a_certificate_replaces_it_in_the_same_secret(run: BundleRun):
    before = served_certificate(run.kube, HOST)
    run.apply({"renew-certificate": HOST})
    after = served_certificate(run.kube, HOST)
    assert before is not None
    assert after is not None
    assert after[0] == before[0]
    assert after[1].serial_number != before[1].serial_number


def test_a_route_the_controller_rejects_blocks_its_configurator(run: BundleRun):
    run.apply(
        {"controller": {"reject": [{"route": "shop/shop", "reason": "NotAllowedByListeners"}]}}
    )
    assert unit_status(run, "route/0").startswith("blocked: HTTPRoute shop on infra/gw/https-")
    assert run.url("shop") is None


def test_a_controller_step_replaces_earlier_rejections(run: BundleRun):
    run.apply({"controller": {"reject": [{"route": "shop/shop"}]}})
    run.apply({"controller": {"reject": []}})
    assert run.url("shop") == f"https://{HOST}/"


def test_without_an_address_the_gateway_waits_for_one(run: BundleRun):
    run.apply({"controller": {"addresses": []}})
    assert unit_status(run, "gw/0") == (
        "waiting: waiting for the Gateway API controller to program Gateway infra/gw: "
        "AddressNotAssigned: no address assigned"
    )


def test_the_scenario_profile_is_the_controllers():
    with BundleRun(parse_scenario({**SMALL, "controller": {"profile": "core-only"}})) as bundle:
        assert bundle.kube.controller.profile.name == "core-only"
        (gateway_class,) = bundle.kube.objects("GatewayClass")
        features = [f["name"] for f in gateway_class["status"]["supportedFeatures"]]
        assert "ListenerSet" not in features


def test_a_controller_step_switches_the_profile(run: BundleRun):
    run.apply({"controller": {"profile": "never-programmed"}})
    assert run.kube.controller.profile.name == "never-programmed"
    (gateway,) = run.kube.objects("Gateway")
    programmed = next(c for c in gateway["status"]["conditions"] if c["type"] == "Programmed")
    assert (programmed["status"], programmed["reason"]) == ("False", "NoResources")


def test_report_lists_every_url(run: BundleRun):
    assert f"shop      https://{HOST}/" in render(run)


def test_table_continues_the_last_column_on_new_lines():
    assert table(["a", "b"], [["x", "1\n2"]]).splitlines() == ["a  b", "-  -", "x  1", "   2"]


def test_the_certificate_check_uses_the_provider_related_at_the_time():
    # Two providers declared; the gateway moves from the first to the second. The demo's
    # served/signed/returned comparison must be against the one that signed what is served.
    scenario = {
        **SMALL,
        "applications": {
            **SMALL["applications"],
            "ca2": {"charm": "tls-provider", "model": "infra"},
        },
        "steps": [
            {"unrelate": ["gw:certificates", "ca:certificates"]},
            {"relate": ["gw:certificates", "ca2:certificates"]},
            {"action": f"gw/0 get-certificate hostname={HOST}"},
        ],
    }
    with BundleRun(parse_scenario(scenario)) as bundle:
        bundle.run_steps()
        (record,) = bundle.actions
        assert record.certificate is not None
        assert record.certificate.issuer != "", record.certificate
        signer = bundle.tls["ca2"].provider.issued(HOST)
        assert signer is not None
        assert record.certificate.matches, record.certificate
        assert bundle.tls["ca"].provider.ca != bundle.tls["ca2"].provider.ca
