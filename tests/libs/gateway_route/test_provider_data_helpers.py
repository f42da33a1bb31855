from typing import Literal

import pytest

from gateway_route import Accepted, ParentRef, ProviderData, RefusalReason, Refused


def parent(section_name: str, protocol: Literal["HTTP", "HTTPS"], port: int) -> ParentRef:
    return ParentRef(
        name="gateway", namespace="edge", section_name=section_name, protocol=protocol, port=port
    )


HTTP = parent("http-shop", "HTTP", 80)
HTTPS = parent("https-shop", "HTTPS", 443)
BARE = parent("http", "HTTP", 80)


def answer(addresses: list[str] | None = None) -> ProviderData:
    return ProviderData(
        gateway_name="gateway",
        gateway_namespace="edge",
        https_mode="enabled",
        hsts_max_age=0,
        addresses=["203.0.113.10"] if addresses is None else addresses,
        accepted=[
            Accepted(hostname="shop.example.com", parents=[HTTP, HTTPS]),
            Accepted(hostname="plain.example.com", parents=[HTTP]),
            Accepted(hostname=None, parents=[BARE]),
        ],
        refused=[Refused(hostname="www.example.com", reason=RefusalReason.CONFLICT, message="m")],
    )


def test_attachments_for_accepted_hostname_are_its_parents():
    assert answer().attachments_for("shop.example.com") == [HTTP, HTTPS]


def test_attachments_for_unaccepted_hostname_are_empty():
    assert answer().attachments_for("www.example.com") == []


def test_attachments_for_none_are_the_hostnameless_parents():
    assert answer().attachments_for(None) == [BARE]


@pytest.mark.parametrize(
    ("hostname", "expected"),
    [("shop.example.com", True), ("plain.example.com", False), ("www.example.com", False)],
)
def test_has_https_only_with_an_https_parent(hostname: str, expected: bool):
    assert answer().has_https(hostname) is expected


def test_refusal_for_refused_hostname_gives_reason():
    refusal = answer().refusal_for("www.example.com")
    assert refusal is not None
    assert refusal.reason == RefusalReason.CONFLICT


def test_refusal_for_accepted_hostname_is_none():
    assert answer().refusal_for("shop.example.com") is None


@pytest.mark.parametrize(
    ("hostname", "addresses", "url"),
    [
        ("shop.example.com", None, "https://shop.example.com/"),
        ("plain.example.com", None, "http://plain.example.com/"),
        (None, None, "http://203.0.113.10/"),
        (None, ["2001:db8::10"], "http://[2001:db8::10]/"),
        (None, [], None),
        ("www.example.com", None, None),
    ],
)
def test_url_for(hostname: str | None, addresses: list[str] | None, url: str | None):
    assert answer(addresses).url_for(hostname) == url


def test_wire_models_are_frozen():
    data = answer()
    with pytest.raises(ValueError, match="frozen"):
        data.hsts_max_age = 1  # type: ignore[misc]
