"""Each charm's charmcraft.yaml, read once, and the ops.testing Context it declares.

Unit tests, security rigs, fuzz worlds and the benchmark all run the real charms under
`ops.testing`; they build their Context here so the metadata they give it is always the one
`charmcraft pack` would ship.

    ctx = context("gateway-api-integrator", app_name="gateway")
    spec = charmcraft("gateway-route-configurator")   # a private copy, safe to change
"""

from __future__ import annotations

import copy
import functools
import importlib
from pathlib import Path
from typing import Any

import ops
import yaml
from ops import testing

__all__ = ["CHARMS", "REPO_ROOT", "charm_class", "charmcraft", "charmcraft_path", "context"]

REPO_ROOT = Path(__file__).resolve().parents[3]

CHARMS: dict[str, str] = {
    "gateway-api-integrator": "integrator.charm:GatewayApiIntegratorCharm",
    "gateway-route-configurator": "configurator.charm:GatewayRouteConfiguratorCharm",
}
"""Charm name -> its class as `module:Class`.

Imported on first use, so a suite that runs one charm never imports the other.
"""

_META_KEYS = ("name", "requires", "provides", "assumes")
_OPTIONAL_META_KEYS = ("peers",)


def charmcraft_path(charm: str) -> Path:
    """Where `charm`'s charmcraft.yaml lives (KeyError for a charm this repo does not hold)."""
    if charm not in CHARMS:
        raise KeyError(f"unknown charm {charm!r}; known: {', '.join(CHARMS)}")
    return REPO_ROOT / charm / "charmcraft.yaml"


@functools.cache
def _parsed(charm: str) -> dict[str, Any]:
    return yaml.safe_load(charmcraft_path(charm).read_text())


def charmcraft(charm: str) -> dict[str, Any]:
    """`charm`'s charmcraft.yaml, parsed once per process; each caller gets its own copy."""
    return copy.deepcopy(_parsed(charm))


@functools.cache
def charm_class(charm: str) -> type[ops.CharmBase]:
    """The CharmBase subclass `charm` runs."""
    module, _, name = CHARMS[charm].partition(":")
    return getattr(importlib.import_module(module), name)


def context(
    charm: str, *, app_name: str | None = None, app_trusted: bool = True
) -> testing.Context:
    """A fresh Context (a new pod) for `charm`, as its charmcraft.yaml declares it.

    `app_name` defaults to the charm's name, as Juju does; `app_trusted` is `juju trust`.
    """
    spec = _parsed(charm)
    meta = {key: spec[key] for key in _META_KEYS}
    meta.update({key: spec[key] for key in _OPTIONAL_META_KEYS if key in spec})
    return testing.Context(
        charm_class(charm),
        meta=meta,
        config=spec["config"],
        actions=spec.get("actions"),
        app_name=app_name,
        app_trusted=app_trusted,
    )
