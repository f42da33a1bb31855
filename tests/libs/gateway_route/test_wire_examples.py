"""The wire examples in the reference doc are parsed here, so the doc cannot drift."""

import json
import re
from pathlib import Path

import pytest

from gateway_route import ProviderData, RequirerData, decode, encode

DOC = Path(__file__).parents[3] / "docs" / "reference" / "gateway-route.md"
EXAMPLE = re.compile(
    r"<!-- wire-example: (requirer|provider)(, from 1\.0)? -->\n```json\n(.*?)\n```", re.DOTALL
)
MODELS = {"requirer": RequirerData, "provider": ProviderData}


def all_examples() -> list[tuple[str, bool, dict[str, str]]]:
    """(side, written by library 1.0, databag) for every example in the doc."""
    found = EXAMPLE.findall(DOC.read_text())
    return [(side, bool(old), json.loads(block)) for side, old, block in found]


def doc_examples() -> list[tuple[str, dict[str, str]]]:
    """The examples as the library writes them today."""
    return [(side, databag) for side, old, databag in all_examples() if not old]


def test_an_example_from_library_1_0_still_reads_as_its_writer_meant():
    (old,) = [databag for side, old, databag in all_examples() if old]
    data = decode(ProviderData, old)
    assert isinstance(data, ProviderData)
    assert data.features is None
    assert data.accepted[0].serving is None
    assert data.accepted[0].programmed


def test_doc_shows_both_sides():
    sides = [side for side, _ in doc_examples()]
    assert sides.count("requirer") >= 1
    assert sides.count("provider") >= 1


def test_every_json_block_in_the_doc_is_a_checked_example():
    assert DOC.read_text().count("```json") == len(all_examples())


@pytest.mark.parametrize(("side", "databag"), doc_examples())
def test_doc_example_decodes(side: str, databag: dict[str, str]):
    assert isinstance(decode(MODELS[side], databag), MODELS[side])


@pytest.mark.parametrize(("side", "databag"), doc_examples())
def test_doc_example_is_exactly_what_the_library_writes(side: str, databag: dict[str, str]):
    data = decode(MODELS[side], databag)
    assert isinstance(data, RequirerData | ProviderData)
    assert encode(data) == databag


def test_requirer_example_matches_literal_wire_format():
    # Written out by hand, as another implementation would see it on `relation-get`.
    wire = {
        "version": "1",
        "namespace": '"shop"',
        "application": '"catalogue"',
        "hostnames": '["shop.example.com", "www.shop.example.com"]',
    }
    assert ("requirer", wire) in doc_examples()
    assert decode(RequirerData, wire) == RequirerData(
        namespace="shop",
        application="catalogue",
        hostnames=["shop.example.com", "www.shop.example.com"],
    )


def test_provider_example_reads_as_documented():
    provider = next(bag for side, bag in doc_examples() if side == "provider")
    data = decode(ProviderData, provider)
    assert isinstance(data, ProviderData)
    assert data.url_for("shop.example.com") == "https://shop.example.com/"
    assert [p.section_name for p in data.attachments_for("shop.example.com")] == [
        "http-shop-example-com",
        "https-shop-example-com",
    ]
    refusal = data.refusal_for("www.shop.example.com")
    assert refusal is not None
    assert refusal.reason == "conflict"
