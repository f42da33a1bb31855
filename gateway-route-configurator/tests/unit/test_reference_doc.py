"""docs/reference/gateway-route-configurator.md must not drift from charmcraft.yaml."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[3]
DOC = (ROOT / "docs/reference/gateway-route-configurator.md").read_text()
CHARMCRAFT = yaml.safe_load((ROOT / "gateway-route-configurator/charmcraft.yaml").read_text())


def _section(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_config_table_lists_exactly_the_charm_options_with_their_defaults() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| `\"(.*?)\"` \|", _section("Configuration"), re.M)

    options = CHARMCRAFT["config"]["options"]
    assert dict(rows) == {name: option["default"] for name, option in options.items()}


def test_relation_table_matches_the_endpoints() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| (provides|requires) \| `([a-z_-]+)`", DOC, re.M)

    endpoints = {
        (name, role, spec["interface"])
        for role in ("provides", "requires")
        for name, spec in CHARMCRAFT[role].items()
    }
    assert set(rows) == endpoints
