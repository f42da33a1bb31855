import pytest
from ops import testing

from configurator.plan.config import Config, parse_config
from reconcile import ConfigProblem


@pytest.mark.parametrize(
    ("raw", "hostnames", "paths"),
    [
        ({}, (), ("/",)),
        ({"hostname": "shop.example.com"}, ("shop.example.com",), ("/",)),
        (
            {
                "hostname": "a.example.com",
                "additional-hostnames": " b.example.com, a.example.com,,",
            },
            ("a.example.com", "b.example.com"),
            ("/",),
        ),
        ({"paths": "/api/, /api,//static/./css,"}, (), ("/api", "/static/css")),
        ({"paths": ""}, (), ("/",)),
    ],
)
def test_valid_config_is_normalised(raw: dict, hostnames: tuple, paths: tuple) -> None:
    assert parse_config(raw, "route") == Config(hostnames=hostnames, paths=paths)


@pytest.mark.parametrize(
    ("raw", "option", "value", "reason"),
    [
        ({"hostname": "Shop.example.com"}, "hostname", "Shop.example.com", "lowercase"),
        ({"hostname": "*.example.com"}, "hostname", "*.example.com", "wildcards"),
        ({"hostname": "10.0.0.1"}, "hostname", "10.0.0.1", "IP address"),
        ({"hostname": "localhost"}, "hostname", "localhost", "two labels"),
        (
            {"hostname": "a.example.com", "additional-hostnames": "b.example.com,bad_name.com"},
            "additional-hostnames",
            "bad_name.com",
            "may only contain",
        ),
        (
            {"additional-hostnames": "b.example.com"},
            "additional-hostnames",
            "b.example.com",
            "needs hostname",
        ),
        (
            {
                "hostname": "a.example.com",
                "additional-hostnames": ",".join(f"h{i}.example.com" for i in range(64)),
            },
            "additional-hostnames",
            "h0.example.com",
            "at most 64 per configurator",
        ),
        ({"paths": "/,api"}, "paths", "api", 'must start with "/"'),
        ({"paths": "/a b"}, "paths", "/a b", "spaces"),
        ({"paths": "/a/../etc"}, "paths", "/a/../etc", '".."'),
        ({"paths": "/a#frag"}, "paths", "/a#frag", "URL path characters"),
    ],
)
def test_invalid_config_names_option_value_and_reason(
    raw: dict, option: str, value: str, reason: str
) -> None:
    error = parse_config(raw, "route")

    assert isinstance(error, ConfigProblem)
    assert error.option == option
    assert error.value.startswith(value[:30])
    assert reason in error.reason
    assert error.fix.startswith("juju config route ")


def test_long_bad_value_is_cut_in_the_message() -> None:
    error = ConfigProblem("paths", "/" + "x" * 100, "is bad", "juju config route paths=/")

    assert str(error) == (
        f"this charm's config paths='/{'x' * 38}…' is bad; run: juju config route paths=/"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"hostname": "Shop.example.com"},
            "this charm's config hostname='Shop.example.com' must be lowercase; "
            "run: juju config gateway-route-configurator "
            "hostname=<a DNS name like app.example.com>",
        ),
        (
            {"paths": "api"},
            "this charm's config paths='api' must start with \"/\"; "
            "run: juju config gateway-route-configurator paths=/,/api",
        ),
    ],
)
def test_invalid_config_blocks_without_touching_anything(
    world, config: dict, message: str
) -> None:
    state = world.state(world.ingress(), world.gateway_route(None), config=config)

    out = world.run(state)

    assert out.unit_status == testing.BlockedStatus(message)
    assert [r for r in world.kube.requests if r.verb not in ("get", "list")] == []
    assert world.request_of(out) == {}
