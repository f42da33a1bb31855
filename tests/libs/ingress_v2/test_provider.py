"""IngressProvider driven through ops.testing: reading, bad data, publishing, lifecycle."""

import json

import ops
import pytest
from ops import testing

from ingress_v2 import IngressDataError, IngressRequest, UnitAddress
from ingress_v2.databags import parse_app_databag, parse_unit_databag
from ingress_v2.errors import describe_value

GOOD_APP = {"model": '"shop"', "name": '"catalogue"', "port": "8080"}
URL = "https://catalogue.example.com/"


def _relation(
    app: dict[str, str] | None = None,
    units: dict[int, dict[str, str]] | None = None,
    local_app: dict[str, str] | None = None,
) -> testing.Relation:
    return testing.Relation(
        "ingress",
        remote_app_name="catalogue",
        remote_app_data=GOOD_APP if app is None else app,
        remote_units_data={0: {"host": '"catalogue-0"'}} if units is None else units,
        local_app_data=local_app or {},
    )


def _seen(ctx: testing.Context, relation: testing.Relation):
    with ctx(ctx.on.relation_changed(relation), testing.State(relations={relation})) as mgr:
        mgr.run()
        return mgr.charm.seen


def _with(key: str, value: str | None) -> dict[str, str]:
    app = dict(GOOD_APP)
    if value is None:
        del app[key]
    else:
        app[key] = value
    return app


MALFORMED_APP = [
    pytest.param(_with("model", None), "model", "is required", id="missing-model"),
    pytest.param(_with("name", None), "name", "is required", id="missing-name"),
    pytest.param(_with("port", None), "port", "is required", id="missing-port"),
    pytest.param(_with("model", "shop"), "model", "JSON-encoded", id="model-not-json"),
    pytest.param(_with("port", "eighty"), "port", "JSON-encoded", id="port-not-json"),
    pytest.param(
        _with("port", "[" * 50_000 + "]" * 50_000),
        "port",
        "nested too deeply",
        id="port-50000-deep",
    ),
    pytest.param(_with("port", "0"), "port", "got 0 (a number)", id="port-0"),
    pytest.param(_with("port", "65535"), "port", "got 65535 (a number)", id="port-65535"),
    pytest.param(_with("port", "-1"), "port", "got -1 (a number)", id="port-negative"),
    pytest.param(_with("port", '"80"'), "port", 'got "80" (a string)', id="port-string"),
    pytest.param(_with("port", "true"), "port", "got true (a boolean)", id="port-boolean"),
    pytest.param(_with("port", "80.5"), "port", "got 80.5 (a number)", id="port-float"),
    pytest.param(_with("port", "null"), "port", "got null", id="port-null"),
    pytest.param(_with("model", "null"), "model", "got null", id="model-null"),
    pytest.param(_with("scheme", '"ftp"'), "scheme", 'got "ftp"', id="scheme-ftp"),
    pytest.param(_with("scheme", "1"), "scheme", "got 1 (a number)", id="scheme-number"),
    pytest.param(_with("strip-prefix", '"yes"'), "strip-prefix", "true or false", id="strip-str"),
    pytest.param(_with("redirect-https", "1"), "redirect-https", "true or false", id="redir-int"),
    pytest.param(_with("is_port_open", '"true"'), "is_port_open", "(a string)", id="open-str"),
    pytest.param(
        _with("healthcheck_params", '{"interval": "10s"}'),
        "healthcheck_params",
        '"path" is required',
        id="healthcheck-without-path",
    ),
    pytest.param(
        _with("healthcheck_params", '"/healthz"'),
        "healthcheck_params",
        '"path"',
        id="healthcheck-not-object",
    ),
    pytest.param(
        _with("healthcheck_params", '{"path": "/h", "port": 70000}'),
        "healthcheck_params",
        '"port" must be an integer from 1 to 65535',
        id="healthcheck-port-range",
    ),
    pytest.param(
        _with("model", '{"name": "shop"}'), "model", "(an object)", id="model-nested-object"
    ),
    pytest.param(_with("name", '["catalogue"]'), "name", "(a list)", id="name-list"),
    pytest.param(_with("name", json.dumps("a" * 300)), "name", "≤ 63", id="name-300-chars"),
    pytest.param(_with("model", json.dumps("m" * 64)), "model", "≤ 63", id="model-64-chars"),
    pytest.param(_with("model", '"Shop"'), "model", 'got "Shop"', id="model-uppercase"),
    pytest.param(_with("name", '"2fast"'), "name", "starting with a letter", id="name-digit"),
    pytest.param(_with("name", '"app-2"'), "name", "Juju app name", id="name-unit-like"),
    pytest.param(_with("model", '"shop-"'), "model", "RFC 1123", id="model-trailing-hyphen"),
]


@pytest.mark.parametrize(("app", "key", "reason_part"), MALFORMED_APP)
def test_malformed_app_databag_names_the_key_without_raising(
    ctx: testing.Context, app: dict[str, str], key: str, reason_part: str
):
    error = _seen(ctx, _relation(app=app))

    assert isinstance(error, IngressDataError)
    assert error.key == key
    assert reason_part in error.reason
    assert error.databag == "catalogue"
    assert error.relation.startswith("ingress:")


def test_error_str_fits_a_status_line(ctx: testing.Context):
    error = _seen(ctx, _relation(app=_with("name", json.dumps("a" * 300))))

    assert isinstance(error, IngressDataError)
    assert len(str(error)) <= 140


def test_error_str_reads_as_databag_key_and_reason(ctx: testing.Context):
    error = _seen(ctx, _relation(app=_with("port", '"80"')))

    assert str(error) == 'catalogue port: must be an integer from 1 to 65534, got "80" (a string)'


def test_first_problem_in_document_order_is_returned(ctx: testing.Context):
    app = {"name": '"catalogue"', "port": '"80"', "scheme": '"ftp"'}

    error = _seen(ctx, _relation(app=app))

    assert isinstance(error, IngressDataError)
    assert error.key == "model"


def test_unknown_keys_are_ignored(ctx: testing.Context):
    app = {**GOOD_APP, "future-option": "not even json", "ip": '"1.2.3.4"'}

    request = _seen(ctx, _relation(app=app))

    assert isinstance(request, IngressRequest)
    assert request.port == 8080


@pytest.mark.parametrize("key", ["scheme", "strip-prefix", "redirect-https", "healthcheck_params"])
def test_null_optional_key_means_its_default(ctx: testing.Context, key: str):
    request = _seen(ctx, _relation(app={**GOOD_APP, key: "null"}))

    assert isinstance(request, IngressRequest)
    assert request == _seen(ctx, _relation(app=GOOD_APP))


def test_is_port_open_is_read(ctx: testing.Context):
    request = _seen(ctx, _relation(app={**GOOD_APP, "is_port_open": "true"}))

    assert isinstance(request, IngressRequest)
    assert request.is_port_open is True


@pytest.mark.parametrize("scheme", ["http", "https", "h2c"])
def test_every_documented_scheme_is_accepted(ctx: testing.Context, scheme: str):
    request = _seen(ctx, _relation(app={**GOOD_APP, "scheme": json.dumps(scheme)}))

    assert isinstance(request, IngressRequest)
    assert request.scheme == scheme


@pytest.mark.parametrize("port", [1, 65534])
def test_port_range_ends_are_accepted(ctx: testing.Context, port: int):
    request = _seen(ctx, _relation(app=_with("port", str(port))))

    assert isinstance(request, IngressRequest)
    assert request.port == port


def test_empty_app_databag_means_not_asked_yet(ctx: testing.Context):
    assert _seen(ctx, _relation(app={})) is None


def test_no_relation_reads_none(ctx: testing.Context):
    with ctx(ctx.on.update_status(), testing.State()) as mgr:
        assert mgr.charm.ingress.relation is None
        assert mgr.charm.ingress.read() is None
        mgr.run()


def test_unit_without_host_is_a_problem_not_a_blocker(ctx: testing.Context):
    units = {0: {"host": '"catalogue-0"', "ip": '"10.1.17.4"'}, 1: {}}

    request = _seen(ctx, _relation(units=units))

    assert isinstance(request, IngressRequest)
    assert request.units == [UnitAddress(unit="catalogue/0", host="catalogue-0", ip="10.1.17.4")]
    assert [(p.databag, p.key, p.reason) for p in request.unit_problems] == [
        ("catalogue/1", "host", "not written yet")
    ]


@pytest.mark.parametrize(
    ("unit_data", "key", "reason_part"),
    [
        pytest.param({"host": "catalogue-0"}, "host", "JSON-encoded", id="host-not-json"),
        pytest.param({"host": "5"}, "host", "got 5 (a number)", id="host-number"),
        pytest.param({"host": '""'}, "host", 'got ""', id="host-empty"),
        pytest.param({"host": '"a b"'}, "host", "without spaces", id="host-space"),
        pytest.param({"host": '"h"', "ip": '"10.1.1.300"'}, "ip", "IPv4 or IPv6", id="ip-bad"),
        pytest.param({"host": '"h"', "ip": "[1]"}, "ip", "(a list)", id="ip-list"),
        pytest.param({"ip": '"10.1.1.1"'}, "host", "not written yet", id="ip-without-host"),
    ],
)
def test_bad_unit_databag_names_unit_and_key(
    ctx: testing.Context, unit_data: dict[str, str], key: str, reason_part: str
):
    request = _seen(ctx, _relation(units={0: {"host": '"catalogue-0"'}, 3: unit_data}))

    assert isinstance(request, IngressRequest)
    assert [u.unit for u in request.units] == ["catalogue/0"]
    (problem,) = request.unit_problems
    assert (problem.databag, problem.key) == ("catalogue/3", key)
    assert reason_part in problem.reason


@pytest.mark.parametrize(
    ("ip", "stored"),
    [("10.1.17.4", "10.1.17.4"), ("fd00:0:0::1", "fd00::1")],
)
def test_unit_ip_is_kept_in_canonical_form(ctx: testing.Context, ip: str, stored: str):
    request = _seen(ctx, _relation(units={0: {"host": '"h"', "ip": json.dumps(ip)}}))

    assert isinstance(request, IngressRequest)
    assert request.units[0].ip == stored


def test_units_are_listed_in_unit_number_order(ctx: testing.Context):
    units = {n: {"host": json.dumps(f"catalogue-{n}")} for n in (10, 2, 0)}

    request = _seen(ctx, _relation(units=units))

    assert isinstance(request, IngressRequest)
    assert [u.unit for u in request.units] == ["catalogue/0", "catalogue/2", "catalogue/10"]


def _run_as(
    ctx: testing.Context,
    relation: testing.Relation,
    *,
    leader: bool,
    url: str | None,
) -> dict[str, str]:
    """Publish ``url`` (or wipe when None) and return the provider app databag afterwards."""
    state = testing.State(leader=leader, relations={relation})
    with ctx(ctx.on.relation_changed(relation), state) as mgr:
        if url is None:
            mgr.charm.ingress.wipe_url()
        else:
            mgr.charm.ingress.publish_url(url)
        out = mgr.run()
    return dict(out.get_relation(relation.id).local_app_data)


def test_publish_then_wipe_round_trip(ctx: testing.Context):
    published = _run_as(ctx, _relation(), leader=True, url=URL)
    assert published == {"ingress": '{"url": "https://catalogue.example.com/"}'}

    wiped = _run_as(ctx, _relation(local_app=published), leader=True, url=None)
    assert wiped == {}


def test_publish_replaces_an_older_url(ctx: testing.Context):
    old = {"ingress": '{"url": "http://old.example.com/"}'}

    assert _run_as(ctx, _relation(local_app=old), leader=True, url=URL) == {
        "ingress": json.dumps({"url": URL})
    }


def test_publish_leaves_other_keys_alone(ctx: testing.Context):
    databag = _run_as(ctx, _relation(local_app={"other": '"x"'}), leader=True, url=URL)

    assert databag == {"other": '"x"', "ingress": json.dumps({"url": URL})}


def test_publish_does_not_rewrite_an_unchanged_url(ctx: testing.Context):
    relation = _relation(local_app={"ingress": json.dumps({"url": URL})})
    state = testing.State(leader=True, relations={relation})
    with ctx(ctx.on.relation_changed(relation), state) as mgr:
        databag = mgr.charm.ingress.relation.data[mgr.charm.app]  # type: ignore[union-attr]
        writes: list[str] = []
        original = type(databag).__setitem__

        def spy(self, key: str, value: str) -> None:
            writes.append(key)
            original(self, key, value)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(type(databag), "__setitem__", spy)
            mgr.charm.ingress.publish_url(URL)
        mgr.run()
    assert writes == []


@pytest.mark.parametrize("url", [None, URL])
def test_non_leader_writes_nothing(ctx: testing.Context, url: str | None):
    before = {"ingress": '{"url": "http://old.example.com/"}'}

    assert _run_as(ctx, _relation(local_app=before), leader=False, url=url) == before


def test_non_leader_still_reads_the_request(ctx: testing.Context):
    relation = _relation()
    state = testing.State(leader=False, relations={relation})
    with ctx(ctx.on.relation_changed(relation), state) as mgr:
        mgr.run()
        assert isinstance(mgr.charm.seen, IngressRequest)


def test_wipe_without_a_url_changes_nothing(ctx: testing.Context):
    assert _run_as(ctx, _relation(), leader=True, url=None) == {}


@pytest.mark.parametrize(
    "url", ["catalogue.example.com/", "/catalogue", "ftp://example.com/", "https://", ""]
)
def test_publish_refuses_a_url_that_is_not_absolute_http(ctx: testing.Context, url: str):
    relation = _relation()
    with ctx(ctx.on.relation_changed(relation), testing.State(relations={relation})) as mgr:
        with pytest.raises(ValueError, match="absolute http"):
            mgr.charm.ingress.publish_url(url)
        mgr.run()


def test_relation_broken_reads_none_and_wipes_without_raising(
    ctx: testing.Context,
):
    relation = _relation(local_app={"ingress": json.dumps({"url": URL})})
    state = testing.State(leader=True, relations={relation})

    with ctx(ctx.on.relation_broken(relation), state) as mgr:
        mgr.run()
        assert mgr.charm.seen is None


def test_remote_app_gone_reads_none(ctx: testing.Context):
    # traefik-k8s#211: on a dying relation Juju may no longer name the remote application.
    relation = _relation()
    with ctx(ctx.on.relation_changed(relation), testing.State(relations={relation})) as mgr:
        live = mgr.charm.ingress.relation
        assert live is not None
        live.app = None  # type: ignore[assignment]
        assert mgr.charm.ingress.read() is None
        mgr.run()


def test_second_relation_beyond_the_limit_is_ignored(ctx: testing.Context):
    first = _relation()
    second = testing.Relation("ingress", remote_app_name="intruder", remote_app_data={})
    state = testing.State(relations={first, second})
    with ctx(ctx.on.relation_changed(second), state) as mgr:
        assert mgr.charm.ingress.relation is not None
        assert mgr.charm.ingress.relation.id == min(first.id, second.id)
        mgr.run()


def _unreadable(entity_kind: type):
    original = ops.model.RelationDataContent._load

    def load(self: ops.model.RelationDataContent):
        if isinstance(self._entity, entity_kind):
            raise ops.ModelError("permission denied")
        return original(self)

    return load


def test_unreadable_app_databag_reads_none(ctx: testing.Context, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ops.model.RelationDataContent, "_load", _unreadable(ops.Application))

    assert _seen(ctx, _relation()) is None


def test_unreadable_unit_databag_is_a_unit_problem(
    ctx: testing.Context, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ops.model.RelationDataContent, "_load", _unreadable(ops.Unit))

    request = _seen(ctx, _relation())

    assert isinstance(request, IngressRequest)
    assert request.units == []
    assert [(p.databag, p.key) for p in request.unit_problems] == [("catalogue/0", None)]
    assert "unreadable" in str(request.unit_problems[0])


# ----- JSON nested past the decoder's recursion limit ----------------------------------------

DEEP = "[" * 50_000 + "]" * 50_000
"""Valid JSON that json.loads cannot decode: it raises RecursionError, not ValueError."""


def test_a_too_deeply_nested_value_is_not_reported_as_unencoded():
    problems = parse_app_databag(_with("model", DEEP), relation="ingress:1", databag="catalogue")

    assert isinstance(problems, list)
    assert problems[0].key == "model"
    assert problems[0].reason.startswith("is JSON nested too deeply to decode")
    assert "JSON-encoded" not in problems[0].reason


def test_a_too_deeply_nested_unit_value_is_named_as_such():
    error = parse_unit_databag({"host": DEEP}, relation="ingress:1", unit="catalogue/0")

    assert isinstance(error, IngressDataError)
    assert "nested too deeply" in str(error)


def test_a_value_too_deep_to_encode_again_is_described_without_raising():
    value: list = []
    for _ in range(100_000):  # deeper than json.dumps can recurse
        value = [value]

    assert describe_value(value) == "a deeply nested value (a list)"
