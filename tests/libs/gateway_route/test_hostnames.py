import re

import pytest
from pydantic import TypeAdapter, ValidationError

from gateway_route import Hostname, validate_address, validate_hostname


@pytest.mark.parametrize(
    "hostname",
    [
        "example.com",
        "shop.example.com",
        "a.b",
        "xn--bcher-kva.example",
        "0-9.example.com",
        "a-b-c.example.com",
        "123.example.com",
        f"{'a' * 63}.example.com",
        ".".join(["a" * 63] * 3 + ["b" * 61]),  # exactly 253 characters
    ],
)
def test_valid_hostname_is_returned_unchanged(hostname: str):
    assert validate_hostname(hostname) == hostname


@pytest.mark.parametrize(
    ("hostname", "reason"),
    [
        ("", "must not be empty"),
        ("Shop.example.com", "must be lowercase"),
        ("SHOP.EXAMPLE.COM", "must be lowercase"),
        ("10.0.0.1", "is an IP address"),
        ("::1", "is an IP address"),
        ("2001:db8::1", "is an IP address"),
        ("[2001:db8::1]", "is an IP address"),
        ("010.0.0.1", "reads as an IP address"),
        ("example.123", "reads as an IP address"),
        ("*.example.com", "wildcards are not supported"),
        ("shop.*.com", "wildcards are not supported"),
        ("example.com.", "must not end with a dot"),
        ("localhost", "must have at least two labels"),
        (f"{'a' * 64}.example.com", "is longer than 63 characters"),
        (".".join(["a" * 63] * 3 + ["b" * 62]), "longer than 253 characters"),
        ("a" * 300, "longer than 253 characters"),
        ("shop..example.com", "empty label"),
        (".example.com", "empty label"),
        ("-shop.example.com", "must not start or end with '-'"),
        ("shop-.example.com", "must not start or end with '-'"),
        ("shop_1.example.com", "may only contain a-z, 0-9 and '-'"),
        ("shop example.com", "may only contain a-z, 0-9 and '-'"),
        ("bücher.example", "may only contain a-z, 0-9 and '-'"),
    ],
)
def test_invalid_hostname_raises_with_reason(hostname: str, reason: str):
    with pytest.raises(ValueError, match=re.escape(reason)):
        validate_hostname(hostname)


def test_253_character_check_counts_the_whole_name():
    name = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(name) == 253
    assert validate_hostname(name) == name
    with pytest.raises(ValueError, match="longer than 253"):
        validate_hostname("c" + name)


def test_hostname_type_validates_in_pydantic():
    adapter = TypeAdapter(Hostname)
    assert adapter.validate_python("shop.example.com") == "shop.example.com"
    with pytest.raises(ValidationError, match="must be lowercase"):
        adapter.validate_python("Shop.example.com")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("2001:db8:0:0::1", "2001:db8::1"),
        ("gw.example.com", "gw.example.com"),
        ("gateway", "gateway"),
    ],
)
def test_gateway_addresses_accept_ips_and_dns_names(value: str, expected: str):
    assert validate_address(value) == expected


@pytest.mark.parametrize("value", ["", "[::1]", "a]b", "GW.example.com", "gw..example.com", "x y"])
def test_gateway_addresses_that_would_break_a_url_are_refused(value: str):
    with pytest.raises(ValueError, match="neither an IP address nor a DNS name"):
        validate_address(value)
