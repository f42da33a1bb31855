"""Which entries a gateway asks for, given the hostnames it serves and its addresses."""

import uuid

import pytest

from dns_record import (
    DEFAULT_TTL,
    UUID_NAMESPACE,
    DnsEntry,
    Target,
    Unpublished,
    desired_records,
    entry_uuid,
    gateway_targets,
    split_hostname,
    zone_problem,
)


def kinds(entries: tuple[DnsEntry, ...]) -> list[tuple[str, str, str, str]]:
    return [(e.domain, e.host_label, e.record_type, e.record_data) for e in entries]


def test_each_served_hostname_gets_an_apex_a_record_in_its_own_zone_sorted():
    wanted = desired_records(["www.example.com", "app.example.com"], ["10.1.2.3"])

    assert kinds(wanted.entries) == [
        ("app.example.com", "@", "A", "10.1.2.3"),
        ("www.example.com", "@", "A", "10.1.2.3"),
    ]
    assert all((e.ttl, e.record_class) == (DEFAULT_TTL, "IN") for e in wanted.entries)
    assert wanted.unpublished == ()


def test_hostnames_compare_without_case_or_trailing_dot():
    wanted = desired_records(["App.Example.com.", "app.example.com"], ["10.1.2.3"])

    assert kinds(wanted.entries) == [("app.example.com", "@", "A", "10.1.2.3")]


def test_no_hostnames_means_an_empty_list_which_withdraws_every_record():
    assert desired_records([], ["10.1.2.3"]).entries == ()


@pytest.mark.parametrize(
    ("addresses", "expected"),
    [
        pytest.param(["10.1.2.3"], [Target("A", "10.1.2.3")], id="ipv4"),
        pytest.param(["2001:DB8:0::1"], [Target("AAAA", "2001:db8::1")], id="ipv6-canonical"),
        pytest.param(
            ["2001:db8::1", "10.1.2.3"],
            [Target("A", "10.1.2.3"), Target("AAAA", "2001:db8::1")],
            id="dual-stack",
        ),
        pytest.param(
            ["10.1.2.3", "10.1.2.4", "2001:db8::1", "2001:db8::2"],
            [Target("A", "10.1.2.3"), Target("AAAA", "2001:db8::1")],
            id="first-of-each-family-only",
        ),
        pytest.param(["LB.example.net."], [Target("CNAME", "lb.example.net.")], id="name"),
        pytest.param(
            ["lb.example.net", "10.1.2.3"], [Target("A", "10.1.2.3")], id="ip-beats-name"
        ),
        pytest.param(
            ["fe80::1%eth0", "gateway", "not an address", "", "10.1.2.3"],
            [Target("A", "10.1.2.3")],
            id="unusable-skipped",
        ),
        pytest.param([], [], id="none"),
    ],
)
def test_gateway_targets(addresses: list[str], expected: list[Target]):
    assert gateway_targets(addresses) == expected


def test_dual_stack_gateway_gets_an_a_and_an_aaaa_entry_per_hostname():
    wanted = desired_records(["app.example.com"], ["2001:db8::1", "10.1.2.3"])

    assert kinds(wanted.entries) == [
        ("app.example.com", "@", "A", "10.1.2.3"),
        ("app.example.com", "@", "AAAA", "2001:db8::1"),
    ]
    assert len({e.uuid for e in wanted.entries}) == 2


def test_a_name_address_becomes_an_absolute_cname_in_the_named_zone():
    wanted = desired_records(["app.example.com"], ["lb.example.net"], zones=["example.com"])

    assert kinds(wanted.entries) == [("example.com", "app", "CNAME", "lb.example.net.")]


def test_a_cname_is_never_sent_at_a_zone_apex():
    own_zone = desired_records(["app.example.com"], ["lb.example.net"])
    named_zone = desired_records(["example.com"], ["lb.example.net"], zones=["example.com"])

    for wanted, hostname in ((own_zone, "app.example.com"), (named_zone, "example.com")):
        assert wanted.entries == ()
        [unpublished] = wanted.unpublished
        assert unpublished.hostname == hostname
        assert "apex" in unpublished.reason
        assert "lb.example.net" in unpublished.reason


def test_without_an_address_every_hostname_is_unpublished_saying_so():
    wanted = desired_records(["b.example.com", "a.example.com"], ["not-an-ip_"])

    assert wanted.entries == ()
    assert [u.hostname for u in wanted.unpublished] == ["a.example.com", "b.example.com"]
    assert all("no address" in u.reason for u in wanted.unpublished)


@pytest.mark.parametrize(
    ("hostname", "words"),
    [
        ("*.example.com", "wildcard"),
        ("localhost", "at least 2 labels"),
        ("under_score.example.com", "not a DNS label"),
        ("-lead.example.com", "not a DNS label"),
        ("a..example.com", "not a DNS label"),
        ("10.1.2.3", "all digits"),
        ("a" * 64 + ".example.com", "not a DNS label"),
        ("a." * 127 + "com", "longer than 253"),
        ("", "empty"),
    ],
)
def test_a_hostname_no_dns_server_could_hold_is_unpublished_with_a_reason(
    hostname: str, words: str
):
    wanted = desired_records([hostname, "ok.example.com"], ["10.1.2.3"])

    assert kinds(wanted.entries) == [("ok.example.com", "@", "A", "10.1.2.3")]
    [unpublished] = wanted.unpublished
    assert unpublished == Unpublished(hostname, unpublished.reason)
    assert words in unpublished.reason


@pytest.mark.parametrize(
    ("hostname", "zones", "expected"),
    [
        ("app.example.com", [], ("app.example.com", "@")),
        ("app.example.com", ["example.com"], ("example.com", "app")),
        ("a.b.example.com", ["example.com"], ("example.com", "a.b")),
        ("a.b.example.com", ["example.com", "b.example.com"], ("b.example.com", "a")),
        ("example.com", ["example.com"], ("example.com", "@")),
        ("app.notexample.com", ["example.com"], ("app.notexample.com", "@")),
        ("app.example.org", ["example.com"], ("app.example.org", "@")),
    ],
)
def test_split_hostname_uses_the_longest_zone_holding_it(
    hostname: str, zones: list[str], expected: tuple[str, str]
):
    assert split_hostname(hostname, zones) == expected


def test_zones_are_normalised_and_bad_ones_ignored():
    wanted = desired_records(
        ["app.example.com"], ["10.1.2.3"], zones=["Example.COM.", "*.example.com", ""]
    )

    assert kinds(wanted.entries) == [("example.com", "app", "A", "10.1.2.3")]


@pytest.mark.parametrize(
    ("zone", "ok"),
    [("example.com", True), ("internal", True), ("*.example.com", False), ("a_b.com", False)],
)
def test_zone_problem(zone: str, ok: bool):
    assert (zone_problem(zone) is None) is ok


def test_uuid_is_canonicals_for_the_entry_canonicals_gateway_sends():
    [wanted] = desired_records(["app.example.com"], ["10.1.2.3"]).entries

    assert wanted.uuid == str(uuid.uuid5(UUID_NAMESPACE, "app.example.com 10.1.2.3"))
    assert wanted.uuid == "207ddfc1-8196-501a-af35-f041dedd4c1e"


def test_the_same_input_gives_the_same_entries_and_uuids_on_every_run():
    first = desired_records(["b.example.com", "a.example.com"], ["10.1.2.3", "2001:db8::1"])
    again = desired_records(["a.example.com", "b.example.com"], ["10.1.2.3", "2001:db8::1"])

    assert first == again


@pytest.mark.parametrize(
    ("change", "kwargs"),
    [
        ("address", {"record_data": "10.9.9.9"}),
        ("zone", {"domain": "example.com"}),
        ("ttl", {"ttl": 60}),
    ],
)
def test_uuid_changes_with_anything_that_changes_the_request(change: str, kwargs: dict):
    base = {"record_data": "10.1.2.3", "domain": "app.example.com", "ttl": DEFAULT_TTL}

    assert entry_uuid("app.example.com", **base) != entry_uuid(
        "app.example.com", **{**base, **kwargs}
    ), change


def test_address_change_gives_new_uuids_so_old_answers_cannot_match():
    before = desired_records(["app.example.com"], ["10.1.2.3"]).entries
    after = desired_records(["app.example.com"], ["10.1.2.4"]).entries

    assert {e.uuid for e in before}.isdisjoint({e.uuid for e in after})


def test_ttl_is_sent_as_given_and_validated():
    [wanted] = desired_records(["app.example.com"], ["10.1.2.3"], ttl=60).entries

    assert wanted.ttl == 60
    with pytest.raises(ValueError, match="ttl"):
        desired_records(["app.example.com"], ["10.1.2.3"], ttl=-1)
