"""Names derived from Juju names are valid Kubernetes names, stable, and never collide."""

import re

import pytest

from kube_objects import dns1035_label, dns1123_subdomain

DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN = re.compile(rf"^{LABEL}(\.{LABEL})*$")


@pytest.mark.parametrize("name", ["catalogue", "my-app", "a", "x" * 63])
def test_valid_short_label_is_kept_as_is(name: str):
    assert dns1035_label(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "x" * 64,
        "a-model-name-that-is-quite-long-" + "b" * 40,
        "9starts-with-digit",
        "Upper_Case.and.dots",
        "-leading-dash",
        "---",
    ],
)
def test_any_name_becomes_a_valid_dns1035_label(name: str):
    label = dns1035_label(name)
    assert DNS1035.match(label), label
    assert len(label) <= 63


def test_truncation_is_stable_and_distinguishes_shared_prefixes():
    prefix = "w" * 70
    first, second = dns1035_label(prefix + "-one"), dns1035_label(prefix + "-two")
    assert first != second
    assert dns1035_label(prefix + "-one") == first


def test_label_respects_a_smaller_limit():
    label = dns1035_label("route-" + "z" * 80, max_length=20)
    assert len(label) <= 20
    assert DNS1035.match(label)


@pytest.mark.parametrize("name", ["https-app.example.com", "a.b", "http-0"])
def test_valid_subdomain_is_kept(name: str):
    assert dns1123_subdomain(name) == name


@pytest.mark.parametrize("name", ["UPPER.example.com", "a" * 64 + ".example.com", "a..b", "é.com"])
def test_invalid_subdomain_is_made_valid(name: str):
    result = dns1123_subdomain(name)
    assert DNS1123_SUBDOMAIN.match(result), result
    assert len(result) <= 253
