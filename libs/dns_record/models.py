"""Wire models of the `dns_record` v0 relation, as bind's library reads and writes them.

Each side writes one key, `dns_entries`, holding one JSON array of objects (see `databag.py`).
The entry model accepts what today's bind (library LIBPATCH 6) accepts, not more: it is also
how a DNS stand-in reads us. What *we* ask for is stricter; `records.py` builds only that.
"""

import re
import uuid
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

KEY = "dns_entries"
"""The only databag key either side writes."""

UUID_NAMESPACE = uuid.UUID("f8f206da-a7f8-4206-b044-30be3724a09d")
"""The version-5 namespace Canonical's gateway-api-integrator derives its entry UUIDs from.

Sharing it means a refresh from that charm to ours re-sends identical entries: bind sees no
change and its answers keep matching.
"""

DEFAULT_TTL = 600
"""Seconds; what Canonical's gateway-api-integrator asks for."""

MAX_TTL = 2**31 - 1
"""RFC 2181 section 8: a TTL is an unsigned 31-bit number."""

RecordType = Literal[
    "A",
    "AAAA",
    "CNAME",
    "MX",
    "DKIM",
    "SPF",
    "DMARC",
    "TXT",
    "CAA",
    "SRV",
    "SVCB",
    "HTTPS",
    "PTR",
    "SOA",
    "NS",
    "DS",
    "DNSKEY",
]
"""Every `record_type` the provider library knows."""

Status = Literal[
    "approved", "permission_denied", "conflict", "invalid_data", "failure", "unknown", "pending"
]
"""Every per-entry answer a provider can give."""

STATUSES: frozenset[str] = frozenset(get_args(Status))

_DIGITS = re.compile(r"[0-9]+")


def _canonical_uuid(value: str) -> str:
    """The lowercase hyphenated form, so answers match requests however a side spells them."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        # A malformed uuid makes bind skip the whole relation, valid entries included.
        raise ValueError("must be a UUID") from None


def _ttl_from_digits(value: object) -> object:
    # Libraries from LIBPATCH 5 on write the TTL as a JSON string of digits; both forms are read.
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return value


def _status_or_unknown(value: object) -> object:
    # The provider library reads any status it does not know as "unknown".
    if isinstance(value, str) and value not in STATUSES:
        return "unknown"
    return value


EntryUuid = Annotated[str, AfterValidator(_canonical_uuid)]
Ttl = Annotated[int, BeforeValidator(_ttl_from_digits), Field(ge=0, le=MAX_TTL)]


class _Wire(BaseModel):
    # strict: the JSON carries the types, so true is not a TTL and 1 is not a name.
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")


class DnsEntry(_Wire):
    """One record the requirer asks for.

    Field order is the wire order Canonical's charm writes, so equal requests encode to equal
    bytes and a refresh from that charm fires no relation-changed.
    """

    domain: Annotated[str, Field(min_length=1)]
    """The zone the record goes into; bind becomes authoritative for it."""
    host_label: Annotated[str, Field(min_length=1)]
    """The name inside the zone; `@` is the zone apex."""
    ttl: Ttl
    """Required by today's bind (LIBPATCH 6), though older libraries had it optional."""
    record_class: Literal["IN"] = "IN"
    record_type: RecordType
    """Required by today's bind (LIBPATCH 6)."""
    record_data: str
    """The record's value. Only LIBPATCH 3 readers insist on an IP address here."""
    uuid: EntryUuid
    """Names this exact request; the provider's answer refers to it."""

    @property
    def name(self) -> str:
        """The full DNS name the record answers for."""
        return self.domain if self.host_label == "@" else f"{self.host_label}.{self.domain}"


class DnsAnswer(_Wire):
    """The provider's verdict on one entry."""

    uuid: EntryUuid
    status: Annotated[Status, BeforeValidator(_status_or_unknown)]
    description: str | None = None
    """For humans; providers leave the key out when they have nothing to say."""

    @model_serializer(mode="wrap")
    def _without_empty_description(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        if data.get("description") is None:
            data.pop("description", None)
        return data
