"""Scenario files: what validates, and what each mistake is reported as."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest

from bundlesim import SCENARIOS, ScenarioError, load_scenario, parse_scenario
from bundlesim.scenario import ActionCall, GatewayApiVersion, Step
from kubedouble.versions import GATEWAY_API_VERSIONS

GATEWAY = {"charm": "gateway-api-integrator", "model": "infra"}


def _with(**top: Any) -> dict[str, Any]:
    return {"applications": {"gw": GATEWAY}, **top}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_validates(path: Path):
    assert load_scenario(path).applications


def test_scenarios_offer_every_supported_gateway_api_release():
    assert get_args(GatewayApiVersion) == GATEWAY_API_VERSIONS


@pytest.mark.parametrize("version", GATEWAY_API_VERSIONS)
def test_cluster_takes_each_supported_release(version: str):
    assert parse_scenario(_with(cluster={"gateway-api": version})).cluster.gateway_api == version


def test_defaults_fill_cluster_and_controller():
    scenario = parse_scenario(_with())
    assert (scenario.cluster.gateway_api, scenario.cluster.gateway_classes) == (
        "v1.6.1",
        ["cilium"],
    )
    assert (scenario.controller.running, scenario.controller.addresses) == (True, ["10.0.0.1"])
    assert scenario.controller.profile == "conformant"


def test_a_controller_profile_is_read_by_name():
    assert parse_scenario(_with(controller={"profile": "core-only"})).controller.profile == (
        "core-only"
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {"applications": {"gw": {**GATEWAY, "units": 0}}},
            "applications.gw.units: Input should be greater than or equal to 1",
        ),
        (
            {"applications": {"gw": {**GATEWAY, "charm": "traefik"}}},
            "applications.gw.charm: Input should be 'gateway-api-integrator', "
            "'gateway-route-configurator', 'tls-provider', 'workload', 'dns' or "
            "'canonical-gateway'",
        ),
        (
            {"applications": {"gw": {**GATEWAY, "dns": {"records": []}}}},
            "applications.gw: dns: only a dns stand-in has DNS records, "
            "not gateway-api-integrator",
        ),
        (
            {"applications": {"bind": {"charm": "dns", "dns": {"records": [{"domain": "a"}]}}}},
            "applications.bind.dns.records[0].record_data: Field required",
        ),
        (
            {
                "applications": {
                    "bind": {
                        "charm": "dns",
                        "dns": {
                            "records": [{"domain": "a", "record_data": "x", "record_type": "B"}]
                        },
                    }
                }
            },
            "applications.bind.dns.records[0].record_type: unknown record type 'B'; known: "
            "A, AAAA, CNAME, MX, DKIM, SPF, DMARC, TXT, CAA, SRV, SVCB, HTTPS, PTR, SOA, NS, DS, "
            "DNSKEY",
        ),
        (
            {"applications": {"gw": {**GATEWAY, "modle": "x"}}},
            "applications.gw.modle: Extra inputs are not permitted",
        ),
        (
            {"applications": {"Gw": GATEWAY}},
            "applications.Gw.[key]: String should match pattern '^[a-z][a-z0-9-]*$'",
        ),
        (
            {"applications": {"gw": {**GATEWAY, "ingress": {"app": {"port": 1}}}}},
            "applications.gw: ingress: only a workload writes ingress data, "
            "not gateway-api-integrator",
        ),
        (
            {"applications": {"ca": {"charm": "tls-provider", "config": {"a": 1}}}},
            "applications.ca: config: a tls-provider stand-in has no config",
        ),
        (
            _with(cluster={"gateway-api": "v1.0.0"}),
            "cluster.gateway-api: Input should be 'v1.2.1', 'v1.4.1' or 'v1.6.1'",
        ),
        (_with(relations=[["gw", "nope:ingress"]]), "relations[0][1]: unknown application 'nope'"),
        (_with(steps=["dance"]), "steps[0].dance: Extra inputs are not permitted"),
        (
            _with(steps=[{"scale": {"gw": 2}, "remove": "gw"}]),
            "steps[0]: a step has exactly one key, got: scale, remove",
        ),
        (_with(steps=[{"remove": "other"}]), "steps[0].remove: unknown application 'other'"),
        (
            _with(steps=[{"action": "gw/0"}]),
            "steps[0].action: expected '<unit or app> <action> [key=value ...]', got 'gw/0'",
        ),
        (
            _with(steps=[{"action": "gw/0 get-certificate hostname"}]),
            "steps[0].action: parameter 'hostname' is not key=value",
        ),
        (
            _with(controller={"reject": [{"route": "no-slash"}]}),
            "controller.reject[0].route: String should match pattern",
        ),
        (
            _with(controller={"profile": "cilium"}),
            "controller.profile: unknown controller profile 'cilium'; known: conformant, "
            "core-only, never-programmed, strict-certificates, merged-gateways",
        ),
        (
            _with(steps=[{"controller": {"profile": "nginx"}}]),
            "steps[0].controller.profile: unknown controller profile 'nginx'",
        ),
        (_with(steps=[{"trust": "other"}]), "steps[0].trust: unknown application 'other'"),
        (
            {"applications": {"ca": {"charm": "tls-provider"}}, "steps": [{"trust": "ca"}]},
            "steps[0].trust: ca is a tls-provider stand-in, not a charm under test",
        ),
        (_with(steps=[{"refresh": "other"}]), "steps[0].refresh: unknown application 'other'"),
        (
            {"applications": {"ca": {"charm": "tls-provider"}}, "steps": [{"refresh": "ca"}]},
            "steps[0].refresh: ca is a tls-provider; only a canonical-gateway or "
            "gateway-api-integrator is refreshed to gateway-api-integrator",
        ),
        (
            _with(**{"cross-model-names": "real"}),
            "cross-model-names: Input should be 'simple' or 'juju'",
        ),
    ],
)
def test_mistakes_are_reported_under_their_key(data: dict[str, Any], problem: str):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, "s.yaml")
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_a_file_that_is_not_yaml_is_reported(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text("applications: [")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(path)


def test_a_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "absent.yaml")


def test_top_level_must_be_a_mapping():
    with pytest.raises(ScenarioError, match="top level must be a mapping"):
        parse_scenario(["applications"])


def test_bare_settle_is_a_step():
    (step,) = parse_scenario(_with(steps=["settle"])).steps
    assert step.kind == "settle"


def test_action_is_parsed_like_juju_run():
    assert ActionCall.parse("gw/0 get-certificate hostname=a.example.com") == ActionCall(
        target="gw/0", name="get-certificate", params={"hostname": "a.example.com"}
    )


def test_raw_ingress_needs_string_values():
    data = {
        "applications": {
            "w": {"charm": "workload", "ingress": {"encoding": "raw", "app": {"port": 1}}}
        }
    }
    with pytest.raises(ScenarioError, match="encoding raw needs string values"):
        parse_scenario(data)


def test_trust_step_names_one_app_or_maps_apps_to_trust():
    steps = parse_scenario(_with(steps=[{"trust": "gw"}, {"trust": {"gw": False}}])).steps
    assert [step.trust for step in steps] == [{"gw": True}, {"gw": False}]


def test_cross_model_names_default_to_simple():
    assert parse_scenario(_with()).cross_model_names == "simple"
    assert parse_scenario(_with(**{"cross-model-names": "juju"})).cross_model_names == "juju"


@pytest.mark.parametrize(
    ("step", "shown"),
    [
        ("settle", "settle"),
        ({"unrelate": ["a:x", "b:y"]}, "unrelate: ['a:x', 'b:y']"),
        ({"controller": {"addresses": ["10.0.0.2"]}}, "controller: {addresses: [10.0.0.2]}"),
        ({"config": {"r": {"hostname": None}}}, "config: {r: {hostname: null}}"),
        (
            {"action": "gw/0 get-certificate hostname=a.b"},
            "action: gw/0 get-certificate hostname=a.b",
        ),
        ({"leader": "gw/2"}, "leader: gw/2"),
    ],
)
def test_a_step_reads_back_as_written(step: object, shown: str):
    """The DNS report labels each step's changes with it."""
    assert str(Step.model_validate(step)) == shown


def test_a_canonical_gateway_stand_in_holds_config_and_is_refreshed_by_a_step():
    data = {
        "applications": {
            "gw": {"charm": "canonical-gateway", "config": {"external-hostname": "a.example"}}
        },
        "steps": [{"refresh": "gw"}],
    }
    scenario = parse_scenario(data)
    assert scenario.applications["gw"].config == {"external-hostname": "a.example"}
    assert [str(step) for step in scenario.steps] == ["refresh: gw"]
