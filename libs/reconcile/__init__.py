"""The shape both charms' reconciles share: observe -> plan (pure) -> act.

Pure (no `ops`): a charm's plan is a `KubePlan` (the objects to own, the status to show, the
lines to log) plus its own relation answers; `reconcile.unit` is the one ops-side module, for
the act step. Every Blocked message says what is wrong, whose side must act, and the command
that fixes it.
"""

from reconcile.plan import KubePlan
from reconcile.status import (
    STANDBY,
    ConfigProblem,
    Log,
    Status,
    active,
    api_failure,
    blocked,
    gateway_api_missing,
    not_owned,
    short,
    some,
    trust_command,
    waiting,
)

__all__ = [
    "STANDBY",
    "ConfigProblem",
    "KubePlan",
    "Log",
    "Status",
    "active",
    "api_failure",
    "blocked",
    "gateway_api_missing",
    "not_owned",
    "short",
    "some",
    "trust_command",
    "waiting",
]
