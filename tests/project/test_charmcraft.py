"""Each charm's charmcraft.yaml declares what the rest of the project relies on."""

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHARMS = ("gateway-api-integrator", "gateway-route-configurator")


def charmcraft(charm: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / charm / "charmcraft.yaml").read_text())


@pytest.mark.parametrize("charm", CHARMS)
def test_charm_is_a_k8s_charm_without_workload_container(charm: str):
    meta = charmcraft(charm)
    assert meta["name"] == charm
    assert meta["type"] == "charm"
    assert meta["base"] == "ubuntu@24.04"
    assert "k8s-api" in meta["assumes"]
    assert "containers" not in meta
    assert meta["parts"]["charm"]["plugin"] == "charm"
    assert (ROOT / charm / "src" / "charm.py").is_file()


@pytest.mark.parametrize("charm", CHARMS)
def test_every_option_has_a_type_default_and_description(charm: str):
    for name, option in charmcraft(charm)["config"]["options"].items():
        assert option["type"] in {"string", "int", "boolean", "float", "secret"}, name
        assert "default" in option, name
        assert option["description"].strip(), name


def test_gateway_api_integrator_endpoints_and_action():
    meta = charmcraft("gateway-api-integrator")
    assert meta["requires"]["certificates"] == meta["requires"]["certificates"] | {
        "interface": "tls-certificates",
        "limit": 1,
    }
    assert meta["provides"]["gateway-route"]["interface"] == "gateway-route"
    action = meta["actions"]["get-certificate"]
    assert action["params"]["hostname"]["type"] == "string"
    assert action["required"] == ["hostname"]
    assert meta["config"]["options"]["enforce-https"]["default"] is True
    assert meta["config"]["options"]["hsts-max-age"]["default"] == 31536000


def test_gateway_route_configurator_endpoints():
    meta = charmcraft("gateway-route-configurator")
    assert meta["provides"]["ingress"]["interface"] == "ingress"
    assert meta["provides"]["ingress"]["limit"] == 1
    assert meta["requires"]["gateway-route"]["interface"] == "gateway-route"
    assert meta["requires"]["gateway-route"]["limit"] == 1
    assert meta["config"]["options"]["paths"]["default"] == "/"


@pytest.mark.parametrize("charm", ["gateway-api-integrator", "gateway-route-configurator"])
def test_both_charms_assume_the_juju_they_need(charm: str):
    # Secrets for the TLS library (3.0.3), the ubuntu@24.04 base (3.4): see packing.md.
    assert "juju >= 3.4" in charmcraft(charm)["assumes"]
