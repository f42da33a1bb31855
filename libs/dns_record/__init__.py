"""The requirer side of the `dns_record` v0 relation, as bind and its library speak it.

The package root holds only the pure parts (wire models, the entries a gateway wants, encoding,
the summary of answers), so a charm's plan can use them; the ops-side helper is
`dns_record.requirer.DnsRecordRequirer`. Wire format: ../shared/interfaces/dns-record-v0.md.
Usage from a reconcile::

    wanted = desired_records(served_hostnames, gateway_addresses)
    written = DnsRecordRequirer(self).publish(wanted.entries)
    for provider in DnsRecordRequirer(self).answers(entry.uuid for entry in wanted.entries):
        if isinstance(provider.answers, DataError):
            ...  # Blocked/Waiting naming provider.remote_app and the error
        else:
            summary = summarize(wanted.entries, provider.answers, just_published=written)
"""

from dns_record.databag import decode_answers, decode_entries, encode_answers, encode_entries
from dns_record.errors import DataError
from dns_record.models import (
    DEFAULT_TTL,
    KEY,
    MAX_TTL,
    STATUSES,
    UUID_NAMESPACE,
    DnsAnswer,
    DnsEntry,
    RecordType,
    Status,
)
from dns_record.records import (
    APEX,
    DesiredRecords,
    Target,
    Unpublished,
    desired_records,
    entry_uuid,
    gateway_targets,
    split_hostname,
    zone_problem,
)
from dns_record.summary import DnsSummary, Refusal, summarize

__version__ = "1.0.0"

__all__ = [
    "APEX",
    "DEFAULT_TTL",
    "KEY",
    "MAX_TTL",
    "STATUSES",
    "UUID_NAMESPACE",
    "DataError",
    "DesiredRecords",
    "DnsAnswer",
    "DnsEntry",
    "DnsSummary",
    "RecordType",
    "Refusal",
    "Status",
    "Target",
    "Unpublished",
    "__version__",
    "decode_answers",
    "decode_entries",
    "desired_records",
    "encode_answers",
    "encode_entries",
    "entry_uuid",
    "gateway_targets",
    "split_hostname",
    "summarize",
    "zone_problem",
]
