"""Decoding the other side's `dns_entries`: garbage is a DataError naming where, never raised."""

import json

import pytest

from dns_record import (
    KEY,
    DataError,
    DnsAnswer,
    decode_answers,
    decode_entries,
    desired_records,
    encode_entries,
)

OURS = "207ddfc1-8196-501a-af35-f041dedd4c1e"
ALSO_OURS = "a5a23483-a6f8-5e75-975b-8e08f7b36056"
THEIRS = "00000000-0000-4000-8000-0000000000ff"


def bag(items: object) -> dict[str, str]:
    return {KEY: json.dumps(items)}


def test_provider_that_wrote_nothing_has_no_answers_yet():
    assert decode_answers({}, [OURS]) is None
    assert decode_answers({"other": "x"}, [OURS]) is None


def test_an_empty_list_is_an_answer_with_nothing_for_us():
    assert decode_answers(bag([]), [OURS]) == {}


def test_other_applications_answers_are_left_out_unread():
    answers = decode_answers(
        bag(
            [
                {"uuid": THEIRS, "status": "conflict"},
                {"uuid": "not-a-uuid", "status": 7},
                {"status": "approved"},
                {"uuid": OURS, "status": "approved"},
            ]
        ),
        [OURS, ALSO_OURS],
    )

    assert answers == {OURS: DnsAnswer(uuid=OURS, status="approved")}


def test_our_uuids_match_however_the_provider_spells_them():
    answers = decode_answers(bag([{"uuid": OURS.upper(), "status": "approved"}]), [OURS])

    assert answers == {OURS: DnsAnswer(uuid=OURS, status="approved")}


def test_keys_other_than_dns_entries_are_ignored_even_when_not_json():
    # Canonical's requirer library refuses the whole databag for one such key; we need not.
    answers = decode_answers({**bag([{"uuid": OURS, "status": "approved"}]), "x": "{"}, [OURS])

    assert answers == {OURS: DnsAnswer(uuid=OURS, status="approved")}


@pytest.mark.parametrize(
    ("first", "second", "kept"),
    [
        ("approved", "conflict", "conflict"),
        ("conflict", "approved", "conflict"),
        ("approved", "approved", "approved"),
        ("unknown", "conflict", "unknown"),
    ],
)
def test_a_refusal_beats_an_approval_of_the_same_uuid(first: str, second: str, kept: str):
    items = [{"uuid": OURS, "status": first}, {"uuid": OURS, "status": second}]

    answers = decode_answers(bag(items), [OURS])

    assert isinstance(answers, dict)
    assert answers[OURS].status == kept


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("not json", "is not valid JSON", id="not-json"),
        pytest.param("", "is not valid JSON", id="empty"),
        pytest.param("[NaN]", "is not valid JSON", id="nan"),
        pytest.param("[" * 100_000, "nested too deeply", id="too-deep"),
        pytest.param('{"uuid": "x"}', "must be a JSON array of objects (got an object)", id="obj"),
        pytest.param('"[]"', "must be a JSON array", id="double-encoded"),
        pytest.param("null", "must be a JSON array", id="null"),
        pytest.param('["{\\"uuid\\": 1}"]', "[0]: must be an object", id="items-encoded-twice"),
        pytest.param("[1, 2]", "[0]: must be an object (got 1)", id="numbers"),
        pytest.param(f'[{{"uuid": "{OURS}"}}]', "[0].status: is missing", id="no-status"),
        pytest.param(
            f'[{{"uuid": "{OURS}", "status": 3}}]', "[0].status: ", id="status-not-a-string"
        ),
        pytest.param(
            f'[{{"uuid": "{THEIRS}", "status": "approved"}}, '
            f'{{"uuid": "{OURS}", "status": "approved", "description": ["x"]}}]',
            "[1].description: ",
            id="description-not-a-string",
        ),
    ],
)
def test_garbage_from_the_provider_is_a_data_error_naming_the_field(value: str, words: str):
    error = decode_answers({KEY: value}, [OURS])

    assert isinstance(error, DataError)
    assert error.field == KEY
    assert words in error.message
    assert str(error).startswith("dns-record: field 'dns_entries': ")


def test_a_long_garbage_value_is_shortened_in_the_message():
    error = decode_answers({KEY: "x" * 10_000}, [OURS])

    assert isinstance(error, DataError)
    assert len(error.message) < 120


def test_entries_round_trip_through_the_databag():
    wanted = desired_records(
        ["a.example.com", "b.example.com"], ["10.1.2.3", "2001:db8::1"], ttl=300
    ).entries

    assert decode_entries(encode_entries(wanted)) == list(wanted)


def test_withdrawing_writes_an_explicit_empty_list():
    assert encode_entries([]) == {KEY: "[]"}
    assert decode_entries({KEY: "[]"}) == []


def test_a_requirer_that_wrote_nothing_asks_for_nothing():
    assert decode_entries({}) == []


@pytest.mark.parametrize(
    ("items", "words"),
    [
        ([{"domain": "example.com"}], "[0].host_label: is missing"),
        ([5], "[0]: must be an object (got 5)"),
        (
            [
                {
                    "domain": "example.com",
                    "host_label": "@",
                    "ttl": 1,
                    "record_type": "A",
                    "record_data": "10.1.2.3",
                    "uuid": "nope",
                }
            ],
            "[0].uuid: must be a UUID",
        ),
    ],
)
def test_a_bad_requirer_entry_is_a_data_error_naming_its_position(items: list, words: str):
    error = decode_entries(bag(items))

    assert isinstance(error, DataError)
    assert words in error.message


def test_decode_entries_reports_a_value_that_is_not_json():
    assert isinstance(decode_entries({KEY: "{"}), DataError)
