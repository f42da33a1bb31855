"""Charm metadata as Juju reads it: endpoints, config options, actions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from modelsim.errors import SimulationError

Role = Literal["requires", "provides", "peers"]
ROLES: tuple[Role, ...] = ("requires", "provides", "peers")


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One relation endpoint of a charm."""

    name: str
    interface: str
    role: Role
    limit: int | None


@dataclasses.dataclass(frozen=True)
class CharmMeta:
    """Metadata split the way `ops.testing.Context` takes it."""

    meta: dict[str, Any]
    config: dict[str, Any] | None
    actions: dict[str, Any] | None

    def endpoints(self) -> list[Endpoint]:
        """Every endpoint declared under requires, provides and peers."""
        found: list[Endpoint] = []
        for role in ROLES:
            for name, declared in (self.meta.get(role) or {}).items():
                spec = declared or {}
                found.append(Endpoint(name, spec.get("interface", ""), role, spec.get("limit")))
        return found

    def endpoint(self, name: str) -> Endpoint:
        """The endpoint called `name`; a clear error when the charm has none."""
        for endpoint in self.endpoints():
            if endpoint.name == name:
                return endpoint
        known = ", ".join(e.name for e in self.endpoints()) or "none"
        raise SimulationError(f"no endpoint {name!r} in metadata (endpoints: {known})")

    def config_defaults(self) -> dict[str, Any]:
        """Default values of config options that have one."""
        options = (self.config or {}).get("options") or {}
        return {name: opt["default"] for name, opt in options.items() if "default" in opt}


def load_charm_meta(source: Path | str | Mapping[str, Any]) -> CharmMeta:
    """Read a charmcraft.yaml (path) or take its parsed form (mapping).

    A mapping may also be plain metadata.yaml content with optional `config` and `actions` keys,
    which is what toy charms in tests pass.
    """
    if isinstance(source, Mapping):
        raw = dict(source)
    else:
        raw = yaml.safe_load(Path(source).read_text()) or {}
    config = raw.pop("config", None)
    actions = raw.pop("actions", None)
    if "name" not in raw:
        raise SimulationError("charm metadata needs a `name`")
    return CharmMeta(meta=raw, config=config, actions=actions)
