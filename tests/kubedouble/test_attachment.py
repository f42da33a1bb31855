"""Gateway API attachment rules as pure functions."""

from __future__ import annotations

import pytest

from kubedouble import attachment
from kubedouble.attachment import Listener


@pytest.mark.parametrize(
    ("listener", "routes", "expected"),
    [
        (None, ["a.example.com"], True),
        ("a.example.com", [], True),
        ("a.example.com", ["a.example.com"], True),
        ("a.example.com", ["b.example.com"], False),
        ("A.Example.com", ["a.example.com"], True),
        ("*.example.com", ["a.example.com"], True),
        ("*.example.com", ["a.b.example.com"], True),
        ("*.example.com", ["example.com"], False),
        ("*.example.com", ["a.example.org"], False),
        ("a.example.com", ["*.example.com"], True),
        ("*.example.com", ["*.example.com"], True),
        ("*.a.example.com", ["*.example.com"], True),
        ("*.example.com", ["*.example.org"], False),
        ("a.example.com", ["x.example.org", "a.example.com"], True),
    ],
)
def test_hostnames_intersect(listener: str | None, routes: list[str], expected: bool) -> None:
    assert attachment.hostnames_intersect(listener, routes) is expected


LABELS = {"app": {"kubernetes.io/metadata.name": "app", "team": "a"}, "gw": {}}


@pytest.mark.parametrize(
    ("allowed", "from_ns", "expected"),
    [
        ({}, "gw", True),
        ({}, "app", False),
        ({"namespaces": {"from": "Same"}}, "app", False),
        ({"namespaces": {"from": "All"}}, "app", True),
        (
            {
                "namespaces": {
                    "from": "Selector",
                    "selector": {"matchLabels": {"kubernetes.io/metadata.name": "app"}},
                }
            },
            "app",
            True,
        ),
        (
            {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"team": "b"}}}},
            "app",
            False,
        ),
        (
            {
                "namespaces": {
                    "from": "Selector",
                    "selector": {
                        "matchExpressions": [{"key": "team", "operator": "In", "values": ["a"]}]
                    },
                }
            },
            "app",
            True,
        ),
        ({"namespaces": {"from": "Selector", "selector": {}}}, "missing", False),
        ({"namespaces": {"from": "None"}}, "gw", False),
    ],
)
def test_namespace_allowed(allowed: dict, from_ns: str, expected: bool) -> None:
    assert attachment.namespace_allowed(allowed, from_ns, "gw", LABELS) is expected


@pytest.mark.parametrize(
    ("protocol", "kinds", "expected"),
    [
        ("HTTP", None, True),
        ("HTTPS", None, True),
        ("TCP", None, False),
        ("HTTP", [{"kind": "GRPCRoute"}], False),
        ("HTTP", [{"kind": "HTTPRoute"}], True),
        ("HTTP", [{"group": "example.com", "kind": "HTTPRoute"}], False),
    ],
)
def test_kind_allowed(protocol: str, kinds: list | None, expected: bool) -> None:
    allowed = {"kinds": kinds} if kinds is not None else {}
    listener = Listener("l", 80, protocol, None, "gw", allowed)
    assert attachment.kind_allowed(listener) is expected


GRANT = {
    "metadata": {"namespace": "backend"},
    "spec": {
        "from": [{"group": attachment.GROUP, "kind": "HTTPRoute", "namespace": "app"}],
        "to": [{"group": "", "kind": "Service"}],
    },
}


@pytest.mark.parametrize(
    ("from_ns", "to_ns", "to_name", "grant", "expected"),
    [
        ("app", "backend", "svc", GRANT, True),
        ("other", "backend", "svc", GRANT, False),
        ("app", "elsewhere", "svc", GRANT, False),
        (
            "app",
            "backend",
            "svc",
            {
                **GRANT,
                "spec": {**GRANT["spec"], "to": [{"group": "", "kind": "Service", "name": "x"}]},
            },
            False,
        ),
    ],
)
def test_reference_grant(
    from_ns: str, to_ns: str, to_name: str, grant: dict, expected: bool
) -> None:
    permitted = attachment.grant_permits(
        [grant],
        from_kind="HTTPRoute",
        from_namespace=from_ns,
        to_group="",
        to_kind="Service",
        to_namespace=to_ns,
        to_name=to_name,
    )
    assert permitted is expected
