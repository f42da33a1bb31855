"""A DNS provider stand-in on `dns_record` v0, written from the fact sheet, not from our library.

It plays bind's provider side as ../shared/interfaces/dns-record-v0.md documents it (sections 2
to 5), so a run checks the gateway's `dns_record` library against the documented wire instead
of against itself. Nothing here imports `dns_record`.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from modelsim import DatabagUpdate, Participant, RelationView, Simulation

DNS_ENDPOINT = "dns-record"  # as bind names it
KEY = "dns_entries"  # fact sheet section 2: the only key either side writes
RECORD_TYPES = (  # section 3
    *("A", "AAAA", "CNAME", "MX", "DKIM", "SPF", "DMARC", "TXT", "CAA"),
    *("SRV", "SVCB", "HTTPS", "PTR", "SOA", "NS", "DS", "DNSKEY"),
)


@dataclasses.dataclass(frozen=True, order=True)
class Record:
    """One resource record; equal records from two requirers are one record (section 4)."""

    domain: str
    host_label: str
    record_class: str
    record_type: str
    record_data: str
    ttl: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What bind's conflict rule compares: not the full name, not the data or TTL."""
        return (self.domain, self.host_label, self.record_class, self.record_type)

    @property
    def name(self) -> str:
        """The full name it answers for (`@` is the zone apex)."""
        return self.domain if self.host_label == "@" else f"{self.host_label}.{self.domain}"

    def __str__(self) -> str:
        return f"{self.name} {self.ttl} {self.record_class} {self.record_type} {self.record_data}"


@dataclasses.dataclass(frozen=True)
class Request:
    """One requirer entry with a uuid: a valid record, or the reasons it is invalid."""

    uuid: str
    requirer: str
    record: Record | None
    errors: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Decision:
    """The provider's verdict on one request; `status` None means it answers nothing."""

    request: Request
    status: str | None
    description: str | None = None

    def wire(self) -> dict[str, str]:
        """Section 4: `uuid`, `status`, and `description` only when set."""
        item = {"uuid": self.request.uuid, "status": str(self.status)}
        if self.description is not None:
            item["description"] = self.description
        return item


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """What the provider served and answered after one scenario step."""

    label: str
    served: tuple[Record, ...]
    decisions: tuple[Decision, ...]


def read_requests(requirer: str, databag: Mapping[str, str]) -> list[Request] | None:
    """A requirer's entries as bind reads them (section 3); None: the relation is skipped.

    A missing key is no entries. A value that is not a JSON array, or an entry whose `uuid` is
    there but is not a UUID, hides the whole relation. An entry without `uuid` (null, or not an
    object so has none: the fact sheet does not say, read as missing) is dropped silently. The
    answer names the uuid in its canonical lowercase form, as a parsed UUID prints.
    """
    raw = databag.get(KEY)
    if raw is None:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    requests: list[Request] = []
    for item in items:
        if not isinstance(item, dict) or item.get("uuid") is None:
            continue
        entry: dict[str, Any] = item
        canonical = _uuid(entry["uuid"])
        if canonical is None:
            return None
        record, errors = _record(entry)
        requests.append(Request(canonical, requirer, record, tuple(errors)))
    return requests


def decide(
    requests: Sequence[Request], existing: Iterable[Record] = (), *, answer_invalid: bool = False
) -> tuple[list[Decision], list[Record]]:
    """Each request's verdict, and the records served (section 4).

    `approved` unless another *different* record (other data or TTL) has the same domain,
    host_label, class and type, among every requirer's entries and the `existing` ones; then
    `conflict`. Invalid entries get no answer, as from bind, or `invalid_data` with the errors
    as description when `answer_invalid` (what the provider library itself produces). Served:
    the approved records and the existing ones; a conflicting request gets no record.
    """
    existing = list(existing)
    distinct: dict[tuple[str, str, str, str], set[Record]] = defaultdict(set)
    for record in [*existing, *(r.record for r in requests if r.record is not None)]:
        distinct[record.key].add(record)
    decisions: list[Decision] = []
    for request in requests:
        if request.record is None:
            invalid = Decision(request, "invalid_data", "; ".join(request.errors))
            decisions.append(invalid if answer_invalid else Decision(request, None))
        elif len(distinct[request.record.key]) > 1:
            decisions.append(Decision(request, "conflict"))
        else:
            decisions.append(Decision(request, "approved"))
    approved = {d.request.record for d in decisions if d.status == "approved"}
    served = sorted({*existing, *(r for r in approved if r is not None)})
    return decisions, served


def answers_databag(decisions: Iterable[Decision]) -> dict[str, str]:
    """The provider's databag: one JSON array of every answer, statuses only (section 4)."""
    return {KEY: json.dumps([d.wire() for d in decisions if d.status is not None])}


class DnsProviderApp(Participant):
    """bind's provider side of `dns_record` v0 (fact sheet sections 2, 4 and 5).

    On any change of a dns-record relation it reads every requirer's `dns_entries`, decides
    per entry and writes one combined answer list to **every** dns-record relation, as bind's
    leader does. Like bind it ignores relation-broken: a removed requirer's records stay served
    until the next change on another relation. `existing` records stand for zones the
    operator already has (other requirers, or records managed outside Juju), to provoke a
    conflict. `served` is what it would put in its zones, `history` a snapshot per step.
    """

    def __init__(self, existing: Iterable[Record] = (), *, answer_invalid: bool = False) -> None:
        self.meta = {"provides": {DNS_ENDPOINT: {"interface": "dns_record"}}}
        self.existing = tuple(existing)
        self.answer_invalid = answer_invalid
        self.served: tuple[Record, ...] = tuple(sorted(self.existing))
        self.decisions: tuple[Decision, ...] = ()
        self.history: list[Snapshot] = []

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        """Reconcile over all dns-record relations; answer this one, write the others."""
        mine = f"{relation.app}:{DNS_ENDPOINT}"
        others: list[tuple[int, str]] = []
        requests: list[Request] = []
        for bag in sim.databags():
            if mine not in bag["ends"]:
                continue
            requirer = next(end for end in bag["ends"] if end != mine).split(":")[0]
            others.append((bag["id"], requirer))
            requests += read_requests(requirer, bag["app_data"].get(requirer, {})) or []
        decisions, served = decide(requests, self.existing, answer_invalid=self.answer_invalid)
        self.decisions, self.served = tuple(decisions), tuple(served)
        update = DatabagUpdate(app=answers_databag(decisions))
        for relation_id, _ in others:
            if relation_id != relation.id:
                sim.write_databags(relation.app, relation_id, update)
        return update

    def checkpoint(self, label: str) -> Snapshot:
        """Remember what is served and answered now, under `label` (a step)."""
        snapshot = Snapshot(label, self.served, self.decisions)
        self.history.append(snapshot)
        return snapshot


def _uuid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _record(entry: Mapping[str, Any]) -> tuple[Record | None, list[str]]:
    """Section 3, the LIBPATCH 6 column (bind today): the fields, their types, the defaults."""
    errors = [
        f"{field}: must be a non-empty string"
        for field in ("domain", "host_label")
        if not isinstance(entry.get(field), str) or not entry[field]
    ]
    ttl = _ttl(entry.get("ttl"))
    if ttl is None:
        errors.append("ttl: must be an integer or a string of digits")
    if entry.get("record_class", "IN") != "IN":
        errors.append("record_class: must be IN")
    record_type = entry.get("record_type")
    if not isinstance(record_type, str) or record_type not in RECORD_TYPES:
        errors.append("record_type: must be one of " + ", ".join(RECORD_TYPES))
    if not isinstance(entry.get("record_data"), str):
        errors.append("record_data: must be a string")
    if errors or ttl is None:
        return None, errors
    fields = {k: entry[k] for k in ("domain", "host_label", "record_type", "record_data")}
    return Record(record_class="IN", ttl=ttl, **fields), []


def _ttl(value: object) -> int | None:
    """A JSON integer, or a string of digits as libraries from LIBPATCH 5 write it."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
