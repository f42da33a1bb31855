"""How much of the CRDs' CEL the double enforces, the twins' fidelity, and admission speed."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubedouble.validation import Validator
from kubedouble.validation.cel_library import FUNCTIONS
from kubedouble.validation.cel_rules import program, to_cel
from kubedouble.validation.cel_twins import TWINS
from kubedouble.versions import GATEWAY_API_VERSIONS, serves

# Found per (apiVersion, kind); measured from the CRD files. A change here means the CRDs
# changed: re-read them before updating the numbers.
# ReferenceGrant is counted at whichever version is served (v1beta1 before v1.6).
EXPECTED_FOUND = {
    "v1.2.1": {
        "Gateway": 14,
        "GatewayClass": 1,
        "GRPCRoute": 29,
        "HTTPRoute": 74,
        "ReferenceGrant": 0,
    },
    "v1.4.1": {
        "BackendTLSPolicy": 8,
        "Gateway": 14,
        "GatewayClass": 1,
        "GRPCRoute": 33,
        "HTTPRoute": 77,
        "ReferenceGrant": 0,
    },
    "v1.6.1": {
        "BackendTLSPolicy": 8,
        "Gateway": 16,
        "GatewayClass": 1,
        "GRPCRoute": 33,
        "HTTPRoute": 89,
        "ListenerSet": 7,
        "ReferenceGrant": 0,
        "TCPRoute": 3,
        "TLSRoute": 6,
        "UDPRoute": 3,
    },
}


GW = "gateway.networking.k8s.io/v1"

# A corpus that reaches most rule positions, so the printed "evaluated" column means something.
CORPUS: list[dict[str, Any]] = [
    {
        "apiVersion": GW,
        "kind": "GatewayClass",
        "metadata": {"name": "corpus"},
        "spec": {"controllerName": "example.com/gateway-controller"},
    },
    {
        "apiVersion": GW,
        "kind": "Gateway",
        "metadata": {"name": "corpus", "namespace": "a"},
        "spec": {
            "gatewayClassName": "corpus",
            "addresses": [
                {"type": "IPAddress", "value": "10.0.0.1"},
                {"type": "Hostname", "value": "lb.example.com"},
            ],
            "infrastructure": {"labels": {"team": "a"}, "annotations": {"example.com/owner": "a"}},
            "listeners": [
                {
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "hostname": "*.example.com",
                    "allowedRoutes": {
                        "namespaces": {"from": "All"},
                        "kinds": [{"kind": "HTTPRoute"}],
                    },
                },
                {
                    "name": "https",
                    "port": 443,
                    "protocol": "HTTPS",
                    "hostname": "*.example.com",
                    "tls": {
                        "mode": "Terminate",
                        "certificateRefs": [{"name": "cert"}],
                        "options": {"example.com/opt": "x"},
                    },
                },
                {"name": "tls", "port": 8443, "protocol": "TLS", "tls": {"mode": "Passthrough"}},
            ],
        },
    },
    {
        "apiVersion": GW,
        "kind": "HTTPRoute",
        "metadata": {"name": "corpus", "namespace": "a"},
        "spec": {
            "parentRefs": [
                {"name": "corpus", "sectionName": "http"},
                {"name": "corpus", "sectionName": "https"},
            ],
            "hostnames": ["app.example.com"],
            "rules": [
                {
                    "matches": [
                        {
                            "path": {"type": "PathPrefix", "value": "/api"},
                            "headers": [{"name": "X-Env", "value": "prod"}],
                            "queryParams": [{"name": "v", "value": "1"}],
                            "method": "GET",
                        }
                    ],
                    "filters": [
                        {
                            "type": "RequestHeaderModifier",
                            "requestHeaderModifier": {
                                "set": [{"name": "X-A", "value": "1"}],
                                "add": [{"name": "X-B", "value": "2"}],
                                "remove": ["X-C"],
                            },
                        },
                        {
                            "type": "ResponseHeaderModifier",
                            "responseHeaderModifier": {"set": [{"name": "X-D", "value": "1"}]},
                        },
                        {
                            "type": "URLRewrite",
                            "urlRewrite": {
                                "hostname": "internal.example.com",
                                "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"},
                            },
                        },
                        {
                            "type": "RequestMirror",
                            "requestMirror": {"backendRef": {"name": "mirror", "port": 80}},
                        },
                    ],
                    "backendRefs": [
                        {
                            "name": "api",
                            "port": 8080,
                            "weight": 3,
                            "filters": [
                                {
                                    "type": "RequestHeaderModifier",
                                    "requestHeaderModifier": {
                                        "set": [{"name": "X-E", "value": "1"}]
                                    },
                                }
                            ],
                        },
                    ],
                    "timeouts": {"request": "10s", "backendRequest": "5s"},
                },
                {
                    "matches": [{"path": {"type": "Exact", "value": "/old"}}],
                    "filters": [
                        {
                            "type": "RequestRedirect",
                            "requestRedirect": {
                                "scheme": "https",
                                "hostname": "example.com",
                                "path": {"type": "ReplaceFullPath", "replaceFullPath": "/new"},
                                "port": 443,
                                "statusCode": 301,
                            },
                        }
                    ],
                },
                {
                    "matches": [{"path": {"type": "RegularExpression", "value": "/r.*"}}],
                    "backendRefs": [{"name": "api", "port": 8080}],
                },
            ],
        },
    },
    {
        "apiVersion": GW,
        "kind": "ListenerSet",
        "metadata": {"name": "corpus", "namespace": "a"},
        "spec": {
            "parentRef": {"name": "corpus"},
            "listeners": [
                {
                    "name": "extra",
                    "port": 9443,
                    "protocol": "HTTPS",
                    "hostname": "extra.example.com",
                    "tls": {"certificateRefs": [{"name": "cert"}]},
                }
            ],
        },
    },
    {
        "apiVersion": GW,
        "kind": "BackendTLSPolicy",
        "metadata": {"name": "corpus", "namespace": "a"},
        "spec": {
            "targetRefs": [{"group": "", "kind": "Service", "name": "api"}],
            "validation": {"hostname": "api.a.svc", "wellKnownCACertificates": "System"},
        },
    },
    {
        "apiVersion": GW,
        "kind": "TLSRoute",
        "metadata": {"name": "corpus", "namespace": "a"},
        "spec": {
            "parentRefs": [{"name": "corpus", "sectionName": "tls"}],
            "hostnames": ["tls.example.com"],
            "rules": [{"backendRefs": [{"name": "api", "port": 8443}]}],
        },
    },
]


@pytest.mark.parametrize("version", GATEWAY_API_VERSIONS)
def test_every_cel_rule_compiles(version: str) -> None:
    validator = Validator(version)
    for obj in CORPUS:
        admission = validator.admit(obj, None)
        if serves(version, obj["kind"]):
            assert admission.errors == [], admission.errors
            validator.admit(admission.obj, admission.obj)  # transition rules need an update
    report = validator.cel_report()
    print(f"\nCEL coverage, Gateway API {version} (evaluated: by this process so far):")
    print(report.render())
    assert report.unusable == []
    assert all(k.found == k.compiled for k in report.kinds)
    found = {k.kind: k.found for k in report.kinds if k.api_version.endswith("/v1")}
    found |= {k.kind: k.found for k in report.kinds if k.kind == "ReferenceGrant"}
    assert found == EXPECTED_FOUND[version]


def test_unknown_function_is_reported_not_skipped() -> None:
    assert program("self.frobnicate() == 1") == (
        "uses functions the double does not implement: frobnicate"
    )


def test_function_inside_a_string_literal_is_not_a_call() -> None:
    assert not isinstance(program("self.x == 'frobnicate()'"), str)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'a/b/c'.split('/')", ["a", "b", "c"]),
        ("'a/b/c'.split('/', 2)", ["a", "b/c"]),
        ("'AbC'.lowerAscii()", "abc"),
        ("'AbC'.upperAscii()", "ABC"),
        ("'  x '.trim()", "x"),
        ("['a', 'b'].join('-')", "a-b"),
        ("'hello'.indexOf('l')", 2),
        ("'hello'.lastIndexOf('l')", 3),
        ("'hello'.substring(1, 3)", "el"),
        ("'aXa'.replace('a', 'b')", "bXb"),
        ("isURL('https://example.com/x')", True),
        ("isURL('not a url')", False),
        ("isIP('10.0.0.1')", True),
        ("isIP('2001:db8::1')", True),
        ("isIP('fe80::1%eth0')", False),
        ("isIP('010.0.0.1')", False),
        ("isIP('tls.example.com')", False),
        ("[1, 2, 3].isSorted()", True),
        ("[1, 2, 3].sum()", 6),
    ],
)
def test_kubernetes_library_function(expression: str, expected: Any) -> None:
    compiled = program(expression)
    assert not isinstance(compiled, str), compiled
    assert compiled.evaluate({}) == expected


def test_library_covers_split() -> None:
    assert "split" in FUNCTIONS


listeners = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["a", "b", "c"]),
            "port": st.sampled_from([80, 443]),
            "protocol": st.sampled_from(["HTTP", "HTTPS"]),
        },
        optional={"hostname": st.sampled_from(["", "x.example.com", "y.example.com"])},
    ),
    max_size=6,
)


@pytest.mark.parametrize("rule", list(TWINS), ids=[f"twin{i}" for i in range(len(TWINS))])
@settings(max_examples=60, deadline=None)
@given(value=listeners)
def test_twin_agrees_with_celpy(rule: str, value: list[dict[str, Any]]) -> None:
    compiled = program(rule)
    assert not isinstance(compiled, str)
    cel_value = to_cel(value, {})
    assert TWINS[rule](cel_value) == bool(compiled.evaluate({"self": cel_value}))


def test_twin_defers_to_celpy_when_a_field_is_missing() -> None:
    twin = next(iter(TWINS.values()))
    assert twin(to_cel([{"port": 80}], {})) is None


def test_admitting_large_objects_stays_fast() -> None:
    validator = Validator("v1.6.1")
    gateway = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "big", "namespace": "default"},
        "spec": {
            "gatewayClassName": "timing",
            "listeners": [
                {
                    "name": f"l{i}",
                    "port": 443,
                    "protocol": "HTTPS",
                    "hostname": f"h{i}.timing.example.com",
                    "tls": {"certificateRefs": [{"name": f"s{i}"}]},
                }
                for i in range(64)
            ],
        },
    }
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "big", "namespace": "default"},
        "spec": {
            "parentRefs": [{"name": "big"}],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": f"/timing{i}"}}],
                    "filters": [
                        {
                            "type": "ResponseHeaderModifier",
                            "responseHeaderModifier": {"set": [{"name": f"X-{i}", "value": "1"}]},
                        }
                    ],
                    "backendRefs": [{"name": f"svc{i}", "port": 80}],
                }
                for i in range(16)
            ],
        },
    }
    timings = {}
    for obj in (gateway, route):
        start = time.perf_counter()
        admission = validator.admit(obj, None)
        first = time.perf_counter() - start
        start = time.perf_counter()
        validator.admit(admission.obj, admission.obj)
        again = time.perf_counter() - start
        assert admission.errors == []
        timings[obj["kind"]] = (first, again)
    print(
        "\n"
        + "\n".join(
            f"admit {kind}: first {first * 1000:.0f} ms, unchanged re-apply {again * 1000:.0f} ms"
            for kind, (first, again) in timings.items()
        )
    )
    # Generous bounds: interpreted CEL without the twins took over 2 s for the Gateway.
    assert timings["Gateway"][0] < 1.5
    assert timings["HTTPRoute"][0] < 1.5
