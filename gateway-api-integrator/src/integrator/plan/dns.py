"""The DNS records the gateway asks for on dns-record, and what the providers made of them. Pure.

One entry per served hostname at the Gateway's address (`dns_record.desired_records`); the same
entries go to every provider. Refusals and unreadable answers become status problems, because
the DNS side must act; nothing else changes for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dns_record import (
    KEY,
    DataError,
    decode_answers,
    desired_records,
    encode_entries,
    summarize,
)
from dns_record.models import DnsEntry
from integrator.plan.snapshot import DnsProvider

DNS_RELATION = "dns-record"


@dataclass(frozen=True)
class DnsPlan:
    """What to write on every dns-record relation, and the problems to show."""

    entries: tuple[DnsEntry, ...] | None = None
    """None: leave our databags as they are (no provider, or no Gateway address yet)."""
    problems: tuple[str, ...] = ()


def plan_dns(
    providers: Sequence[DnsProvider],
    hostnames: Iterable[str],
    addresses: Sequence[str],
    app: str,
) -> DnsPlan:
    """The entries for the served hostnames, and each provider's refusals.

    Without an address the records stay as they were: a Gateway whose status briefly lacks an
    address keeps its names resolving.
    """
    if not providers or not addresses:
        return DnsPlan()
    wanted = desired_records(hostnames, addresses)
    entries = wanted.entries
    problems = [
        f"{DNS_RELATION} cannot publish {item.hostname}: {item.reason}"
        for item in wanted.unpublished
    ]
    sent = encode_entries(entries)[KEY]
    for provider in providers:
        problems.extend(_refusals(provider, entries, sent, app))
    return DnsPlan(entries, tuple(problems))


def _refusals(
    provider: DnsProvider, entries: tuple[DnsEntry, ...], sent: str, app: str
) -> list[str]:
    who = provider.remote_app or f"relation {provider.relation_id}"
    if provider.theirs is None:
        return []
    answers = decode_answers(provider.theirs, [entry.uuid for entry in entries])
    if isinstance(answers, DataError):
        return [
            f"unreadable {DNS_RELATION} data from {who} (field {answers.field!r}: "
            f"{answers.message}): its operator must fix it, "
            f"or run: juju remove-relation {app}:{DNS_RELATION} {who}"
        ]
    changed = provider.ours.get(KEY) != sent
    summary = summarize(entries, answers, just_published=changed)
    return [
        f"{DNS_RELATION}: {who} refused {refusal.entry.name} {refusal.entry.record_type} "
        f"({refusal.reason}): its operator must resolve it"
        for refusal in summary.refused
    ]
