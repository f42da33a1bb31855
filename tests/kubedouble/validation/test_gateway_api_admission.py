"""Gateway API objects through the double's admission: as strict as the real CRDs, no more."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import lightkube
import pytest
from lightkube import ApiError, codecs

import kube_apply  # noqa: F401 - registers the Gateway API kinds with lightkube's codecs
from kubedouble.validation import Validator

GROUP = "gateway.networking.k8s.io/v1"


def gateway(*listeners: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": GROUP,
        "kind": "Gateway",
        "metadata": {"name": "gw", "namespace": "default"},
        "spec": {"gatewayClassName": "cilium", "listeners": list(listeners)},
    }


def listener(name: str, protocol: str = "HTTP", port: int = 80, **extra: Any) -> dict[str, Any]:
    return {"name": name, "protocol": protocol, "port": port, **extra}


def tls(cert: str = "cert") -> dict[str, Any]:
    return {"certificateRefs": [{"name": cert}]}


def route(*rules: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": GROUP,
        "kind": "HTTPRoute",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"parentRefs": [{"name": "gw"}], "rules": list(rules), **spec},
    }


def prefix(value: str = "/") -> dict[str, Any]:
    return {"path": {"type": "PathPrefix", "value": value}}


def backend(name: str = "web", port: int = 8080) -> dict[str, Any]:
    return {"name": name, "port": port}


def redirect(status: int = 301) -> dict[str, Any]:
    return {
        "type": "RequestRedirect",
        "requestRedirect": {"scheme": "https", "statusCode": status},
    }


def rewrite_prefix(replacement: str = "/") -> dict[str, Any]:
    return {
        "type": "URLRewrite",
        "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": replacement}},
    }


def header_set() -> dict[str, Any]:
    return {
        "type": "ResponseHeaderModifier",
        "responseHeaderModifier": {"set": [{"name": "X-Frame-Options", "value": "DENY"}]},
    }


def hostname_listener(hostname: str) -> dict[str, Any]:
    return listener("http", hostname=hostname)


INVALID: dict[str, tuple[Callable[[], dict[str, Any]], str]] = {
    "http-listener-with-tls": (
        lambda: gateway(listener("http", tls=tls())),
        "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    ),
    "duplicate-listener-names": (
        lambda: gateway(listener("web"), listener("web", "HTTPS", 443, tls=tls())),
        "Listener name must be unique within the Gateway",
    ),
    "65-listeners": (
        lambda: gateway(*(listener(f"l{i}", port=1000 + i) for i in range(65))),
        "spec.listeners: Too many: 65: must have at most 64 items",
    ),
    "listener-hostname-inner-wildcard": (
        lambda: gateway(hostname_listener("foo.*.example.com")),
        "spec.listeners[0].hostname: Invalid value",
    ),
    "17-hostnames": (
        lambda: route(
            {"backendRefs": [backend()]}, hostnames=[f"h{i}.example.com" for i in range(17)]
        ),
        "spec.hostnames: Too many: 17: must have at most 16 items",
    ),
    "rewrite-prefix-with-exact-match": (
        lambda: route(
            {
                "matches": [{"path": {"type": "Exact", "value": "/app"}}],
                "filters": [rewrite_prefix()],
                "backendRefs": [backend()],
            }
        ),
        "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix "
        "match must be specified",
    ),
    "redirect-and-rewrite-in-one-rule": (
        lambda: route({"matches": [prefix("/app")], "filters": [redirect(), rewrite_prefix()]}),
        "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite",
    ),
    "same-filter-twice": (
        lambda: route({"filters": [header_set(), header_set()], "backendRefs": [backend()]}),
        "ResponseHeaderModifier filter cannot be repeated",
    ),
    "17-rules": (
        lambda: route(*({"matches": [prefix(f"/p{i}")]} for i in range(17))),
        "spec.rules: Too many: 17: must have at most 16 items",
    ),
    "uppercase-section-name": (
        lambda: route(
            {"backendRefs": [backend()]}, parentRefs=[{"name": "gw", "sectionName": "Web"}]
        ),
        'spec.parentRefs[0].sectionName: Invalid value: "Web"',
    ),
    "duplicate-parent-refs": (
        lambda: route(
            {"backendRefs": [backend()]},
            parentRefs=[
                {"name": "gw", "namespace": "infra"},
                {"name": "gw", "namespace": "infra"},
            ],
        ),
        # v1.2 says "sectionName must be unique", v1.6 "sectionName or port must be unique".
        "must be unique when parentRefs includes 2 or more references to the same parent",
    ),
    "backend-service-without-port": (
        lambda: route({"backendRefs": [{"name": "web"}]}),
        "Must have port for Service reference",
    ),
}


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_invalid_object_is_rejected_with_crd_message(validator: Validator, case: str) -> None:
    build, fragment = INVALID[case]
    errors = validator.admit(build(), None).errors
    assert any(fragment in e for e in errors), errors


@pytest.mark.parametrize("version", ["v1.2.1", "v1.4.1"])
def test_redirect_303_is_rejected_before_v1_6(version: str) -> None:
    obj = route({"filters": [redirect(303)]})
    errors = Validator(version).admit(obj, None).errors
    assert any("statusCode: Unsupported value: 303" in e for e in errors), errors


def test_redirect_303_is_accepted_by_v1_6() -> None:
    assert Validator("v1.6.1").admit(route({"filters": [redirect(303)]}), None).errors == []


VALID: dict[str, Callable[[], dict[str, Any]]] = {
    "http-and-https-listeners": lambda: gateway(
        listener("http", hostname="app.example.com"),
        listener("https", "HTTPS", 443, hostname="app.example.com", tls=tls()),
    ),
    # The CRDs leave an HTTPS listener without tls to the controller; kube-apiserver admits it.
    "https-listener-without-tls": lambda: gateway(listener("https", "HTTPS", 443)),
    "wildcard-listener-hostname": lambda: gateway(hostname_listener("*.example.com")),
    "64-listeners": lambda: gateway(*(listener(f"l{i}", port=1000 + i) for i in range(64))),
    "redirect-to-https": lambda: route({"filters": [redirect(301)]}),
    "rewrite-prefix-with-one-prefix-match": lambda: route(
        {"matches": [prefix("/app")], "filters": [rewrite_prefix("/")], "backendRefs": [backend()]}
    ),
    "response-header-set": lambda: route({"filters": [header_set()], "backendRefs": [backend()]}),
    "parent-refs-in-two-namespaces": lambda: route(
        {"backendRefs": [backend()]},
        parentRefs=[{"name": "gw", "namespace": "a"}, {"name": "gw", "namespace": "b"}],
    ),
    "16-rules": lambda: route(*({"matches": [prefix(f"/p{i}")]} for i in range(16))),
}


@pytest.mark.parametrize("case", VALID, ids=list(VALID))
def test_valid_object_is_admitted(validator: Validator, case: str) -> None:
    admission = validator.admit(VALID[case](), None)
    assert admission.errors == []
    assert admission.warnings == []


def listener_set() -> dict[str, Any]:
    return {
        "apiVersion": GROUP,
        "kind": "ListenerSet",
        "metadata": {"name": "extra", "namespace": "default"},
        "spec": {
            "parentRef": {"name": "gw"},
            "listeners": [{"name": "https", "protocol": "HTTPS", "port": 443, "tls": tls()}],
        },
    }


def test_listener_set_is_admitted_on_v1_6() -> None:
    assert Validator("v1.6.1").admit(listener_set(), None).errors == []


@pytest.mark.parametrize("version", ["v1.2.1", "v1.4.1"])
def test_listener_set_is_unknown_before_v1_5(version: str) -> None:
    errors = Validator(version).admit(listener_set(), None).errors
    assert errors == [f'no matches for kind "ListenerSet" in version "{GROUP}"']


def test_listener_set_rejects_duplicate_listener_names() -> None:
    obj = listener_set()
    obj["spec"]["listeners"].append(copy.deepcopy(obj["spec"]["listeners"][0]) | {"port": 8443})
    errors = Validator("v1.6.1").admit(obj, None).errors
    assert any("Listener name must be unique" in e for e in errors), errors


def test_backend_ref_defaults_are_filled(validator: Validator) -> None:
    stored = validator.admit(route({"backendRefs": [backend()]}), None).obj
    ref = stored["spec"]["rules"][0]["backendRefs"][0]
    assert (ref["group"], ref["kind"], ref["weight"]) == ("", "Service", 1)


def test_rule_without_matches_gets_the_default_path_match(validator: Validator) -> None:
    stored = validator.admit(route({"backendRefs": [backend()]}), None).obj
    assert stored["spec"]["rules"][0]["matches"] == [prefix("/")]


def test_parent_ref_defaults_are_filled(validator: Validator) -> None:
    stored = validator.admit(route({"backendRefs": [backend()]}), None).obj
    parent = stored["spec"]["parentRefs"][0]
    assert (parent["group"], parent["kind"]) == (GROUP.split("/", maxsplit=1)[0], "Gateway")


def test_listener_allowed_routes_default_to_same_namespace(validator: Validator) -> None:
    stored = validator.admit(gateway(listener("http")), None).obj
    assert stored["spec"]["listeners"][0]["allowedRoutes"]["namespaces"] == {"from": "Same"}


def test_present_field_is_not_overwritten_by_default(validator: Validator) -> None:
    obj = route({"backendRefs": [backend() | {"weight": 5}]})
    stored = validator.admit(obj, None).obj
    assert stored["spec"]["rules"][0]["backendRefs"][0]["weight"] == 5


def test_admit_does_not_mutate_its_input(validator: Validator) -> None:
    obj = route({"backendRefs": [backend()], "backendRef": "typo"})
    before = copy.deepcopy(obj)
    validator.admit(obj, copy.deepcopy(obj))
    assert obj == before


def test_unknown_field_is_pruned_with_a_warning(validator: Validator) -> None:
    obj = route({"backendRef": backend(), "backendRefs": [backend()]})
    admission = validator.admit(obj, None)
    assert "backendRef" not in admission.obj["spec"]["rules"][0]
    assert admission.warnings == ['unknown field "spec.rules[0].backendRef"']
    assert admission.errors == []


def test_unknown_metadata_field_is_pruned_with_a_warning(validator: Validator) -> None:
    obj = gateway(listener("http"))
    obj["metadata"]["label"] = {"app": "x"}
    admission = validator.admit(obj, None)
    assert admission.warnings == ['unknown field "metadata.label"']
    assert "label" not in admission.obj["metadata"]


def test_missing_required_field_is_reported(validator: Validator) -> None:
    obj = gateway(listener("http"))
    del obj["spec"]["listeners"][0]["port"]
    assert "spec.listeners[0].port: Required value" in validator.admit(obj, None).errors


def test_object_name_must_be_a_dns_subdomain(validator: Validator) -> None:
    obj = gateway(listener("http"))
    obj["metadata"]["name"] = "Bad_Name"
    errors = validator.admit(obj, None).errors
    assert any(e.startswith('metadata.name: Invalid value: "Bad_Name"') for e in errors), errors


def gateway_class(controller: str) -> dict[str, Any]:
    return {
        "apiVersion": GROUP,
        "kind": "GatewayClass",
        "metadata": {"name": "cilium"},
        "spec": {"controllerName": controller},
    }


def test_transition_rule_is_skipped_on_create(validator: Validator) -> None:
    assert validator.admit(gateway_class("example.com/a"), None).errors == []


def test_transition_rule_rejects_a_changed_immutable_field(validator: Validator) -> None:
    old = validator.admit(gateway_class("example.com/a"), None).obj
    errors = validator.admit(gateway_class("example.com/b"), old).errors
    assert errors == ['spec.controllerName: Invalid value: "string": Value is immutable']


def test_transition_rule_accepts_an_unchanged_field(validator: Validator) -> None:
    old = validator.admit(gateway_class("example.com/a"), None).obj
    assert validator.admit(gateway_class("example.com/a"), old).errors == []


def test_status_write_validates_status_only(validator: Validator) -> None:
    old = validator.admit(gateway(listener("http")), None).obj
    obj = copy.deepcopy(old)
    obj["status"] = {"addresses": [{"type": "IPAddress", "value": "not-an-ip"}]}
    errors = validator.admit_status(obj, old).errors
    assert errors
    assert all(e.startswith("status.addresses[0]") for e in errors), errors


def test_status_write_accepts_a_valid_status(validator: Validator) -> None:
    old = validator.admit(gateway(listener("http")), None).obj
    obj = copy.deepcopy(old)
    obj["status"] = {"addresses": [{"type": "IPAddress", "value": "10.0.0.1"}]}
    assert validator.admit_status(obj, old).errors == []


def test_resource_types_include_every_served_crd_version(validator: Validator) -> None:
    kinds = {(t.api_version, t.kind) for t in validator.resource_types()}
    assert {(GROUP, "Gateway"), (GROUP, "HTTPRoute"), (GROUP, "GatewayClass")} <= kinds
    assert ("gateway.networking.k8s.io/v1beta1", "ReferenceGrant") in kinds


def test_gateway_class_is_cluster_scoped(validator: Validator) -> None:
    by_kind = {t.kind: t for t in validator.resource_types() if t.group}
    assert by_kind["GatewayClass"].namespaced is False
    assert by_kind["Gateway"].has_status is True
    assert by_kind["ReferenceGrant"].has_status is False


# ----- the same tables through a server: the double over HTTP and the real kube-apiserver ----


def dry_run_create(api: Any, obj: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(the refusal message or None, the object as it would be stored), via `?dryRun=All`."""
    client = lightkube.Client(field_manager="admission-test", dry_run=True)
    try:
        stored = client.create(codecs.from_dict(copy.deepcopy(obj)))
    except ApiError as error:
        if error.status.code != 422:
            raise
        return str(error.status.message), {}
    return None, stored.to_dict()  # type: ignore[union-attr]


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_server_refuses_invalid_object_with_crd_message(api_any: Any, case: str) -> None:
    build, fragment = INVALID[case]

    refusal, _ = dry_run_create(api_any, build())

    assert refusal is not None
    assert fragment in refusal


@pytest.mark.parametrize("case", VALID, ids=list(VALID))
def test_server_admits_valid_object_as_the_double_stores_it(api_any: Any, case: str) -> None:
    obj = VALID[case]()

    refusal, stored = dry_run_create(api_any, obj)

    assert refusal is None
    assert api_any.warnings == []
    # Defaults filled in by the server are the double's defaults, field for field.
    expected = Validator(api_any.gateway_api_version).admit(obj, None).obj
    assert stored["spec"] == expected["spec"]
