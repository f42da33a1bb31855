"""Hostile values for relation data: valid-looking, edge-of-range, wrong-typed and not JSON at all.

Every strategy mixes a small share of ordinary, valid values in, so that a run also reaches the
code that builds and applies objects (which is where admission can say no).
"""

import json
from typing import Any

from hypothesis import strategies as st

VALID_LABEL = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\Z")

# A precise, lowercase, RFC 1123 hostname of two to four labels.
valid_hostnames = st.lists(VALID_LABEL, min_size=1, max_size=3).map(
    lambda labels: ".".join([*labels, "example", "com"][-4:])
)


def _long_hostname(length: int) -> str:
    """A hostname of exactly `length` characters made of 63-character labels where possible."""
    labels: list[str] = []
    remaining = length
    while remaining > 0:
        size = min(63, remaining)
        labels.append("a" * size)
        remaining -= size + 1
    text = ".".join(labels)[:length]
    return text.rstrip(".") + "x" * (length - len(text.rstrip(".")))


hostile_hostnames = st.one_of(
    valid_hostnames,
    st.sampled_from(
        [
            _long_hostname(253),
            _long_hostname(254),
            "a" * 64 + ".example.com",
            "Shop.Example.COM",
            "*.example.com",
            "*",
            "10.0.0.1",
            "::1",
            "[2001:db8::1]",
            "1.2.3.4.5",
            "example.123",
            "shop.example.com.",
            ".example.com",
            "a..example.com",
            "-a.example.com",
            "a-.example.com",
            "localhost",
            "xn--bcher-kva.example",
            "bücher.example",
            "shop example.com",
            "shop/example.com",
            "",
            " ",
        ]
    ),
    st.text(min_size=0, max_size=40),
)

hostile_paths = st.one_of(
    st.sampled_from(
        ["/", "/api", "..", "/..", "/a/../b", "//", "//x", "/a//b", "", "api", "/%2e%2e/", "/a b"]
    ),
    st.text(max_size=30).map(lambda t: "/" + t),
    st.just("/" + "p" * 2000),
)

hostile_ports = st.one_of(
    st.sampled_from([0, 1, 80, 8080, 65534, 65535, 65536, -1, 2**31, 2**63]),
    st.sampled_from(["80", "8080", 1e3, 80.0, 80.5, True, False, None]),
    st.integers(),
)

# JSON values of any shape, biased toward the types relation data usually holds.
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    hostile_hostnames,
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=12,
)

# Databag strings that are not JSON (or only Python's idea of it), or JSON with a trap in it.
not_json = st.one_of(
    st.sampled_from(
        [
            "",
            "shop",
            "{",
            "[1, 2",
            "NaN",
            "Infinity",
            "-Infinity",
            "undefined",
            "'quoted'",
            "True",
            "0x50",
            "080",
            "1e3",
            "{'a': 1}",
            "\x00",
            "[" * 5000 + "]" * 5000,  # deep enough to make a naive json.loads recurse out
            '{"a": ' * 2000 + "1" + "}" * 2000,
        ]
    ),
    st.text(max_size=30),
)


def duplicate_keys(first: dict[str, Any], second: dict[str, Any]) -> str:
    """A JSON object naming some keys twice (legal text; most parsers keep the last value)."""
    body = ", ".join(
        f"{json.dumps(key)}: {json.dumps(value)}"
        for part in (first, second)
        for key, value in part.items()
    )
    return "{" + body + "}"


def encoded(values: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """A databag value: mostly the JSON of a drawn value, sometimes raw non-JSON text."""
    return st.one_of(values.map(json.dumps), values.map(json.dumps), not_json)


def huge_list(element: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """A list long enough to cross every limit (64 hostnames, 16 route rules, 64 listeners)."""
    return st.lists(element, min_size=65, max_size=120)
