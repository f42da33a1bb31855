"""Pure builders: listeners, Gateway, Secrets, redirect route, certificates, config, status."""

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from charmlibs.interfaces.tls_certificates import (
    Certificate,
    CertificateSigningRequest,
    PrivateKey,
    ProviderCertificate,
)

from integrator.certificates import certificate_request, issued
from integrator.plan import objects as gateway
from integrator.plan.arbitration import Served
from integrator.plan.certificates import Issued, usable
from integrator.plan.config import Config, load_config
from integrator.plan.listeners import (
    ListenerSpec,
    attachments,
    https_mode,
    listener_name,
    plan_listeners,
)
from integrator.plan.status import leader_status
from reconcile import ConfigProblem, active, blocked, waiting
from tls_provider import TLSProvider

SECTION_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LONG = ".".join(["a" * 60] * 4)  # 243 characters, a valid hostname


def secret(hostname):
    return gateway.secret_name("gw", hostname)


def served(hostname, *namespaces):
    return Served(hostname, frozenset(namespaces), frozenset({1}))


@pytest.mark.parametrize("hostname", ["a.example.com", LONG])
@pytest.mark.parametrize("protocol", ["HTTP", "HTTPS"])
def test_listener_names_are_valid_section_names(protocol, hostname):
    name = listener_name(protocol, hostname)
    assert SECTION_NAME.match(name)
    assert len(name) <= 253


def test_listener_names_are_readable_and_distinct():
    assert listener_name("HTTP", "a.example.com") == "http-a.example.com"
    assert listener_name("HTTPS", "a.example.com") == "https-a.example.com"
    assert listener_name("HTTP", LONG) != listener_name("HTTP", LONG[:-1] + "b")


@pytest.mark.parametrize(
    ("enforce", "related", "mode"),
    [
        (True, True, "enforced"),
        (True, False, "enforced"),
        (False, True, "enabled"),
        (False, False, "disabled"),
    ],
)
def test_https_mode(enforce, related, mode):
    assert https_mode(enforce, related) == mode


@pytest.mark.parametrize(
    ("mode", "certified", "expected"),
    [
        ("disabled", set(), [("http-a.example.com", "HTTP", True)]),
        ("enabled", set(), [("http-a.example.com", "HTTP", True)]),
        (
            "enabled",
            {"a.example.com"},
            [("http-a.example.com", "HTTP", True), ("https-a.example.com", "HTTPS", True)],
        ),
        ("enforced", set(), [("http", "HTTP", False)]),
        (
            "enforced",
            {"a.example.com"},
            [("http-a.example.com", "HTTP", False), ("https-a.example.com", "HTTPS", True)],
        ),
    ],
)
def test_listener_plan_per_mode(mode, certified, expected):
    specs = plan_listeners([served("a.example.com", "shop")], mode, certified, secret)
    assert [(s.name, s.protocol, s.tenant) for s in specs] == expected


def test_enforced_http_listener_admits_only_the_gateway_namespace():
    specs = plan_listeners(
        [served("a.example.com", "shop")], "enforced", {"a.example.com"}, secret
    )
    http = gateway.listener(specs[0])
    assert http["allowedRoutes"]["namespaces"] == {"from": "Same"}


def test_listener_admits_one_namespace_by_label():
    (spec,) = plan_listeners([served("a.example.com", "shop")], "disabled", set(), secret)
    assert gateway.listener(spec)["allowedRoutes"]["namespaces"] == {
        "from": "Selector",
        "selector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
    }


def test_listener_admits_several_namespaces_with_in():
    (spec,) = plan_listeners([served(None, "shop", "blog")], "disabled", set(), secret)
    entry = gateway.listener(spec)
    assert "hostname" not in entry
    assert entry["allowedRoutes"]["namespaces"]["selector"] == {
        "matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["blog", "shop"]}
        ]
    }


def test_https_listener_terminates_with_the_hostname_secret():
    specs = plan_listeners([served("a.example.com", "shop")], "enabled", {"a.example.com"}, secret)
    https = gateway.listener(specs[1])
    assert https["port"] == 443
    assert https["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"group": "", "kind": "Secret", "name": "gw-tls-a.example.com"}],
    }


def test_nothing_served_gives_a_placeholder_listener():
    (spec,) = plan_listeners([], "disabled", set(), secret)
    assert (spec.name, spec.hostname, spec.namespaces, spec.tenant) == ("http", None, None, False)


def test_attachments_are_the_tenant_listeners_of_a_hostname():
    specs = plan_listeners(
        [served("a.example.com", "shop")], "enforced", {"a.example.com"}, secret
    )
    assert [s.name for s in attachments(specs, "a.example.com")] == ["https-a.example.com"]


def test_redirect_route_attaches_to_every_http_listener_and_names_port_443():
    specs = plan_listeners(
        [served("a.example.com", "shop"), served("b.example.com", "blog")],
        "enforced",
        {"a.example.com", "b.example.com"},
        secret,
    )
    route = gateway.desired_redirect_route("gw-https-redirect", "gw", "infra", specs)
    assert [p["sectionName"] for p in route["spec"]["parentRefs"]] == [
        "http-a.example.com",
        "http-b.example.com",
    ]
    (rule,) = route["spec"]["rules"]
    # Port 443 named explicitly: implementations that derive it have kept :80 in Location.
    assert rule["filters"] == [
        {
            "type": "RequestRedirect",
            "requestRedirect": {"scheme": "https", "port": 443, "statusCode": 301},
        }
    ]


def test_tls_secret_holds_chain_and_key_base64():
    obj = gateway.desired_tls_secret("s", "infra", "CHAIN\n", "KEY\n")
    assert obj["type"] == "kubernetes.io/tls"
    assert base64.b64decode(obj["data"]["tls.crt"]) == b"CHAIN\n"
    assert base64.b64decode(obj["data"]["tls.key"]) == b"KEY\n"


def test_tenancy_round_trips_through_the_gateway_annotation():
    items = [served("a.example.com", "shop"), served(None, "blog", "shop")]
    obj = gateway.desired_gateway("gw", "infra", "cls", [], items)
    assert gateway.read_tenancy(obj) == {
        "a.example.com": frozenset({"shop"}),
        None: frozenset({"blog", "shop"}),
    }


def test_holders_fall_back_to_listeners_without_annotation():
    specs = plan_listeners([served("a.example.com", "shop", "blog")], "disabled", set(), secret)
    obj = gateway.desired_gateway("gw", "infra", "cls", specs, [])
    del obj["metadata"]["annotations"]
    assert gateway.read_tenancy(obj) == {"a.example.com": frozenset({"shop", "blog"})}


def test_addresses_come_from_the_gateway_status():
    obj = {
        "status": {"addresses": [{"type": "IPAddress", "value": "10.0.0.1"}, {"type": "Hostname"}]}
    }
    assert gateway.addresses(obj) == ["10.0.0.1"]
    assert gateway.addresses(None) == []


# ----- certificates -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return PrivateKey.generate(key_size=2048)


def provided(tls: TLSProvider, key: PrivateKey, hostname: str, revoked: bool = False) -> Issued:
    csr = certificate_request(hostname).generate_csr(key)
    signed = tls.sign(str(csr))
    found = issued(
        ProviderCertificate(
            relation_id=1,
            certificate=Certificate.from_string(signed.certificate),
            certificate_signing_request=CertificateSigningRequest.from_string(signed.csr),
            ca=Certificate.from_string(signed.ca),
            chain=[Certificate.from_string(pem) for pem in signed.chain],
            revoked=revoked,
        )
    )
    assert found is not None
    return found


@pytest.fixture(scope="module")
def tls() -> TLSProvider:
    return TLSProvider()


def test_usable_certificates_skip_revoked(tls, key):
    assert usable([provided(tls, key, "a.example.com", revoked=True)], datetime.now(UTC)) == {}


def test_usable_certificates_skip_expired(tls, key):
    later = datetime.now(UTC) + timedelta(days=365)
    assert usable([provided(tls, key, "a.example.com")], later) == {}


def test_full_chain_does_not_repeat_the_leaf(tls, key):
    found = usable([provided(tls, key, "a.example.com")], datetime.now(UTC))
    chain = found["a.example.com"].full_chain
    assert chain.count("BEGIN CERTIFICATE") == 2
    assert chain.startswith(found["a.example.com"].certificate.strip())


def test_long_hostname_is_requested_in_the_san_only(key):
    request = certificate_request(LONG)
    csr = request.generate_csr(key)
    assert csr.common_name == ""
    assert csr.sans_dns == {LONG}
    from charmlibs.interfaces.tls_certificates import CertificateRequestAttributes

    # the library compares requests to CSRs read back; unequal would re-request every event
    assert CertificateRequestAttributes.from_csr(csr, is_ca=False) == request


# ----- config and status ------------------------------------------------------------------


def test_config_defaults():
    config = load_config({"enforce-https": True, "hsts-max-age": 31536000}, "gw")
    assert isinstance(config, Config)
    assert (config.gateway_class, config.external_hostname, config.enforce_https) == (
        None,
        None,
        True,
    )


@pytest.mark.parametrize(
    ("raw", "option"),
    [
        ({"external-hostname": "Not_A_Host"}, "external-hostname"),
        ({"external-hostname": "*.example.com"}, "external-hostname"),
        ({"hsts-max-age": -1}, "hsts-max-age"),
    ],
)
def test_invalid_config_names_the_option_and_the_fix(raw, option):
    problem = load_config(raw, "gw")
    assert isinstance(problem, ConfigProblem)
    assert problem.option == option
    assert f"juju config gw {option}=" in str(problem)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {
                "problems": ["x"],
                "certificates": (["a.example.com"], []),
                "addresses": [],
                "served": 0,
            },
            blocked("x"),
        ),
        (
            {
                "problems": [],
                "certificates": (["a.example.com", "b.example.com"], ["b.example.com"]),
                "addresses": [],
                "served": 0,
            },
            waiting(
                "waiting for the certificates of a.example.com and new certificates of "
                "b.example.com (renewed; the old ones are served until they arrive) "
                "and the gateway address"
            ),
        ),
        (
            {
                "problems": [],
                "certificates": (["a.example.com", "b.example.com"], ["b.example.com"]),
                "revoked": {"a.example.com", "b.example.com"},
                "addresses": ["10.0.0.1"],
                "served": 2,
            },
            waiting(
                "waiting for replacements of the revoked certificates of a.example.com, "
                "b.example.com (the old ones are served until they arrive)"
            ),
        ),
        (
            {"problems": ["p1", "p2", "p3", "p4"], "addresses": [], "served": 0},
            blocked("p1; p2; and 2 more problem(s), shown once these are fixed"),
        ),
        (
            {"problems": [], "certificates": ([], []), "addresses": [], "served": 1},
            waiting("waiting for the gateway address"),
        ),
        (
            {
                "problems": [],
                "certificates": ([], []),
                "addresses": ["10.0.0.1", "gw.example.com"],
                "served": 3,
            },
            active("3 hostname(s) served at 10.0.0.1, gw.example.com"),
        ),
    ],
)
def test_leader_status(kwargs, expected):
    assert leader_status(**kwargs) == expected


def test_only_reachable_gateway_addresses_are_passed_on():
    status = {
        "addresses": [
            {"type": "NamedAddress", "value": "pool-a"},
            {"type": "IPAddress", "value": "10.0.0.1"},
            {"type": "Hostname", "value": "gw.example.com"},
            {"type": "IPAddress", "value": "[2001:db8::1]"},
            {"value": "2001:db8::2"},
            {"type": "IPAddress"},
        ]
    }
    assert gateway.addresses({"status": status}) == ["10.0.0.1", "gw.example.com", "2001:db8::2"]


def test_names_in_use_keeps_only_what_a_listener_of_ours_really_presents():
    found = {
        "metadata": {"name": "gw", "namespace": "infra"},
        "spec": {
            "listeners": [
                "garbage",
                {"name": "web", "protocol": "HTTP", "port": 80, "hostname": "a.example.com"},
                {"name": "odd", "protocol": "HTTP", "port": 8080, "hostname": "b.example.com"},
                {
                    "name": "sec",
                    "protocol": "HTTPS",
                    "port": 443,
                    "hostname": "a.example.com",
                    "tls": {"certificateRefs": [{"name": "a-cert"}]},
                },
                {
                    "name": "far",
                    "protocol": "HTTPS",
                    "port": 443,
                    "hostname": "c.example.com",
                    "tls": {"certificateRefs": [{"name": "c-cert", "namespace": "elsewhere"}]},
                },
                {
                    "name": "bad",
                    "protocol": "HTTPS",
                    "port": 443,
                    "hostname": "d.example.com",
                    "tls": {"certificateRefs": "d-cert"},
                },
            ]
        },
    }
    ours = {"a-cert": {}, "c-cert": {}, "d-cert": {}}
    names = gateway.names_in_use("gw", found, ours)
    assert names.listeners == {
        ("HTTP", "a.example.com"): "web",
        ("HTTPS", "a.example.com"): "sec",
        ("HTTPS", "c.example.com"): "far",
        ("HTTPS", "d.example.com"): "bad",
    }
    assert names.secrets == {"a.example.com": "a-cert"}
    assert names.secret("c.example.com") == gateway.secret_name("gw", "c.example.com")
    assert gateway.names_in_use("gw", None, ours) == gateway.Names("gw")


def test_a_secret_two_listeners_present_is_kept_by_neither():
    def https(name: str, hostname: str, ref: dict) -> dict:
        return {
            "name": name,
            "protocol": "HTTPS",
            "port": 443,
            "hostname": hostname,
            "tls": {"certificateRefs": [ref]},
        }

    found = {
        "metadata": {"namespace": "infra"},
        "spec": {
            "listeners": [
                https("a", "a.example.com", {"name": "shared"}),
                https("b", "b.example.com", {"name": "shared"}),
                https("c", "c.example.com", {"name": "c-cert", "kind": "ConfigMap"}),
                https("d", "d.example.com", {"name": "d-cert", "kind": "Secret", "group": ""}),
            ]
        },
    }
    names = gateway.names_in_use("gw", found, {"shared": {}, "c-cert": {}, "d-cert": {}})
    assert names.secrets == {"d.example.com": "d-cert"}


def test_kept_names_never_give_two_listeners_one_name():
    names = gateway.Names("gw", {("HTTP", "a.example.com"): "http-b.example.com"})
    specs = [
        ListenerSpec("http-a.example.com", "HTTP", "a.example.com", None),
        ListenerSpec("http-b.example.com", "HTTP", "b.example.com", None),
    ]
    assert [spec.name for spec in names.keep(specs)] == [
        "http-a.example.com",
        "http-b.example.com",
    ]
