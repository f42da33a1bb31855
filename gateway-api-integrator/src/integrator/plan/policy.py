"""The operator's hostname policy: which models may claim which hostnames. Pure.

Syntax of `hostname-policy`: comma-separated entries `<pattern>=<model>[|<model>...]`, where a
pattern is a hostname (`shop.example.com`) or `*.` and a hostname (`*.blog.example.com`, which
matches any name ending in `.blog.example.com`, at any depth, but not `blog.example.com`
itself). For a hostname, the most specific matching entry decides: an exact pattern, else the
longest wildcard. With a policy set, a hostname no entry matches may not be claimed at all.
Empty: no policy, the first claimant of a hostname keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway_route import validate_hostname

_MODEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class Policy:
    """Pattern -> the models allowed to claim hostnames it matches."""

    entries: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def set(self) -> bool:
        """Whether there is a policy at all."""
        return bool(self.entries)

    def pattern_for(self, hostname: str) -> str | None:
        """The entry that decides for `hostname`, if any."""
        if hostname in self.entries:
            return hostname
        wildcards = [p for p in self.entries if p.startswith("*.") and hostname.endswith(p[1:])]
        return max(wildcards, key=len, default=None)

    def allows(self, hostname: str, model: str) -> bool:
        """Whether `model` may claim `hostname` (always, without a policy)."""
        if not self.set:
            return True
        pattern = self.pattern_for(hostname)
        return pattern is not None and model in self.entries[pattern]

    def why_not(self, hostname: str) -> str:
        """The refusal's words for a hostname `allows` refused."""
        pattern = self.pattern_for(hostname)
        if pattern is None:
            return f"the gateway's hostname-policy has no entry for {hostname}"
        models = ", ".join(sorted(self.entries[pattern]))
        return f"the gateway's hostname-policy lets only model(s) {models} claim {pattern}"


def parse_policy(value: str) -> Policy | tuple[str, str]:
    """The policy, or (the entry at fault, why) for the first bad entry."""
    entries: dict[str, frozenset[str]] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        pattern, sep, models = (part.strip() for part in entry.partition("="))
        if not sep or not models:
            return entry, "must be <hostname or *.domain>=<model>[|<model>...]"
        try:
            validate_hostname(pattern.removeprefix("*."))
        except ValueError as error:
            return entry, f"pattern {pattern!r} {error}"
        names = {name.strip() for name in models.split("|")}
        bad = sorted(name for name in names if not _MODEL.fullmatch(name))
        if bad:
            return entry, f"{bad[0]!r} is not a Juju model name"
        if pattern in entries:
            return entry, f"pattern {pattern} is given twice"
        entries[pattern] = frozenset(names)
    return Policy(entries)
