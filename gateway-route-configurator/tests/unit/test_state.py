import pytest

from configurator.plan.config import Config
from gateway_route import RefusalReason
from http_routes.state import route_state
from ingress_v2 import IngressRequest

REQUEST = IngressRequest(model="shop", name="catalogue", port=8080)


def test_url_is_https_when_the_first_hostname_has_an_https_listener(world) -> None:
    config = Config(hostnames=("a.example.com", "b.example.com"), paths=("/api", "/"))
    answer = world.answer(["a.example.com", "b.example.com"])

    state = route_state(config, REQUEST, answer, "shop")

    assert state.url == "https://a.example.com/api"


def test_url_is_http_without_tls(world) -> None:
    config = Config(hostnames=("a.example.com",), paths=("/",))

    state = route_state(config, REQUEST, world.answer(["a.example.com"], https=False), "shop")

    assert state.url == "http://a.example.com/"


def test_url_uses_the_first_accepted_hostname_when_the_first_is_refused(world) -> None:
    config = Config(hostnames=("a.example.com", "b.example.com"), paths=("/",))
    answer = world.answer(["b.example.com"], refused={"a.example.com": RefusalReason.CONFLICT})

    state = route_state(config, REQUEST, answer, "shop")

    assert state.url == "https://b.example.com/"
    assert [r.hostname for r in state.refused] == ["a.example.com"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.10", "http://203.0.113.10/shop-catalogue"),
        ("2001:db8::1", "http://[2001:db8::1]/shop-catalogue"),
    ],
)
def test_hostname_less_url_is_the_gateway_address_and_model_app_prefix(
    world, address: str, expected: str
) -> None:
    answer = world.answer([None], addresses=(address,))

    state = route_state(Config(hostnames=(), paths=("/",)), REQUEST, answer, "shop")

    assert state.url == expected
    assert state.paths == ("/shop-catalogue",)


def test_hostname_less_paths_nest_under_the_prefix(world) -> None:
    state = route_state(
        Config(hostnames=(), paths=("/", "/api")), REQUEST, world.answer([None]), "shop"
    )

    assert state.paths == ("/shop-catalogue", "/shop-catalogue/api")


def test_hostname_less_request_uses_the_default_hostname(world) -> None:
    answer = world.answer(["edge.example.com"], default_hostname="edge.example.com")

    state = route_state(Config(hostnames=(), paths=("/",)), REQUEST, answer, "shop")

    assert state.url == "https://edge.example.com/shop-catalogue"


def test_hostname_less_request_sees_the_default_hostnames_pending_certificate(world) -> None:
    # The gateway files the refusal under its default hostname, not under "".
    answer = world.answer(
        [],
        default_hostname="edge.example.com",
        refused={"edge.example.com": RefusalReason.PENDING_CERTIFICATE},
    )

    state = route_state(Config(hostnames=(), paths=("/",)), REQUEST, answer, "shop")

    assert state.attachments == ()
    assert [(r.hostname, r.reason) for r in state.refused] == [
        ("edge.example.com", RefusalReason.PENDING_CERTIFICATE)
    ]


def test_hostname_less_url_waits_for_an_address(world) -> None:
    state = route_state(
        Config(hostnames=(), paths=("/",)), REQUEST, world.answer([None], addresses=()), "shop"
    )

    assert state.url is None
    assert state.attachments


def test_an_answer_for_hostnames_no_longer_asked_for_is_ignored(world) -> None:
    answer = world.answer(["old.example.com"])

    state = route_state(
        Config(hostnames=("new.example.com",), paths=("/",)), REQUEST, answer, "shop"
    )

    assert state.attachments == ()
    assert state.pending == ("new.example.com",)


@pytest.mark.parametrize(("mode", "expected"), [("enforced", 600), ("enabled", 0)])
def test_hsts_only_when_the_gateway_enforces_https(world, mode: str, expected: int) -> None:
    answer = world.answer(["a.example.com"], https_mode=mode, hsts=600)

    state = route_state(
        Config(hostnames=("a.example.com",), paths=("/",)), REQUEST, answer, "shop"
    )

    assert state.hsts_max_age == expected


@pytest.mark.parametrize(
    ("scheme", "is_port_open", "own", "service"),
    [
        ("http", False, True, "catalogue-8080"),
        ("http", True, False, "catalogue"),
        ("h2c", True, True, "catalogue-8080"),  # Juju's Service cannot say h2c
    ],
)
def test_backend_service_choice(
    world, scheme: str, is_port_open: bool, own: bool, service: str
) -> None:
    request = REQUEST.model_copy(update={"scheme": scheme, "is_port_open": is_port_open})

    state = route_state(Config(hostnames=(), paths=("/",)), request, None, "shop")

    assert (state.own_service, state.service) == (own, service)
