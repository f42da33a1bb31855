"""The wire models accept what today's bind accepts, and refuse what it refuses."""

from typing import Any, get_args

import pytest
from pydantic import ValidationError

from dns_record import MAX_TTL, STATUSES, DnsAnswer, DnsEntry, RecordType

UUID = "207ddfc1-8196-501a-af35-f041dedd4c1e"
ENTRY: dict[str, Any] = {
    "domain": "app.example.com",
    "host_label": "@",
    "ttl": 600,
    "record_class": "IN",
    "record_type": "A",
    "record_data": "10.1.2.3",
    "uuid": UUID,
}


def with_(**changes: Any) -> dict[str, Any]:
    return {**ENTRY, **changes}


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in ENTRY.items() if k != key}


@pytest.mark.parametrize(
    ("data", "field", "value"),
    [
        pytest.param(with_(ttl="600"), "ttl", 600, id="ttl-digit-string"),
        pytest.param(with_(ttl=0), "ttl", 0, id="ttl-zero"),
        pytest.param(without("record_class"), "record_class", "IN", id="class-defaults-to-IN"),
        pytest.param(with_(record_data="not-an-ip"), "record_data", "not-an-ip", id="any-data"),
        pytest.param(with_(domain="x"), "domain", "x", id="domain-no-hostname-check"),
        pytest.param(with_(uuid=UUID.upper()), "uuid", UUID, id="uuid-canonical"),
        pytest.param(with_(uuid=UUID.replace("-", "")), "uuid", UUID, id="uuid-unhyphenated"),
        pytest.param(with_(extra="ignored"), "domain", "app.example.com", id="unknown-field"),
    ],
)
def test_entry_accepts(data: dict[str, Any], field: str, value: object):
    assert getattr(DnsEntry.model_validate(data), field) == value


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(without("uuid"), "uuid", id="no-uuid"),
        pytest.param(with_(uuid="not-a-uuid"), "uuid", id="bad-uuid"),
        pytest.param(with_(uuid=1), "uuid", id="uuid-number"),
        pytest.param(without("ttl"), "ttl", id="no-ttl-bind-requires-it"),
        pytest.param(without("record_type"), "record_type", id="no-type-bind-requires-it"),
        pytest.param(without("record_data"), "record_data", id="no-data"),
        pytest.param(with_(domain=""), "domain", id="empty-domain"),
        pytest.param(with_(host_label=""), "host_label", id="empty-label"),
        pytest.param(with_(record_class="CH"), "record_class", id="class-not-IN"),
        pytest.param(with_(record_type="a"), "record_type", id="type-lowercase"),
        pytest.param(with_(record_type="ANY"), "record_type", id="type-unknown"),
        pytest.param(with_(ttl=True), "ttl", id="ttl-boolean"),
        pytest.param(with_(ttl=-1), "ttl", id="ttl-negative"),
        pytest.param(with_(ttl="-1"), "ttl", id="ttl-signed-string"),
        pytest.param(with_(ttl="6e2"), "ttl", id="ttl-not-digits"),
        pytest.param(with_(ttl=600.0), "ttl", id="ttl-float"),
        pytest.param(with_(ttl=MAX_TTL + 1), "ttl", id="ttl-past-31-bits"),
        pytest.param(with_(record_data=None), "record_data", id="data-null"),
    ],
)
def test_entry_refuses(data: dict[str, Any], field: str):
    with pytest.raises(ValidationError) as error:
        DnsEntry.model_validate(data)
    assert error.value.errors()[0]["loc"][0] == field


def test_every_record_type_the_provider_knows_is_accepted():
    assert set(get_args(RecordType)) == {
        "A", "AAAA", "CNAME", "MX", "DKIM", "SPF", "DMARC", "TXT", "CAA",
        "SRV", "SVCB", "HTTPS", "PTR", "SOA", "NS", "DS", "DNSKEY",
    }  # fmt: skip
    for record_type in get_args(RecordType):
        assert DnsEntry.model_validate(with_(record_type=record_type)).record_type == record_type


@pytest.mark.parametrize(
    ("domain", "host_label", "name"),
    [("app.example.com", "@", "app.example.com"), ("example.com", "app", "app.example.com")],
)
def test_entry_name_is_the_full_name_it_answers_for(domain: str, host_label: str, name: str):
    assert DnsEntry.model_validate(with_(domain=domain, host_label=host_label)).name == name


def test_entry_serialises_in_canonicals_field_order_with_ttl_as_integer():
    entry = DnsEntry.model_validate(with_(ttl="600"))

    assert list(entry.model_dump(mode="json").items()) == list(ENTRY.items())


def test_every_documented_status_is_read_as_itself():
    assert {
        "approved", "permission_denied", "conflict", "invalid_data", "failure", "unknown",
        "pending",
    } == STATUSES  # fmt: skip
    for status in STATUSES:
        assert DnsAnswer.model_validate({"uuid": UUID, "status": status}).status == status


@pytest.mark.parametrize("status", ["invalid_credentials", "APPROVED", "", "rejected"])
def test_any_other_status_string_is_read_as_unknown(status: str):
    assert DnsAnswer.model_validate({"uuid": UUID, "status": status}).status == "unknown"


@pytest.mark.parametrize(
    "data",
    [
        {"uuid": UUID},
        {"uuid": UUID, "status": None},
        {"uuid": UUID, "status": 1},
        {"uuid": UUID, "status": "approved", "description": 5},
        {"uuid": "nope", "status": "approved"},
        {"status": "approved"},
    ],
)
def test_answer_refuses(data: dict[str, Any]):
    with pytest.raises(ValidationError):
        DnsAnswer.model_validate(data)


def test_answer_description_is_optional_and_left_out_when_empty():
    answer = DnsAnswer.model_validate({"uuid": UUID, "status": "approved", "description": None})

    assert answer.description is None
    assert answer.model_dump(mode="json") == {"uuid": UUID, "status": "approved"}
