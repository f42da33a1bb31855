"""Small readers over a finished run, for tests and how-tos: who owns what, listeners, statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bundlesim.runner import REPO_ROOT, BundleRun

SCENARIOS = REPO_ROOT / "scenarios"
APPLICATION_LABEL = "gateway-api.juju.is/application"


def shipped_scenario(name: str) -> Path:
    """The path of a scenario shipped in scenarios/ (`"default"` -> scenarios/default.yaml)."""
    return SCENARIOS / f"{name}.yaml"


def scenario_data(name: str) -> dict[str, Any]:
    """A shipped scenario as plain data, to adjust before `parse_scenario`."""
    return yaml.safe_load(shipped_scenario(name).read_text())


def owned_by(run: BundleRun, app: str) -> list[dict[str, Any]]:
    """Every object in the API double whose ownership label names `app`."""
    return run.kube.objects(labels={APPLICATION_LABEL: app})


def listeners(run: BundleRun, gateway: str, namespace: str) -> dict[str, dict[str, Any]]:
    """A Gateway's listeners by name."""
    obj = run.kube.read("Gateway", gateway, namespace)
    return {item["name"]: item for item in obj["spec"]["listeners"]}


def unit_status(run: BundleRun, unit: str) -> str:
    """`"active: <message>"` for one unit."""
    return str(run.sim.status(unit.split("/", maxsplit=1)[0]).units[unit])
