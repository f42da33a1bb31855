"""The charm's configuration as one typed, validated value.

Bad config never becomes a hook error: `load_config` returns a `ConfigProblem`, which the plan
shows as Blocked (naming the option and the command that fixes it) while everything served
before keeps being served.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway_route import validate_hostname
from integrator.plan.policy import Policy, parse_policy
from reconcile import ConfigProblem

DEFAULT_HSTS_MAX_AGE = 31536000


@dataclass(frozen=True)
class Config:
    """What the operator asked for, validated."""

    gateway_class: str | None
    """None: pick the cluster's only GatewayClass."""
    external_hostname: str | None
    enforce_https: bool
    hsts_max_age: int
    hostname_policy: Policy = field(default_factory=Policy)
    """Which models may claim which hostnames; unset: the first claimant keeps a hostname."""


def valid_external_hostname(raw: Mapping[str, object]) -> str | None:
    """`external-hostname` if it is set and valid, else None."""
    value = str(raw.get("external-hostname") or "").strip()
    try:
        return validate_hostname(value) if value else None
    except ValueError:
        return None


def load_config(raw: Mapping[str, object], app: str) -> Config | ConfigProblem:
    """Validate the charm config (`app` only shapes the fix commands); the first problem wins."""
    external_hostname = str(raw.get("external-hostname") or "").strip() or None
    if external_hostname is not None:
        try:
            validate_hostname(external_hostname)
        except ValueError as error:
            return ConfigProblem(
                "external-hostname",
                external_hostname,
                str(error),
                f"juju config {app} external-hostname=<a DNS name like gateway.example.com>",
            )

    hsts_max_age = raw.get("hsts-max-age", DEFAULT_HSTS_MAX_AGE)
    if not isinstance(hsts_max_age, int) or isinstance(hsts_max_age, bool) or hsts_max_age < 0:
        return ConfigProblem(
            "hsts-max-age",
            str(hsts_max_age),
            "must be a whole number of seconds >= 0",
            f"juju config {app} hsts-max-age={DEFAULT_HSTS_MAX_AGE}",
        )

    policy = parse_policy(str(raw.get("hostname-policy") or ""))
    if isinstance(policy, tuple):
        entry, why = policy
        return ConfigProblem(
            "hostname-policy",
            entry,
            why,
            f"juju config {app} hostname-policy='shop.example.com=shop,*.blog.example.com=blog'",
        )

    return Config(
        gateway_class=str(raw.get("gateway-class") or "").strip() or None,
        external_hostname=external_hostname,
        enforce_https=bool(raw.get("enforce-https", True)),
        hsts_max_age=hsts_max_age,
        hostname_policy=policy,
    )
