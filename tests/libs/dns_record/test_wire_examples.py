"""The wire examples of the interface document, read and written by the library."""

import os
from pathlib import Path

import pytest

from dns_record import (
    DnsAnswer,
    DnsEntry,
    decode_answers,
    decode_entries,
    desired_records,
    encode_answers,
    encode_entries,
)

# The project's shared facts sit beside the repository (../shared); CI always has them there.
INTERFACE_DOC = Path(__file__).resolve().parents[3].parent / "shared/interfaces/dns-record-v0.md"

APP = "207ddfc1-8196-501a-af35-f041dedd4c1e"
WWW = "a5a23483-a6f8-5e75-975b-8e08f7b36056"

# The stored values exactly as the document prints them inside the outer YAML quotes.
GATEWAY_TWO_HOSTNAMES = (
    '[{"domain": "app.example.com", "host_label": "@", "ttl": 600, "record_class": "IN", '
    '"record_type": "A", "record_data": "10.1.2.3", "uuid": "207ddfc1-8196-501a-af35-'
    'f041dedd4c1e"}, {"domain": "www.example.com", "host_label": "@", "ttl": 600, '
    '"record_class": "IN", "record_type": "A", "record_data": "10.1.2.3", "uuid": '
    '"a5a23483-a6f8-5e75-975b-8e08f7b36056"}]'
)
TTL_AS_STRING = (
    '[{"domain": "app.example.com", "host_label": "@", "ttl": "600", "record_class": "IN", '
    '"record_type": "A", "record_data": "10.1.2.3", "uuid": "207ddfc1-8196-501a-af35-'
    'f041dedd4c1e"}]'
)
SHARED_ZONE_CNAME = (
    '[{"domain": "example.com", "host_label": "app", "ttl": 600, "record_class": "IN", '
    '"record_type": "CNAME", "record_data": "lb.example.net.", "uuid": "6f1c1b5e-4a53-4a8e-'
    '9a55-0b7b1f3f2a10"}]'
)
BIND_ANSWER = (
    '[{"uuid": "207ddfc1-8196-501a-af35-f041dedd4c1e", "status": "approved"}, {"uuid": '
    '"a5a23483-a6f8-5e75-975b-8e08f7b36056", "status": "conflict"}]'
)
ANSWER_WITH_DESCRIPTION = (
    '[{"uuid": "207ddfc1-8196-501a-af35-f041dedd4c1e", "status": "approved"}, {"uuid": '
    '"a5a23483-a6f8-5e75-975b-8e08f7b36056", "status": "conflict", "description": '
    '"duplicate"}]'
)
EXAMPLES = [
    GATEWAY_TWO_HOSTNAMES,
    TTL_AS_STRING,
    SHARED_ZONE_CNAME,
    BIND_ANSWER,
    ANSWER_WITH_DESCRIPTION,
]


def entry(hostname: str, uuid: str) -> DnsEntry:
    return DnsEntry(
        domain=hostname,
        host_label="@",
        ttl=600,
        record_class="IN",
        record_type="A",
        record_data="10.1.2.3",
        uuid=uuid,
    )


@pytest.mark.parametrize("value", EXAMPLES)
def test_interface_document_still_prints_the_example(value: str):
    if not INTERFACE_DOC.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{INTERFACE_DOC} is missing: CI runs with ../shared beside the checkout")
        pytest.skip(f"{INTERFACE_DOC} is not beside this checkout")
    doc_lines = [line.strip() for line in INTERFACE_DOC.read_text().splitlines()]
    assert f"dns_entries: '{value}'" in doc_lines


def test_two_hostnames_at_one_address_encode_exactly_as_canonicals_gateway_writes():
    wanted = desired_records(["www.example.com", "app.example.com"], ["10.1.2.3"])

    assert encode_entries(wanted.entries) == {"dns_entries": GATEWAY_TWO_HOSTNAMES}


def test_canonicals_gateway_entries_decode_to_the_entries_we_want():
    assert decode_entries({"dns_entries": GATEWAY_TWO_HOSTNAMES}) == [
        entry("app.example.com", APP),
        entry("www.example.com", WWW),
    ]


def test_ttl_written_as_a_string_by_newer_libraries_reads_as_the_same_entry():
    assert decode_entries({"dns_entries": TTL_AS_STRING}) == [entry("app.example.com", APP)]


def test_shared_zone_cname_example_reads_with_its_full_name():
    [cname] = decode_entries({"dns_entries": SHARED_ZONE_CNAME})  # type: ignore[misc]

    assert (cname.record_type, cname.record_data, cname.name) == (
        "CNAME",
        "lb.example.net.",
        "app.example.com",
    )


def test_shared_zone_cname_example_is_what_we_send_for_a_named_zone():
    # The example's uuid is illustrative (the document says so); the rest is ours exactly.
    [wanted] = desired_records(
        ["app.example.com"], ["lb.example.net"], zones=["example.com"]
    ).entries
    [example] = decode_entries({"dns_entries": SHARED_ZONE_CNAME})  # type: ignore[misc]

    assert wanted.model_copy(update={"uuid": example.uuid}) == example


def test_bind_answer_reads_per_uuid():
    assert decode_answers({"dns_entries": BIND_ANSWER}, [APP, WWW]) == {
        APP: DnsAnswer(uuid=APP, status="approved"),
        WWW: DnsAnswer(uuid=WWW, status="conflict"),
    }


def test_answer_with_a_description_keeps_it():
    answers = decode_answers({"dns_entries": ANSWER_WITH_DESCRIPTION}, [WWW])

    assert answers == {WWW: DnsAnswer(uuid=WWW, status="conflict", description="duplicate")}


def test_answers_encode_as_bind_writes_them_leaving_out_an_empty_description():
    answers = [
        DnsAnswer(uuid=APP, status="approved"),
        DnsAnswer(uuid=WWW, status="conflict", description="duplicate"),
    ]

    assert encode_answers([answers[0], answers[1].model_copy(update={"description": None})]) == {
        "dns_entries": BIND_ANSWER
    }
    assert encode_answers(answers) == {"dns_entries": ANSWER_WITH_DESCRIPTION}
