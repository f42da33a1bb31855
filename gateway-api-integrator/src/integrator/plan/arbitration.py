"""Who gets which hostname: conflicts and the gateway's default hostname.

Pure. The first claimant keeps a hostname: who is served what now (the tenancy) is recorded on
the Gateway and its ListenerSets (see `objects.read_tenancy`), so the decision survives pod
restarts and leader changes; among new claimants the lowest relation id wins, which is the
oldest relation in Juju. There is no capacity limit here: hostnames past one Gateway's 64
listeners are placed on further parents (placement.py).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gateway_route import RefusalReason, Refused
from integrator.plan.claims import Claim
from integrator.plan.policy import Policy

Tenancy = Mapping[str | None, frozenset[str]]
"""Hostname (None: the bare address) -> the namespaces it is served for right now."""


@dataclass(frozen=True)
class Served:
    """One hostname (None: the bare Gateway address) and the namespaces it is served for."""

    hostname: str | None
    namespaces: frozenset[str]
    """May be empty for the gateway's default hostname when nobody uses it yet."""
    relation_ids: frozenset[int]
    default: bool = False
    """The bare address or the gateway's external-hostname: always on the main Gateway."""


@dataclass(frozen=True)
class Arbitration:
    """The outcome: what is served, in priority order, and each relation's refusals.

    Priority: the default first, then hostnames already served, then the oldest asks; listener
    placement follows it, so the order is part of what keeps placement stable.
    """

    served: tuple[Served, ...]
    refused: Mapping[int, tuple[Refused, ...]] = field(default_factory=dict)

    def served_for(self, relation_id: int) -> list[Served]:
        """What a relation is given (before certificates are taken into account)."""
        return [item for item in self.served if relation_id in item.relation_ids]


def _refuse(
    refusals: dict[int, list[Refused]],
    claim: Claim,
    hostname: str,
    reason: str,
    message: str,
    *,
    fix: str | None = None,
) -> None:
    refusals.setdefault(claim.relation_id, []).append(
        Refused(hostname=hostname, reason=RefusalReason(reason), message=message, fix=fix)
    )


def _winner(claimants: list[Claim], serving: frozenset[str]) -> str:
    current = [claim for claim in claimants if claim.namespace in serving]
    return min(current or claimants, key=lambda claim: claim.relation_id).namespace


@dataclass(frozen=True)
class Rules:
    """What the operator configured that decides who may have which hostname."""

    external_hostname: str | None = None
    """The gateway's default hostname, shared by configurators that set none."""
    enforce_https: bool = False
    """With no default hostname, hostname-less requests are then unservable."""
    policy: Policy = field(default_factory=Policy)
    fix: str = ""
    """The command that changes the policy, for refusals it causes."""


def _claim_hostname(
    claim: Claim,
    hostname: str,
    rules: Rules,
    by_key: dict[str | None, list[Claim]],
    refusals: dict[int, list[Refused]],
) -> None:
    if hostname == rules.external_hostname:
        _refuse(
            refusals,
            claim,
            hostname,
            "conflict",
            f"{hostname} is the gateway's external-hostname, shared by every "
            "configurator that sets no hostname: unset hostname to be served there",
        )
    elif not rules.policy.allows(hostname, claim.namespace):
        fix = f"the gateway's operator decides: {rules.fix}" if rules.fix else None
        message = rules.policy.why_not(hostname)
        _refuse(refusals, claim, hostname, "not-allowed", message, fix=fix)
    else:
        by_key.setdefault(hostname, []).append(claim)


def _group(
    claims: Sequence[Claim], rules: Rules, refusals: dict[int, list[Refused]]
) -> dict[str | None, list[Claim]]:
    """Claimants per hostname (None: the bare address); invalid asks refused on the way."""
    external_hostname = rules.external_hostname
    by_key: dict[str | None, list[Claim]] = {}
    if external_hostname:
        by_key[external_hostname] = []  # always served: the operator configured it
    for claim in sorted(claims, key=lambda claim: claim.relation_id):
        for hostname, why in claim.invalid:
            _refuse(refusals, claim, hostname, "invalid", f"{hostname!r} {why}")
        if claim.wants_default:
            if external_hostname:
                by_key[external_hostname].append(claim)
            elif rules.enforce_https:
                _refuse(
                    refusals,
                    claim,
                    "",
                    "invalid",
                    "HTTPS is enforced and the gateway has no external-hostname: set hostname "
                    "on the configurator, or external-hostname on the gateway",
                )
            else:
                by_key.setdefault(None, []).append(claim)
        for hostname in claim.hostnames:
            _claim_hostname(claim, hostname, rules, by_key, refusals)
    return by_key


def tenant_serving(hostname: str | None, claims: Sequence[Claim], tenancy: Tenancy) -> str | None:
    """The namespace serving `hostname` as its own (not as the shared default), if any.

    Making that hostname the gateway's external-hostname would take it from its first
    claimant, so the charm refuses such a config value instead.
    """
    if not hostname:
        return None
    serving = tenancy.get(hostname, frozenset())
    defaults = {claim.namespace for claim in claims if claim.wants_default}
    for claim in sorted(claims, key=lambda claim: claim.relation_id):
        if hostname in claim.hostnames and claim.namespace in serving - defaults:
            return claim.namespace
    return None


def arbitrate(
    claims: Sequence[Claim],
    *,
    tenancy: Tenancy,
    external_hostname: str | None = None,
    enforce_https: bool = False,
    rules: Rules | None = None,
) -> Arbitration:
    """Decide every claim.

    Args:
        claims: every valid request (and kept claims for broken ones).
        tenancy: hostname (None: bare address) -> namespaces it is served for right now.
        external_hostname: the gateway's default hostname, shared by configurators that set none.
        enforce_https: with no default hostname, hostname-less requests are then unservable.
        rules: all of the operator's rules (instead of the two above), the policy included. A
            claim the policy does not allow never competes, so a hostname that is released
            goes only to a claimant the policy allows.
    """
    rules = rules or Rules(external_hostname, enforce_https)
    external_hostname = rules.external_hostname
    refusals: dict[int, list[Refused]] = {}
    by_key = _group(claims, rules, refusals)

    decided: list[Served] = []
    for key, claimants in by_key.items():
        if key is None or key == external_hostname:
            namespaces = frozenset(claim.namespace for claim in claimants)
            relation_ids = frozenset(c.relation_id for c in claimants)
            decided.append(Served(key, namespaces, relation_ids, default=True))
            continue
        winner = _winner(claimants, tenancy.get(key, frozenset()))
        winners = [claim for claim in claimants if claim.namespace == winner]
        apps = ", ".join(sorted({claim.application for claim in winners}))
        for claim in claimants:
            if claim.namespace != winner:
                _refuse(
                    refusals,
                    claim,
                    key,
                    "conflict",
                    # The fix is the requirer's to state (it knows its own config option).
                    f"{key} is already served for namespace {winner} ({apps})",
                )
        decided.append(Served(key, frozenset({winner}), frozenset(c.relation_id for c in winners)))

    served = sorted(decided, key=lambda item: _priority(item, tenancy))
    return Arbitration(
        served=tuple(served),
        refused={rid: tuple(items) for rid, items in sorted(refusals.items())},
    )


def _priority(item: Served, tenancy: Tenancy) -> tuple[int, int, str]:
    """The default first, then hostnames already served, then new ones by oldest relation."""
    tier = 0 if item.default else 1 if item.hostname in tenancy else 2
    oldest = min(item.relation_ids, default=0) if tier == 2 else 0
    return (tier, oldest, item.hostname or "")
