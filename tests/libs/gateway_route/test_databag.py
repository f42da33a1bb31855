"""Decoding untrusted databags: every malformed input is a DataError naming its key."""

import json

import pytest

from gateway_route import (
    VERSION,
    Accepted,
    DataError,
    ParentRef,
    ProviderData,
    RefusalReason,
    Refused,
    RequirerData,
    decode,
    encode,
)

HTTP = ParentRef(
    name="gateway",
    namespace="edge",
    section_name="http-shop-example-com",
    protocol="HTTP",
    port=80,
)
HTTPS = ParentRef(
    name="gateway",
    namespace="edge",
    section_name="https-shop-example-com",
    protocol="HTTPS",
    port=443,
)


def with_overrides(bag: dict[str, str], overrides: dict[str, str | None]) -> dict[str, str]:
    """Replace keys; None removes one."""
    for key, value in overrides.items():
        if value is None:
            bag.pop(key, None)
        else:
            bag[key] = value
    return bag


def requirer_bag(**overrides: str | None) -> dict[str, str]:
    bag = {
        "version": "1",
        "namespace": '"shop"',
        "application": '"catalogue"',
        "hostnames": '["shop.example.com"]',
    }
    return with_overrides(bag, overrides)


def provider_bag(**overrides: str | None) -> dict[str, str]:
    bag = encode(
        ProviderData(
            gateway_name="gateway",
            gateway_namespace="edge",
            https_mode="enabled",
            hsts_max_age=0,
            addresses=["203.0.113.10"],
            accepted=[Accepted(hostname="shop.example.com", parents=[HTTP, HTTPS])],
            refused=[],
        )
    )
    return with_overrides(bag, overrides)


def hostnames(*names: str) -> str:
    return json.dumps(list(names))


def test_well_formed_requirer_databag_decodes():
    assert decode(RequirerData, requirer_bag()) == RequirerData(
        namespace="shop", application="catalogue", hostnames=["shop.example.com"]
    )


def test_empty_databag_is_nothing_written_yet():
    assert decode(RequirerData, {}) is None


def test_databag_with_only_foreign_keys_is_nothing_written_yet():
    assert decode(ProviderData, {"ingress": '{"url": "http://x/"}'}) is None


def test_unknown_keys_are_ignored():
    assert isinstance(decode(RequirerData, requirer_bag(future_field='"x"')), RequirerData)


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"version": None}, "version", "is missing"),
        ({"namespace": None}, "namespace", "is missing"),
        ({"application": None}, "application", "is missing"),
        ({"hostnames": None}, "hostnames", "is missing"),
        ({"version": "99"}, "version", "newer than 1"),
        ({"version": "99", "namespace": "not json"}, "version", "newer than 1"),
        ({"version": "0"}, "version", "greater than or equal to 1"),
        ({"version": '"1"'}, "version", "valid integer"),
        ({"version": "true"}, "version", "valid integer"),
        ({"version": "1.0"}, "version", "valid integer"),
        ({"version": "one"}, "version", "not valid JSON"),
        ({"namespace": "shop"}, "namespace", "not valid JSON"),
        ({"namespace": ""}, "namespace", "not valid JSON"),
        ({"namespace": "NaN"}, "namespace", "not valid JSON"),
        ({"namespace": "[" * 100_000}, "namespace", "JSON nested too deeply to decode"),
        ({"namespace": "[" * 50_000 + "]" * 50_000}, "namespace", "nested too deeply"),
        ({"namespace": "null"}, "namespace", "valid string"),
        ({"namespace": "42"}, "namespace", "valid string"),
        ({"namespace": '{"name": "shop"}'}, "namespace", "got an object"),
        ({"namespace": '"Shop"'}, "namespace", "pattern"),
        ({"namespace": json.dumps("a" * 64)}, "namespace", "at most 63"),
        ({"application": '""'}, "application", "at least 1"),
        ({"hostnames": "null"}, "hostnames", "valid list"),
        ({"hostnames": '"shop.example.com"'}, "hostnames", "valid list"),
        ({"hostnames": '{"0": "shop.example.com"}'}, "hostnames", "valid list"),
        ({"hostnames": "[1]"}, "hostnames", "valid string"),
        ({"hostnames": "[null]"}, "hostnames", "valid string"),
        ({"hostnames": '[["shop.example.com"]]'}, "hostnames", "got a list"),
        ({"hostnames": hostnames("Shop.example.com")}, "hostnames", "must be lowercase"),
        ({"hostnames": hostnames("10.1.2.3")}, "hostnames", "is an IP address"),
        ({"hostnames": hostnames("fe80::1")}, "hostnames", "is an IP address"),
        ({"hostnames": hostnames("*.example.com")}, "hostnames", "wildcards"),
        ({"hostnames": hostnames("a" * 250 + ".com")}, "hostnames", "longer than 253"),
        ({"hostnames": hostnames("a" * 296 + ".com")}, "hostnames", "longer than 253"),
        ({"hostnames": hostnames("localhost")}, "hostnames", "at least two labels"),
        (
            {"hostnames": hostnames(*(f"h{i}.example.com" for i in range(65)))},
            "hostnames",
            "at most 64",
        ),
        (
            {"hostnames": hostnames("a.example.com", "b.example.com", "a.example.com")},
            "hostnames",
            "duplicate hostname 'a.example.com'",
        ),
    ],
)
def test_malformed_requirer_databag_is_a_data_error_on_its_field(
    overrides: dict[str, str | None], field: str, says: str
):
    error = decode(RequirerData, requirer_bag(**overrides))
    assert isinstance(error, DataError)
    assert error.field == field
    assert says in error.message


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"gateway_name": None}, "gateway_name", "is missing"),
        ({"accepted": None}, "accepted", "is missing"),
        ({"version": "2"}, "version", "newer than 1"),
        ({"https_mode": '"sometimes"'}, "https_mode", "'disabled', 'enabled' or 'enforced'"),
        ({"hsts_max_age": "-1"}, "hsts_max_age", "greater than or equal to 0"),
        ({"hsts_max_age": '"31536000"'}, "hsts_max_age", "valid integer"),
        ({"addresses": '"203.0.113.10"'}, "addresses", "valid list"),
        ({"addresses": '[""]'}, "addresses", "neither an IP address nor a DNS name"),
        ({"addresses": '["[2001:db8::1]"]'}, "addresses", "neither an IP address nor a DNS name"),
        ({"addresses": '["a]b"]'}, "addresses", "neither an IP address nor a DNS name"),
        ({"addresses": '["gw .example.com"]'}, "addresses", "neither an IP address nor"),
        ({"default_hostname": '"EDGE.example.com"'}, "default_hostname", "must be lowercase"),
        ({"default_hostname": '{"hostname": "a.b"}'}, "default_hostname", "got an object"),
        ({"accepted": '[{"hostname": "a.example.com"}]'}, "accepted", "[0].parents: is missing"),
        (
            {"accepted": '[{"hostname": "a.example.com", "parents": []}]'},
            "accepted",
            "[0].parents: List should have at least 1 item",
        ),
        (
            {"accepted": '[{"hostname": "1.2.3.4", "parents": []}]'},
            "accepted",
            "[0].hostname: is an IP address",
        ),
        (
            {
                "accepted": json.dumps(
                    [{"hostname": None, "parents": [{**HTTP.model_dump(), "port": 70000}]}]
                )
            },
            "accepted",
            "[0].parents[0].port: Input should be less than or equal to 65535",
        ),
        (
            {
                "accepted": json.dumps(
                    [{"hostname": None, "parents": [{**HTTP.model_dump(), "kind": "Mesh"}]}]
                )
            },
            "accepted",
            "[0].parents[0].kind",
        ),
        (
            {"accepted": json.dumps([{"hostname": None, "parents": [HTTP.model_dump()]}] * 2)},
            "accepted",
            "duplicate hostname None",
        ),
        (
            {"refused": '[{"hostname": "x", "reason": "bored", "message": "m"}]'},
            "refused",
            "[0].reason",
        ),
        ({"refused": '[{"hostname": "x", "reason": "conflict"}]'}, "refused", "message"),
    ],
)
def test_malformed_provider_databag_is_a_data_error_on_its_field(
    overrides: dict[str, str | None], field: str, says: str
):
    error = decode(ProviderData, provider_bag(**overrides))
    assert isinstance(error, DataError)
    assert error.field == field
    assert says in error.message


def test_data_error_reads_as_a_status_message():
    error = decode(RequirerData, requirer_bag(hostnames=hostnames("Shop.example.com")))
    assert str(error) == (
        "gateway-route: field 'hostnames': [0]: must be lowercase (got \"Shop.example.com\")"
    )


def test_offending_value_is_shortened_in_the_message():
    error = decode(RequirerData, requirer_bag(hostnames=hostnames("a" * 296 + ".com")))
    assert isinstance(error, DataError)
    assert len(error.message) < 150


def test_missing_default_hostname_reads_as_none():
    data = decode(ProviderData, provider_bag(default_hostname=None))
    assert isinstance(data, ProviderData)
    assert data.default_hostname is None


def test_overlong_refused_hostname_and_message_are_capped_not_refused():
    refused = [{"hostname": "h" * 5000, "reason": "invalid", "message": "m" * 5000}]
    data = decode(ProviderData, provider_bag(refused=json.dumps(refused)))
    assert isinstance(data, ProviderData)
    assert len(data.refused[0].hostname) == 256
    assert len(data.refused[0].message) == 1024


def test_refused_hostname_may_be_invalid():
    refused = [{"hostname": "*.Example.com", "reason": "invalid", "message": "wildcard"}]
    data = decode(ProviderData, provider_bag(refused=json.dumps(refused)))
    assert isinstance(data, ProviderData)
    assert data.refused[0] == Refused(
        hostname="*.Example.com", reason=RefusalReason.INVALID, message="wildcard"
    )


def test_encoding_is_canonical_json_per_key():
    data = RequirerData(namespace="shop", application="catalogue", hostnames=["a.example.com"])
    assert encode(data) == {
        "version": str(VERSION),
        "namespace": '"shop"',
        "application": '"catalogue"',
        "hostnames": '["a.example.com"]',
    }


@pytest.mark.parametrize(
    "data",
    [
        RequirerData(namespace="shop", application="catalogue", hostnames=[]),
        RequirerData(
            namespace="shop",
            application="catalogue",
            hostnames=[f"h{i}.example.com" for i in range(64)],
        ),
    ],
)
def test_requirer_data_survives_encode_decode(data: RequirerData):
    assert decode(RequirerData, encode(data)) == data


def test_provider_data_survives_encode_decode():
    data = ProviderData(
        gateway_name="gateway",
        gateway_namespace="edge",
        https_mode="enforced",
        hsts_max_age=63072000,
        addresses=["203.0.113.10", "2001:db8::10", "lb.example.net"],
        default_hostname="edge.example.com",
        accepted=[
            Accepted(hostname="shop.example.com", parents=[HTTPS]),
            Accepted(
                hostname="edge.example.com",
                parents=[
                    ParentRef(
                        kind="ListenerSet",
                        name="gateway-extra-1",
                        namespace="edge",
                        section_name="https-edge-example-com",
                        protocol="HTTPS",
                        port=443,
                    )
                ],
            ),
        ],
        refused=[
            Refused(hostname="", reason=RefusalReason.CAPACITY, message="no listener left"),
            Refused(
                hostname="new.example.com",
                reason=RefusalReason.PENDING_CERTIFICATE,
                message="waiting for a certificate",
            ),
        ],
    )
    assert decode(ProviderData, encode(data)) == data


def test_a_newer_version_says_the_reader_is_the_one_to_upgrade():
    error = decode(RequirerData, requirer_bag(version="2"))

    assert isinstance(error, DataError)
    assert error.newer


def test_a_bad_field_does_not_claim_a_newer_version():
    error = decode(RequirerData, requirer_bag(namespace='"Shop"'))

    assert isinstance(error, DataError)
    assert not error.newer
