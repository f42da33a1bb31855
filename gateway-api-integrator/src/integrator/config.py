"""The charm's configuration as one typed, validated value.

Bad config never becomes a hook error: `load_config` raises `ConfigError`, which the charm shows
as a Blocked status naming the option and the command that fixes it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from gateway_route import validate_hostname


class ConfigError(Exception):
    """One option's value is unusable; the message names the option and the fix."""

    def __init__(self, option: str, problem: str, fix: str):
        super().__init__(f"config {option} {problem}; run: {fix}")
        self.option = option


@dataclass(frozen=True)
class Config:
    """What the operator asked for, validated."""

    gateway_class: str | None
    """None: pick the cluster's only GatewayClass."""
    external_hostname: str | None
    enforce_https: bool
    hsts_max_age: int


def load_config(raw: Mapping[str, object], app: str) -> Config:
    """Validate the charm config (`app` only shapes the fix commands in errors).

    Raises:
        ConfigError: for the first unusable option.
    """
    gateway_class = str(raw.get("gateway-class") or "").strip() or None

    external_hostname = str(raw.get("external-hostname") or "").strip() or None
    if external_hostname is not None:
        try:
            validate_hostname(external_hostname)
        except ValueError as error:
            raise ConfigError(
                "external-hostname",
                f"{external_hostname!r} {error}",
                f"juju config {app} external-hostname=<a DNS name like gateway.example.com>",
            ) from None

    hsts_max_age = raw.get("hsts-max-age", 31536000)
    if not isinstance(hsts_max_age, int) or isinstance(hsts_max_age, bool) or hsts_max_age < 0:
        raise ConfigError(
            "hsts-max-age",
            f"is {hsts_max_age!r}, must be a whole number of seconds >= 0",
            f"juju config {app} hsts-max-age=31536000",
        )

    return Config(
        gateway_class=gateway_class,
        external_hostname=external_hostname,
        enforce_https=bool(raw.get("enforce-https", True)),
        hsts_max_age=hsts_max_age,
    )
