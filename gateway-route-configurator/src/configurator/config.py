"""The charm's configuration, validated: every bad value named with its option and why."""

from collections.abc import Mapping
from dataclasses import dataclass

from gateway_route import MAX_HOSTNAMES, validate_hostname
from http_routes import normalise_path

# Shown values are cut so that a Blocked status stays one readable line.
_SHOWN = 40


@dataclass(frozen=True)
class ConfigError:
    """One invalid option value; becomes the Blocked status."""

    option: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= _SHOWN else self.value[: _SHOWN - 1] + "…"
        return f"config {self.option}={shown!r}: {self.reason}"


@dataclass(frozen=True)
class Config:
    """What the operator asked for."""

    hostnames: tuple[str, ...]
    """`hostname` then `additional-hostnames`, without duplicates; empty: no hostname."""
    paths: tuple[str, ...]
    """Canonical path prefixes, in the order given, without duplicates; never empty."""


def parse_config(raw: Mapping[str, object]) -> Config | ConfigError:
    """Validate the three options; the first problem found wins."""
    hostname = str(raw.get("hostname") or "").strip()
    additional = _split(str(raw.get("additional-hostnames") or ""))
    paths_raw = str(raw.get("paths") or "")

    hostnames: list[str] = []
    if hostname:
        problem = _hostname_problem(hostname)
        if problem:
            return ConfigError("hostname", hostname, problem)
        hostnames.append(hostname)
    elif additional:
        return ConfigError(
            "additional-hostnames", ",".join(additional), "needs `hostname` to be set as well"
        )
    for item in additional:
        problem = _hostname_problem(item)
        if problem:
            return ConfigError("additional-hostnames", item, problem)
        if item not in hostnames:
            hostnames.append(item)
    if len(hostnames) > MAX_HOSTNAMES:
        return ConfigError(
            "additional-hostnames",
            ",".join(additional),
            f"{len(hostnames)} hostnames in all; the gateway serves at most {MAX_HOSTNAMES}",
        )

    paths: list[str] = []
    for item in _split(paths_raw) or ["/"]:
        try:
            path = normalise_path(item)
        except ValueError as error:
            return ConfigError("paths", item, str(error))
        if path not in paths:
            paths.append(path)
    return Config(hostnames=tuple(hostnames), paths=tuple(paths))


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _hostname_problem(value: str) -> str | None:
    try:
        validate_hostname(value)
    except ValueError as error:
        return str(error)
    return None
