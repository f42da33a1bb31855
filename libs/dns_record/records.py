"""The entries a gateway asks for: one record per served hostname, at the Gateway's address.

Pure: hostnames and addresses in, entries out, so the same input always gives the same
entries (and the same UUIDs), in a plan or in a dry run.
"""

import ipaddress
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from dns_record.models import DEFAULT_TTL, UUID_NAMESPACE, DnsEntry, RecordType

MAX_NAME_LENGTH = 253
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")

APEX = "@"


class Target(NamedTuple):
    """What a served hostname points at: a record type and its data."""

    record_type: RecordType
    record_data: str


class Unpublished(NamedTuple):
    """A served hostname that gets no record, and why (for the status and the log)."""

    hostname: str
    reason: str


@dataclass(frozen=True)
class DesiredRecords:
    """What to write to the DNS provider, and which hostnames cannot be published."""

    entries: tuple[DnsEntry, ...]
    """Sorted by hostname, then record type; empty means "withdraw every record"."""
    unpublished: tuple[Unpublished, ...]
    """Sorted by hostname."""


def desired_records(
    hostnames: Iterable[str],
    addresses: Iterable[str],
    *,
    zones: Iterable[str] = (),
    ttl: int = DEFAULT_TTL,
) -> DesiredRecords:
    """One entry per served hostname and address family, at the Gateway's address.

    Args:
        hostnames: the hostnames the Gateway serves (any order, duplicates allowed).
        addresses: the Gateway's addresses, in the controller's order: IPs or DNS names.
        zones: zones the DNS provider serves that hold several of our names; a hostname under
            one is sent as a label in the longest such zone. Any other hostname is sent as the
            apex of its own zone, as Canonical's gateway-api-integrator does.
        ttl: seconds.

    Raises:
        ValueError: if `ttl` is not from 0 to 2**31 - 1 (a bug in the caller's validation).
    """
    targets = gateway_targets(addresses)
    known_zones = sorted(
        {_normalised(zone) for zone in zones if zone_problem(zone) is None},
        key=len,
        reverse=True,
    )
    entries: list[DnsEntry] = []
    unpublished: list[Unpublished] = []
    for hostname in sorted(set(map(_normalised, hostnames))):
        problem = _name_problem(hostname, min_labels=2)
        if problem is None and not targets:
            problem = "the Gateway has no address a DNS record can point at yet"
        if problem is not None:
            unpublished.append(Unpublished(hostname, problem))
            continue
        domain, host_label = split_hostname(hostname, known_zones)
        if host_label == APEX and targets[0].record_type == "CNAME":
            # RFC 1034 section 3.6.2: a CNAME cannot sit beside the SOA and NS of a zone apex.
            name = targets[0].record_data.removesuffix(".")
            reason = (
                f"the Gateway's address is a name ({name}) and a CNAME cannot be a zone's "
                f"apex; name the DNS zone that holds {hostname}"
            )
            unpublished.append(Unpublished(hostname, reason))
            continue
        entries.extend(_entry(hostname, domain, host_label, target, ttl) for target in targets)
    return DesiredRecords(tuple(entries), tuple(unpublished))


def gateway_targets(addresses: Iterable[str]) -> list[Target]:
    """What every hostname points at: the first IP of each family, else the first DNS name.

    A for IPv4, AAAA for IPv6, CNAME for a name. One record per type: bind refuses two
    entries of the same name and type with different data (both get `conflict`), so
    round-robin is not possible. A CNAME may not share its name with any other record
    (RFC 1034 section 3.6.2), so names are used only without IPs.
    Addresses that are neither are skipped.
    """
    by_type: dict[RecordType, str] = {}
    for address in addresses:
        record_type, data = _classified(address)
        if record_type is not None:
            by_type.setdefault(record_type, data)
    if "A" in by_type or "AAAA" in by_type:
        by_type.pop("CNAME", None)
    return [Target(record_type, by_type[record_type]) for record_type in sorted(by_type)]


def split_hostname(hostname: str, zones: Iterable[str] = ()) -> tuple[str, str]:
    """(domain, host_label): a label in the longest zone holding it, else its own zone's apex.

    bind becomes authoritative for every `domain` it is sent, so guessing a parent zone would
    claim names the operator never delegated to it.
    """
    best = max(
        (zone for zone in zones if hostname == zone or hostname.endswith("." + zone)),
        key=len,
        default=None,
    )
    if best is None or best == hostname:
        return hostname, APEX
    return best, hostname[: -len(best) - 1]


def entry_uuid(hostname: str, record_data: str, domain: str, ttl: int) -> str:
    """A UUID that names one exact request, the same on every run.

    It changes with the data, so a provider's answer always refers to what we ask now, never
    to the address we asked for before. For the form Canonical's gateway-api-integrator sends
    (own zone, apex, 600 s) it is that charm's UUID, so a refresh to this charm sends identical
    entries; any other placement or TTL is part of the name.
    """
    name = f"{hostname} {record_data}"
    if (domain, ttl) != (hostname, DEFAULT_TTL):
        name = f"{name} {domain} {ttl}"
    return str(uuid.uuid5(UUID_NAMESPACE, name))


def zone_problem(zone: str) -> str | None:
    """Why `zone` cannot be used as a zone (for config validation), or None when it can."""
    return _name_problem(_normalised(zone), min_labels=1)


def _entry(hostname: str, domain: str, host_label: str, target: Target, ttl: int) -> DnsEntry:
    return DnsEntry(
        domain=domain,
        host_label=host_label,
        ttl=ttl,
        record_class="IN",
        record_type=target.record_type,
        record_data=target.record_data,
        uuid=entry_uuid(hostname, target.record_data, domain, ttl),
    )


def _classified(address: str) -> tuple[RecordType | None, str]:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        name = _normalised(address)
        if _name_problem(name, min_labels=2) is None:
            # Absolute, or bind would read it relative to the zone (lb.example.net.example.com).
            return "CNAME", name + "."
        return None, address
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        return None, address  # a link-local scope means nothing to a DNS client
    return ("A" if ip.version == 4 else "AAAA"), str(ip)


def _normalised(name: str) -> str:
    """DNS names compare without case, and a trailing dot only says "absolute"."""
    return name.strip().lower().removesuffix(".")


def _name_problem(name: str, *, min_labels: int) -> str | None:
    labels = name.split(".") if name else []
    bad = next((label for label in labels if not _LABEL.fullmatch(label)), None)
    checks = (
        (not name, "is empty"),
        ("*" in name, "is a wildcard; a record is published per hostname"),
        (len(name) > MAX_NAME_LENGTH, f"is longer than {MAX_NAME_LENGTH} characters"),
        (len(labels) < min_labels, f"must have at least {min_labels} labels"),
        (bad is not None, f"label {bad!r} is not a DNS label (a-z, 0-9 and inner '-', ≤ 63)"),
        # RFC 3696 section 2: an all-numeric top-level label reads as an IP address.
        (bool(labels) and labels[-1].isdigit(), "last label is all digits, like an IP address"),
    )
    return next((reason for failed, reason in checks if failed), None)
