"""Who gets which hostname: conflicts, the gateway's default hostname, and listener capacity.

Pure. The first claimant keeps a hostname: current holders come from the Gateway (see
`gateway.holders`), so the decision survives pod restarts and leader changes; among new
claimants the lowest relation id wins, which is the oldest relation in Juju.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gateway_route import RefusalReason, Refused
from integrator.claims import Claim

MAX_LISTENERS = 64
"""Gateway API caps `spec.listeners` at 64 (FIELD-NOTES, gateway-api#4519)."""


@dataclass(frozen=True)
class Served:
    """One hostname (None: the bare Gateway address) and the namespaces it is served for."""

    hostname: str | None
    namespaces: frozenset[str]
    """May be empty for the gateway's default hostname when nobody uses it yet."""
    relation_ids: frozenset[int]


@dataclass(frozen=True)
class Arbitration:
    """The outcome: what is served, in priority order, and each relation's refusals."""

    served: tuple[Served, ...]
    refused: Mapping[int, tuple[Refused, ...]] = field(default_factory=dict)

    def served_for(self, relation_id: int) -> list[Served]:
        """What a relation is given (before certificates are taken into account)."""
        return [item for item in self.served if relation_id in item.relation_ids]


def _refuse(
    refusals: dict[int, list[Refused]], claim: Claim, hostname: str, reason: str, message: str
) -> None:
    refusals.setdefault(claim.relation_id, []).append(
        Refused(hostname=hostname, reason=RefusalReason(reason), message=message)
    )


def _winner(hostname: str, claimants: list[Claim], held: frozenset[str]) -> str:
    holding = [claim for claim in claimants if claim.namespace in held]
    return min(holding or claimants, key=lambda claim: claim.relation_id).namespace


def _group(
    claims: Sequence[Claim],
    external_hostname: str | None,
    enforce_https: bool,
    refusals: dict[int, list[Refused]],
) -> dict[str | None, list[Claim]]:
    """Claimants per hostname (None: the bare address); invalid asks refused on the way."""
    by_key: dict[str | None, list[Claim]] = {}
    if external_hostname:
        by_key[external_hostname] = []  # always served: the operator configured it
    for claim in sorted(claims, key=lambda claim: claim.relation_id):
        for hostname, why in claim.invalid:
            _refuse(refusals, claim, hostname, "invalid", f"{hostname!r} {why}")
        if claim.wants_default:
            if external_hostname:
                by_key[external_hostname].append(claim)
            elif enforce_https:
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
            if hostname == external_hostname:
                _refuse(
                    refusals,
                    claim,
                    hostname,
                    "conflict",
                    f"{hostname} is the gateway's external-hostname, shared by every "
                    "configurator that sets no hostname: unset hostname to be served there",
                )
            else:
                by_key.setdefault(hostname, []).append(claim)
    return by_key


def arbitrate(
    claims: Sequence[Claim],
    *,
    held: Mapping[str | None, frozenset[str]],
    external_hostname: str | None,
    enforce_https: bool,
    listeners_per_hostname: int,
    max_listeners: int = MAX_LISTENERS,
) -> Arbitration:
    """Decide every claim.

    Args:
        claims: every valid request (and stand-ins for broken ones).
        held: hostname (None: bare address) -> namespaces it is served for right now.
        external_hostname: the gateway's default hostname, shared by configurators that set none.
        enforce_https: with no default hostname, hostname-less requests are then unservable.
        listeners_per_hostname: 2 when hostnames get HTTPS listeners, else 1.
        max_listeners: the Gateway's listener limit.
    """
    refusals: dict[int, list[Refused]] = {}
    by_key = _group(claims, external_hostname, enforce_https, refusals)

    decided: list[Served] = []
    for key, claimants in by_key.items():
        if key is None or key == external_hostname:
            namespaces = frozenset(claim.namespace for claim in claimants)
            decided.append(Served(key, namespaces, frozenset(c.relation_id for c in claimants)))
            continue
        winner = _winner(key, claimants, held.get(key, frozenset()))
        winners = [claim for claim in claimants if claim.namespace == winner]
        holders = ", ".join(sorted({claim.application for claim in winners}))
        for claim in claimants:
            if claim.namespace != winner:
                _refuse(
                    refusals,
                    claim,
                    key,
                    "conflict",
                    f"{key} is already served for namespace {winner} ({holders}); "
                    "choose another hostname or release it there first",
                )
        decided.append(Served(key, frozenset({winner}), frozenset(c.relation_id for c in winners)))

    served = _within_capacity(
        decided,
        by_key=by_key,
        held=held,
        external_hostname=external_hostname,
        listeners_per_hostname=listeners_per_hostname,
        max_listeners=max_listeners,
        refusals=refusals,
    )
    return Arbitration(
        served=tuple(served),
        refused={rid: tuple(items) for rid, items in sorted(refusals.items())},
    )


def _within_capacity(
    decided: list[Served],
    *,
    by_key: Mapping[str | None, list[Claim]],
    held: Mapping[str | None, frozenset[str]],
    external_hostname: str | None,
    listeners_per_hostname: int,
    max_listeners: int,
    refusals: dict[int, list[Refused]],
) -> list[Served]:
    """Keep what fits: the default first, then hostnames already served, then the oldest asks."""

    def priority(item: Served) -> tuple[int, int, str]:
        default = item.hostname is None or item.hostname == external_hostname
        tier = 0 if default else 1 if item.hostname in held else 2
        oldest = min(item.relation_ids, default=0) if tier == 2 else 0
        return (tier, oldest, item.hostname or "")

    kept: list[Served] = []
    used = 0
    for item in sorted(decided, key=priority):
        cost = 1 if item.hostname is None else listeners_per_hostname
        if used + cost <= max_listeners:
            kept.append(item)
            used += cost
            continue
        for claim in by_key[item.hostname]:
            _refuse(
                refusals,
                claim,
                item.hostname or "",
                "capacity",
                f"the gateway has no listener left for {item.hostname or 'its address'} "
                f"({max_listeners} per Gateway); remove unused hostnames",
            )
    return kept
