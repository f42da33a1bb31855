"""Controller profiles: the exact status each real-controller stand-in writes, per CRD release.

Every test runs once per Gateway API release that has the kinds it needs, and once per way the
controller reaches the API server (the double's store in process, and lightkube over HTTP).
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kubedouble import GatewayController, KubeDouble
from kubedouble.clusters import LightkubeCluster
from kubedouble.profiles import PROFILES
from kubedouble.samples import (
    backend_tls_policy_body,
    config_map_body,
    gateway_body,
    gateway_class_body,
    listener_set_body,
    route_body,
    service_body,
    tls_secret_body,
)

ALL = ("v1.2.1", "v1.4.1", "v1.6.1")
WITH_BACKEND_TLS = ("v1.4.1", "v1.6.1")
WITH_LISTENER_SET = ("v1.6.1",)
GW = ("gw-ns", "gw")
HOST = "a.example.com"
DEFAULTED = [  # what the CRDs default an unreconciled object's conditions to
    {
        "lastTransitionTime": "1970-01-01T00:00:00Z",
        "message": "Waiting for controller",
        "reason": "Pending",
        "status": "Unknown",
        "type": kind,
    }
    for kind in ("Accepted", "Programmed")
]


# ----- fixtures -------------------------------------------------------------------------


def _double(version: str) -> Iterator[KubeDouble]:
    with KubeDouble(version) as double:
        yield double
    assert not double.internal_errors, double.internal_errors


@pytest.fixture(params=ALL)
def kube_all(request: pytest.FixtureRequest) -> Iterator[KubeDouble]:
    yield from _double(request.param)


@pytest.fixture(params=WITH_BACKEND_TLS)
def kube_btls(request: pytest.FixtureRequest) -> Iterator[KubeDouble]:
    yield from _double(request.param)


@pytest.fixture(params=WITH_LISTENER_SET)
def kube_ls(request: pytest.FixtureRequest) -> Iterator[KubeDouble]:
    yield from _double(request.param)


@pytest.fixture(params=["in-process", "lightkube"])
def via(request: pytest.FixtureRequest) -> str:
    return request.param


def _controller(kube: KubeDouble, via: str, profile: str) -> GatewayController:
    if via == "in-process":
        kube.controller.profile = profile
        return kube.controller
    return GatewayController(LightkubeCluster(kube.client()), profile)


def _pem_pair(not_before: datetime.datetime, not_after: datetime.datetime) -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    crt = cert.public_bytes(serialization.Encoding.PEM)
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "tls.crt": base64.b64encode(crt).decode(),
        "tls.key": base64.b64encode(pem_key).decode(),
    }


def _utc(year: int) -> datetime.datetime:
    return datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)


VALID = _pem_pair(_utc(2000), _utc(9000))


def _https(name: str = "https", hostname: str = HOST, cert_ref: str = "cert") -> dict[str, Any]:
    return {
        "name": name,
        "port": 443,
        "protocol": "HTTPS",
        "hostname": hostname,
        "tls": {"certificateRefs": [{"name": cert_ref}]},
        "allowedRoutes": {"namespaces": {"from": "All"}},
    }


def _world(kube: KubeDouble, secret: dict[str, str] | None = None, **spec: Any) -> None:
    """Gateway gw-ns/gw (HTTP + HTTPS for a.example.com), Service app/web, route app/route."""
    for namespace in ("gw-ns", "app"):
        kube.ensure_namespace(namespace)
    kube.seed(gateway_class_body())
    kube.seed(tls_secret_body("cert", "gw-ns", secret or VALID))
    http = {"name": "http", "port": 80, "protocol": "HTTP", "hostname": HOST}
    http["allowedRoutes"] = {"namespaces": {"from": "All"}}
    kube.seed(gateway_body("gw", "gw-ns", listeners=[http, _https()], **spec))
    kube.seed(service_body("web", "app"))
    parent = {"name": "gw", "namespace": "gw-ns", "sectionName": "https"}
    kube.seed(route_body("route", "app", parent=parent, hostnames=[HOST]))


def _conditions(status: dict[str, Any] | None) -> dict[str, tuple[str, str]]:
    return {c["type"]: (c["status"], c["reason"]) for c in (status or {}).get("conditions", [])}


def _gateway(kube: KubeDouble, name: str = "gw") -> dict[str, Any]:
    return kube.read("Gateway", name, "gw-ns")["status"]


def _listener(kube: KubeDouble, name: str, gateway: str = "gw") -> dict[str, tuple[str, str]]:
    entries = _gateway(kube, gateway)["listeners"]
    return _conditions(next(e for e in entries if e["name"] == name))


def _route(kube: KubeDouble, name: str = "route") -> list[dict[str, tuple[str, str]]]:
    status = kube.read("HTTPRoute", name, "app").get("status") or {}
    return [_conditions(p) for p in status.get("parents", [])]


def _features(kube: KubeDouble) -> list[str] | None:
    status = kube.read("GatewayClass", "gc")["status"]
    features = status.get("supportedFeatures")
    return None if features is None else [f["name"] for f in features]


HEALTHY_LISTENER = {
    "Accepted": ("True", "Accepted"),
    "Programmed": ("True", "Programmed"),
    "ResolvedRefs": ("True", "ResolvedRefs"),
    "Conflicted": ("False", "NoConflicts"),
}
ROUTE_OK = {"Accepted": ("True", "Accepted"), "ResolvedRefs": ("True", "ResolvedRefs")}


# ----- selecting a profile --------------------------------------------------------------


def test_the_default_profile_supports_both_extended_features() -> None:
    profile = KubeDouble().controller.profile
    assert (profile.name, profile.listener_sets, profile.backend_tls) == (
        "conformant",
        True,
        True,
    )


def test_a_profile_is_chosen_by_name_at_construction_or_later() -> None:
    kube = KubeDouble("v1.6.1", controller_profile="core-only")
    assert kube.controller.profile.name == "core-only"
    kube.controller.profile = "merged-gateways"
    assert kube.controller.profile.merged_gateways


def test_an_unknown_profile_is_refused_with_the_known_names() -> None:
    with pytest.raises(ValueError, match="known: conformant, core-only"):
        KubeDouble(controller_profile="cilium-9")


# ----- supportedFeatures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            "conformant",
            {
                "v1.2.1": None,  # the v1.2 CRD has no status.supportedFeatures
                "v1.4.1": ["BackendTLSPolicy", "Gateway", "HTTPRoute", "ReferenceGrant"],
                "v1.6.1": [
                    "BackendTLSPolicy",
                    "Gateway",
                    "HTTPRoute",
                    "ListenerSet",
                    "ReferenceGrant",
                ],
            },
        ),
        (
            "core-only",
            {
                "v1.2.1": None,
                "v1.4.1": ["Gateway", "HTTPRoute", "ReferenceGrant"],
                "v1.6.1": ["Gateway", "HTTPRoute", "ReferenceGrant"],
            },
        ),
    ],
)
def test_supported_features_name_what_is_implemented_and_served(
    kube_all: KubeDouble, via: str, profile: str, expected: dict[str, list[str] | None]
) -> None:
    _world(kube_all)
    _controller(kube_all, via, profile).reconcile()
    assert _features(kube_all) == expected[kube_all.gateway_api_version or ""]
    class_status = _conditions(kube_all.read("GatewayClass", "gc")["status"])
    assert class_status == {"Accepted": ("True", "Accepted")}


def test_in_process_never_writes_a_field_the_crd_would_prune(kube_all: KubeDouble) -> None:
    _world(kube_all)
    kube_all.controller.reconcile()
    assert kube_all.warnings == []


# ----- the Gateway, its listeners and a route, per profile ------------------------------


@pytest.mark.parametrize(
    ("profile", "programmed"),
    [
        ("conformant", ("True", "Programmed")),
        ("core-only", ("True", "Programmed")),
        ("never-programmed", ("False", "NoResources")),
        ("strict-certificates", ("True", "Programmed")),
        ("merged-gateways", ("True", "Programmed")),
    ],
)
def test_gateway_listener_and_route_conditions(
    kube_all: KubeDouble, via: str, profile: str, programmed: tuple[str, str]
) -> None:
    _world(kube_all)
    _controller(kube_all, via, profile).reconcile(addresses=["10.0.0.7"])
    gateway = _gateway(kube_all)
    assert gateway["addresses"] == [{"type": "IPAddress", "value": "10.0.0.7"}]
    assert _conditions(gateway) == {"Accepted": ("True", "Accepted"), "Programmed": programmed}
    # Listeners are translated whether or not a proxy runs, as Envoy Gateway reports them.
    assert _listener(kube_all, "https") == HEALTHY_LISTENER
    assert _route(kube_all) == [ROUTE_OK]


@pytest.mark.parametrize("profile", list(PROFILES))
def test_no_address_is_address_not_assigned_in_every_profile(
    kube_all: KubeDouble, profile: str
) -> None:
    _world(kube_all)
    _controller(kube_all, "in-process", profile).reconcile(addresses=[])
    gateway = _gateway(kube_all)
    assert "addresses" not in gateway
    assert _conditions(gateway)["Programmed"] == ("False", "AddressNotAssigned")


@pytest.mark.parametrize("profile", list(PROFILES))
def test_a_refused_class_leaves_gateways_as_the_crd_defaults_them(
    kube_all: KubeDouble, profile: str
) -> None:
    _world(kube_all)
    controller = _controller(kube_all, "in-process", profile)
    controller.reconcile()
    controller.reconcile(class_accepted=False)
    assert _conditions(kube_all.read("GatewayClass", "gc")["status"]) == {
        "Accepted": ("False", "InvalidParameters")
    }
    assert _gateway(kube_all) == {"conditions": DEFAULTED}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_a_rejected_route_is_refused_in_every_profile(kube_all: KubeDouble, profile: str) -> None:
    _world(kube_all)
    controller = _controller(kube_all, "in-process", profile)
    controller.reject("app", "route", "UnsupportedValue", "filter not supported")
    controller.reconcile()
    assert _route(kube_all) == [
        {"Accepted": ("False", "UnsupportedValue"), "ResolvedRefs": ("True", "ResolvedRefs")}
    ]


@pytest.mark.parametrize("profile", list(PROFILES))
def test_a_second_reconcile_writes_nothing(kube_ls: KubeDouble, via: str, profile: str) -> None:
    _world(kube_ls, allowedListeners={"namespaces": {"from": "All"}})
    kube_ls.seed(
        listener_set_body(
            "extra", "app", gateway=GW, listeners=[_https("b", "b.example.com", "cert")]
        )
    )
    controller = _controller(kube_ls, via, profile)
    controller.reconcile()
    kube_ls.reset_requests()
    controller.reconcile()
    assert kube_ls.count("patch") + kube_ls.count("update") == 0


# ----- ListenerSet ----------------------------------------------------------------------


def _listener_set_world(kube: KubeDouble, **gateway_spec: Any) -> None:
    _world(kube, **gateway_spec)
    kube.seed(tls_secret_body("cert-b", "app", VALID))
    listener = _https("b", "b.example.com", "cert-b")
    kube.seed(listener_set_body("extra", "app", gateway=GW, listeners=[listener]))
    parent = {"group": "gateway.networking.k8s.io", "kind": "ListenerSet", "name": "extra"}
    kube.seed(route_body("via-set", "app", parent=parent, hostnames=["b.example.com"]))


def _listener_set(kube: KubeDouble, name: str = "extra") -> dict[str, Any]:
    return kube.read("ListenerSet", name, "app")["status"]


ALLOW_ALL: dict[str, Any] = {"allowedListeners": {"namespaces": {"from": "All"}}}


def test_conformant_reconciles_an_allowed_listener_set(kube_ls: KubeDouble, via: str) -> None:
    _listener_set_world(kube_ls, **ALLOW_ALL)
    _controller(kube_ls, via, "conformant").reconcile()
    status = _listener_set(kube_ls)
    assert _conditions(status) == {
        "Accepted": ("True", "Accepted"),
        "Programmed": ("True", "Programmed"),
    }
    (listener,) = status["listeners"]
    assert (_conditions(listener), listener["attachedRoutes"]) == (HEALTHY_LISTENER, 1)
    assert _gateway(kube_ls)["attachedListenerSets"] == 1
    assert _route(kube_ls, "via-set") == [ROUTE_OK]


def test_core_only_leaves_listener_sets_as_the_api_server_defaulted_them(
    kube_ls: KubeDouble, via: str
) -> None:
    _listener_set_world(kube_ls, **ALLOW_ALL)
    _controller(kube_ls, via, "core-only").reconcile()
    assert _listener_set(kube_ls) == {"conditions": DEFAULTED}
    assert "status" not in kube_ls.read("HTTPRoute", "via-set", "app")
    gateway = _gateway(kube_ls)
    assert "attachedListenerSets" not in gateway
    # allowedListeners is ignored, and said so, but the Gateway is still accepted.
    assert _conditions(gateway) == {
        "Accepted": ("True", "UnsupportedField"),
        "Programmed": ("True", "Programmed"),
    }


def test_core_only_accepts_a_gateway_without_allowed_listeners_plainly(
    kube_ls: KubeDouble,
) -> None:
    _listener_set_world(kube_ls)
    _controller(kube_ls, "in-process", "core-only").reconcile()
    assert _conditions(_gateway(kube_ls))["Accepted"] == ("True", "Accepted")


def test_a_listener_set_of_an_unprogrammed_gateway_is_not_programmed(
    kube_ls: KubeDouble, via: str
) -> None:
    _listener_set_world(kube_ls, **ALLOW_ALL)
    _controller(kube_ls, via, "never-programmed").reconcile()
    assert _conditions(_listener_set(kube_ls)) == {
        "Accepted": ("True", "Accepted"),
        "Programmed": ("False", "ParentNotProgrammed"),
    }


def test_a_listener_set_repeating_its_gateways_hostname_loses(
    kube_ls: KubeDouble, via: str
) -> None:
    _world(kube_ls, **ALLOW_ALL)
    kube_ls.seed(tls_secret_body("cert", "app", VALID))
    kube_ls.seed(listener_set_body("extra", "app", gateway=GW, listeners=[_https("dup")]))
    _controller(kube_ls, via, "conformant").reconcile()
    status = _listener_set(kube_ls)
    assert _conditions(status) == {
        "Accepted": ("False", "ListenersNotValid"),
        "Programmed": ("False", "ListenersNotValid"),
    }
    assert _conditions(status["listeners"][0]) == {
        "Accepted": ("False", "HostnameConflict"),
        "Programmed": ("False", "HostnameConflict"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
        "Conflicted": ("True", "HostnameConflict"),
    }
    assert _listener(kube_ls, "https") == HEALTHY_LISTENER  # the Gateway's own listener wins
    assert _gateway(kube_ls)["attachedListenerSets"] == 0


def test_of_two_colliding_listener_sets_the_older_keeps_the_hostname(
    kube_ls: KubeDouble,
) -> None:
    _world(kube_ls, **ALLOW_ALL)
    kube_ls.seed(tls_secret_body("cert", "app", VALID))
    for name in ("a-first", "b-second"):  # equal timestamps fall back to namespace/name
        listener = _https("x", "x.example.com")
        kube_ls.seed(listener_set_body(name, "app", gateway=GW, listeners=[listener]))
    kube_ls.controller.reconcile()
    first, second = (_listener_set(kube_ls, n) for n in ("a-first", "b-second"))
    assert _conditions(first)["Accepted"] == ("True", "Accepted")
    assert _conditions(second["listeners"][0])["Conflicted"] == ("True", "HostnameConflict")


def test_a_listener_set_the_gateway_does_not_allow_is_refused(kube_ls: KubeDouble) -> None:
    _listener_set_world(kube_ls)  # allowedListeners defaults to from: None
    kube_ls.controller.reconcile()
    status = _listener_set(kube_ls)
    assert _conditions(status) == {
        "Accepted": ("False", "NotAllowed"),
        "Programmed": ("False", "NotAllowed"),
    }
    assert "listeners" not in status
    assert _route(kube_ls, "via-set") == [
        {"Accepted": ("False", "NotAllowedByListeners"), "ResolvedRefs": ("True", "ResolvedRefs")}
    ]


# ----- listener certificates ------------------------------------------------------------

BAD_SECRETS = {
    "not PEM": {"tls.crt": "Y3J0", "tls.key": "a2V5"},
    "expired": _pem_pair(_utc(2000), _utc(2001)),
    "not yet valid": _pem_pair(_utc(8000), _utc(9000)),
    "key not PEM": {**VALID, "tls.key": "a2V5"},
}
REJECTED_CERTIFICATE = {
    "Accepted": ("True", "Accepted"),
    "Programmed": ("False", "Invalid"),
    "ResolvedRefs": ("False", "InvalidCertificateRef"),
    "Conflicted": ("False", "NoConflicts"),
}


@pytest.mark.parametrize("secret", list(BAD_SECRETS))
def test_strict_certificates_rejects_an_unusable_certificate(
    kube_all: KubeDouble, via: str, secret: str
) -> None:
    _world(kube_all, secret=BAD_SECRETS[secret])
    _controller(kube_all, via, "strict-certificates").reconcile()
    assert _listener(kube_all, "https") == REJECTED_CERTIFICATE
    assert _listener(kube_all, "http") == HEALTHY_LISTENER
    assert _route(kube_all) == [ROUTE_OK]  # attachment does not depend on listener health


@pytest.mark.parametrize("secret", list(BAD_SECRETS))
def test_the_conformant_profile_only_checks_the_keys_are_there(
    kube_all: KubeDouble, secret: str
) -> None:
    _world(kube_all, secret=BAD_SECRETS[secret])
    kube_all.controller.reconcile()
    assert _listener(kube_all, "https") == HEALTHY_LISTENER


def test_strict_certificates_names_the_secret_and_the_problem(kube_all: KubeDouble) -> None:
    _world(kube_all, secret=BAD_SECRETS["expired"])
    _controller(kube_all, "in-process", "strict-certificates").reconcile()
    entry = next(e for e in _gateway(kube_all)["listeners"] if e["name"] == "https")
    resolved = next(c for c in entry["conditions"] if c["type"] == "ResolvedRefs")
    assert resolved["message"] == (
        "Secret gw-ns/cert: the certificate in tls.crt expired at 2001-01-01T00:00:00Z"
    )


@pytest.mark.parametrize("profile", list(PROFILES))
def test_a_certificate_rejected_by_hand_is_refused_in_every_profile(
    kube_all: KubeDouble, profile: str
) -> None:
    _world(kube_all)
    controller = _controller(kube_all, "in-process", profile)
    controller.reject_certificate("gw-ns", "cert", "revoked by the test")
    controller.reconcile()
    assert _listener(kube_all, "https") == REJECTED_CERTIFICATE
    controller.forget_certificate_rejection("gw-ns", "cert")
    controller.reconcile()
    assert _listener(kube_all, "https") == HEALTHY_LISTENER


def test_strict_certificates_applies_to_listener_sets_too(kube_ls: KubeDouble) -> None:
    _listener_set_world(kube_ls, **ALLOW_ALL)
    kube_ls.controller.reject_certificate("app", "cert-b")
    kube_ls.controller.reconcile()
    status = _listener_set(kube_ls)
    assert _conditions(status["listeners"][0]) == REJECTED_CERTIFICATE
    assert _conditions(status) == {
        "Accepted": ("True", "Accepted"),
        "Programmed": ("False", "ListenersNotValid"),
    }


# ----- merged Gateways ------------------------------------------------------------------


def _second_gateway(kube: KubeDouble, hostname: str = HOST, class_name: str = "gc") -> None:
    if class_name != "gc":
        kube.seed(gateway_class_body(class_name))
    kube.seed(
        gateway_body(
            "gw-2", "gw-ns", gatewayClassName=class_name, listeners=[_https("https", hostname)]
        )
    )


CONFLICTED = {
    "Accepted": ("True", "Accepted"),
    "Programmed": ("False", "Invalid"),
    "ResolvedRefs": ("True", "ResolvedRefs"),
    "Conflicted": ("True", "HostnameConflict"),
}


def test_merged_gateways_conflict_the_later_gateways_listener(
    kube_all: KubeDouble, via: str
) -> None:
    _world(kube_all)
    _second_gateway(kube_all)
    _controller(kube_all, via, "merged-gateways").reconcile()
    assert _listener(kube_all, "https") == HEALTHY_LISTENER
    assert _listener(kube_all, "https", "gw-2") == CONFLICTED


@pytest.mark.parametrize(
    ("profile", "hostname", "class_name"),
    [
        ("conformant", HOST, "gc"),  # separate data planes: no shared port
        ("merged-gateways", "other.example.com", "gc"),  # another hostname
        ("merged-gateways", HOST, "gc-2"),  # another class, another data plane
    ],
)
def test_gateways_do_not_conflict_otherwise(
    kube_all: KubeDouble, profile: str, hostname: str, class_name: str
) -> None:
    _world(kube_all)
    _second_gateway(kube_all, hostname, class_name)
    _controller(kube_all, "in-process", profile).reconcile()
    assert _listener(kube_all, "https", "gw-2") == HEALTHY_LISTENER


# ----- BackendTLSPolicy -----------------------------------------------------------------


def _policy_status(kube: KubeDouble, name: str = "web-tls") -> dict[str, Any] | None:
    return kube.read("BackendTLSPolicy", name, "app").get("status")


def _ancestor(kube: KubeDouble, name: str = "web-tls") -> dict[str, tuple[str, str]]:
    status = _policy_status(kube, name)
    assert status is not None
    (entry,) = status["ancestors"]
    assert entry["ancestorRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": "gw",
        "namespace": "gw-ns",
    }
    assert entry["controllerName"] == "example.com/gateway"
    return _conditions(entry)


CA = {"ca.crt": "-----BEGIN CERTIFICATE-----"}


@pytest.mark.parametrize(
    ("config_map", "ref", "well_known", "accepted", "resolved"),
    [
        (CA, {"kind": "ConfigMap"}, None, ("True", "Accepted"), ("True", "ResolvedRefs")),
        (
            None,
            {"kind": "ConfigMap"},
            None,
            ("False", "NoValidCACertificate"),
            ("False", "InvalidCACertificateRef"),
        ),
        (
            {"other": "x"},
            {"kind": "ConfigMap"},
            None,
            ("False", "NoValidCACertificate"),
            ("False", "InvalidCACertificateRef"),
        ),
        (
            CA,
            {"kind": "Secret"},
            None,
            ("False", "NoValidCACertificate"),
            ("False", "InvalidKind"),
        ),
        (None, None, "System", ("True", "Accepted"), ("True", "ResolvedRefs")),
    ],
    ids=["ca-configmap", "missing-configmap", "no-ca-crt", "secret-kind", "system-cas"],
)
def test_conformant_writes_backend_tls_policy_ancestor_status(
    kube_btls: KubeDouble,
    via: str,
    *,
    config_map: dict[str, str] | None,
    ref: dict[str, str] | None,
    well_known: str | None,
    accepted: tuple[str, str],
    resolved: tuple[str, str],
) -> None:
    _world(kube_btls)
    if config_map is not None:
        kube_btls.seed(config_map_body("web-ca", "app", config_map))
    refs = None if ref is None else [{"group": "", "name": "web-ca", **ref}]
    kube_btls.seed(
        backend_tls_policy_body(
            "web-tls", "app", service="web", ca_refs=refs, well_known=well_known
        )
    )
    _controller(kube_btls, via, "conformant").reconcile()
    assert _ancestor(kube_btls) == {"Accepted": accepted, "ResolvedRefs": resolved}


def test_an_unknown_well_known_ca_set_is_invalid(kube_ls: KubeDouble, via: str) -> None:
    # v1.6 lets an implementation name its own CA sets; this controller knows only System.
    _world(kube_ls)
    policy = backend_tls_policy_body("web-tls", "app", service="web", well_known="corp.io/cas")
    kube_ls.seed(policy)
    _controller(kube_ls, via, "conformant").reconcile()
    assert _ancestor(kube_ls) == {
        "Accepted": ("False", "Invalid"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
    }


def test_of_two_policies_on_one_service_the_older_wins(kube_btls: KubeDouble) -> None:
    _world(kube_btls)
    kube_btls.seed(config_map_body("web-ca", "app", CA))
    refs = [{"group": "", "kind": "ConfigMap", "name": "web-ca"}]
    for name in ("a-tls", "b-tls"):
        kube_btls.seed(backend_tls_policy_body(name, "app", service="web", ca_refs=refs))
    kube_btls.controller.reconcile()
    assert _ancestor(kube_btls, "a-tls")["Accepted"] == ("True", "Accepted")
    assert _ancestor(kube_btls, "b-tls")["Accepted"] == ("False", "Conflicted")


def test_a_policy_no_accepted_route_reaches_gets_no_status(kube_btls: KubeDouble) -> None:
    _world(kube_btls)
    kube_btls.seed(service_body("idle", "app"))
    kube_btls.seed(backend_tls_policy_body("web-tls", "app", service="idle", well_known="System"))
    kube_btls.controller.reconcile()
    assert _policy_status(kube_btls) is None


def test_a_policy_loses_its_ancestor_when_the_route_is_refused(kube_btls: KubeDouble) -> None:
    _world(kube_btls)
    kube_btls.seed(backend_tls_policy_body("web-tls", "app", service="web", well_known="System"))
    kube_btls.controller.reconcile()
    kube_btls.controller.reject("app", "route", "NotAllowedByListeners", "no")
    kube_btls.controller.reconcile()
    assert _policy_status(kube_btls) == {"ancestors": []}


def test_core_only_writes_no_backend_tls_policy_status(kube_btls: KubeDouble, via: str) -> None:
    _world(kube_btls)
    kube_btls.seed(backend_tls_policy_body("web-tls", "app", service="web", well_known="System"))
    _controller(kube_btls, via, "core-only").reconcile()
    assert _policy_status(kube_btls) is None
    assert _route(kube_btls) == [ROUTE_OK]
