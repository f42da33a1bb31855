"""How much of the CRDs' CEL the double enforces, the twins' fidelity, and admission speed."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubedouble.validation import Validator, crd_dir, crds
from kubedouble.validation.cel_library import FUNCTIONS
from kubedouble.validation.cel_rules import program, to_cel
from kubedouble.validation.cel_twins import TWINS, normalized
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
# Small alphabets, so generated references often point at the same parent and collide.
_REF = {
    "group": st.sampled_from(["gateway.networking.k8s.io", ""]),
    "kind": st.sampled_from(["Gateway", "ListenerSet", "Service"]),
    "name": st.sampled_from(["a", "b"]),
}
_SECTION = {"sectionName": st.sampled_from(["", "s1", "s2"])}
parent_refs = st.lists(
    st.fixed_dictionaries(
        _REF,
        optional={
            "namespace": st.sampled_from(["", "x", "y"]),
            "port": st.sampled_from([80, 443]),
            **_SECTION,
        },
    ),
    max_size=6,
)
target_refs = st.lists(st.fixed_dictionaries(_REF, optional=_SECTION), max_size=6)


def inputs_for(rule: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    """The list a twin's rule is written for: listeners, route parentRefs or policy targetRefs."""
    if "l1." in rule:
        return listeners
    return parent_refs if "p1.__namespace__" in rule else target_refs


# `namespace` is spelled `__namespace__` in CEL (a reserved word); to_cel needs the schema to
# know it is a property, not a map key.
_REF_SCHEMA = {
    "items": {
        "properties": {
            k: {}
            for k in ("group", "kind", "name", "namespace", "sectionName", "port", "hostname")
        }
    }
}


@pytest.mark.parametrize("rule", list(TWINS), ids=[f"twin{i}" for i in range(len(TWINS))])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_twin_agrees_with_celpy(rule: str, data: st.DataObject) -> None:
    value = data.draw(inputs_for(rule))
    compiled = program(rule)
    assert not isinstance(compiled, str)
    cel_value = to_cel(value, _REF_SCHEMA)
    assert TWINS[rule](cel_value) == bool(compiled.evaluate({"self": cel_value}))


def test_every_twin_stands_for_a_rule_of_the_crds() -> None:
    texts = set()
    for version in GATEWAY_API_VERSIONS:
        texts |= {
            normalized(rule.text)
            for custom in crds.load(crd_dir(version)).values()
            for rule in custom.rules()
        }
    assert set(TWINS) <= texts


@pytest.mark.parametrize("rule", list(TWINS), ids=[f"twin{i}" for i in range(len(TWINS))])
def test_twin_defers_to_celpy_when_a_field_is_missing(rule: str) -> None:
    incomplete = [{"port": 80}] if "l1." in rule else [{"kind": "Gateway", "name": "a"}]
    assert TWINS[rule](to_cel(incomplete, _REF_SCHEMA)) is None


# A fresh spec per call: admission memoises verdicts on content, which would hide the rules.
_FRESH = itertools.count()


def _big_gateway() -> dict[str, Any]:
    return {
        "apiVersion": GW,
        "kind": "Gateway",
        "metadata": {"name": "big", "namespace": "default"},
        "spec": {
            "gatewayClassName": f"big-{next(_FRESH)}",
            "listeners": [
                {
                    "name": f"l{i}",
                    "port": 443,
                    "protocol": "HTTPS",
                    "hostname": f"h{i}.big.example.com",
                    "tls": {"certificateRefs": [{"name": f"s{i}"}]},
                }
                for i in range(64)
            ],
        },
    }


def _redirect_route(sections: list[str]) -> dict[str, Any]:
    # The shape gateway-api-integrator's HTTP-to-HTTPS redirect takes at 32 hostnames.
    return {
        "apiVersion": GW,
        "kind": "HTTPRoute",
        "metadata": {"name": "big", "namespace": "default"},
        "spec": {
            "parentRefs": [{"name": "big", "sectionName": s} for s in sections],
            "hostnames": [f"h{next(_FRESH)}.big.example.com"],
            "rules": [
                {
                    "filters": [
                        {
                            "type": "RequestRedirect",
                            "requestRedirect": {"scheme": "https", "statusCode": 301},
                        }
                    ]
                }
            ],
        },
    }


def _twin_rules(validator: Validator, kind: str) -> list[Any]:
    custom = crds.load(crd_dir(str(validator.gateway_api_version)))[(GW, kind)]
    return [rule for rule in custom.rules() if rule.twin is not None]


@pytest.mark.parametrize("version", GATEWAY_API_VERSIONS)
def test_largest_gateway_and_redirect_route_are_judged_by_twins(version: str) -> None:
    validator = Validator(version)
    for obj in (_big_gateway(), _redirect_route([f"http-h{i}" for i in range(32)])):
        twins = _twin_rules(validator, obj["kind"])
        before = [(rule.evaluations, rule.interpreted) for rule in twins]

        admission = validator.admit(obj, None)

        assert admission.errors == []
        after = [(rule.evaluations, rule.interpreted) for rule in twins]
        # Each pairwise rule was judged (once per object) and celpy never ran it.
        assert [(e - e0, i - i0) for (e, i), (e0, i0) in zip(after, before, strict=True)] == [
            (1, 0)
        ] * len(twins)


@pytest.mark.parametrize("version", GATEWAY_API_VERSIONS)
def test_twins_still_refuse_a_duplicate_parent_section(version: str) -> None:
    route = _redirect_route([f"http-h{i}" for i in range(31)] + ["http-h0"])

    errors = Validator(version).admit(route, None).errors

    assert errors == [
        'spec.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs '
        "includes 2 or more references to the same parent"
    ]


@pytest.mark.parametrize("version", GATEWAY_API_VERSIONS)
def test_twins_still_refuse_a_parent_both_with_and_without_section(version: str) -> None:
    route = _redirect_route(["http-h0", "http-h1"])
    del route["spec"]["parentRefs"][1]["sectionName"]

    errors = Validator(version).admit(route, None).errors

    assert errors == [
        'spec.parentRefs: Invalid value: "array": sectionName must be specified when '
        "parentRefs includes 2 or more references to the same parent"
    ]
