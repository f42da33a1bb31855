"""The requirer and provider classes inside charms, through ops.testing."""

from typing import Any, Literal

import ops
import pytest
from ops import testing

from gateway_route import (
    Accepted,
    DataError,
    ParentRef,
    ProviderData,
    RequirerData,
    encode,
)
from gateway_route.provider import GatewayRouteProvider, Request
from gateway_route.requirer import GatewayRouteRequirer

ENDPOINT = "gateway-route"
OWN = "00000000-0000-4000-8000-00000000000a"
SHOP_MODEL = "00000000-0000-4000-8000-00000000000b"


class ConfiguratorCharm(ops.CharmBase):
    """Asks for the hostnames in its config and keeps what the gateway answered."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.route = GatewayRouteRequirer(self)
        self.seen: ProviderData | DataError | None = None
        for event in (
            self.on.config_changed,
            self.on[ENDPOINT].relation_changed,
            self.on[ENDPOINT].relation_broken,
        ):
            framework.observe(event, self._reconcile)
        framework.observe(self.on.stop, self._withdraw)

    def _reconcile(self, _: ops.EventBase) -> None:
        hostnames = [name for name in str(self.config["hostnames"]).split(",") if name]
        self.route.request(
            RequirerData(namespace=self.model.name, application="catalogue", hostnames=hostnames)
        )
        self.seen = self.route.answer()

    def _withdraw(self, _: ops.EventBase) -> None:
        self.route.withdraw()


CONFIGURATOR_META = {
    "name": "configurator",
    "requires": {ENDPOINT: {"interface": "gateway-route", "limit": 1}},
}
CONFIGURATOR_CONFIG = {"options": {"hostnames": {"type": "string", "default": ""}}}


def accept_all(data: RequirerData) -> ProviderData:
    """The answer the test gateway gives: every hostname on its own HTTP + HTTPS listeners."""

    def parents(hostname: str | None) -> list[ParentRef]:
        suffix = hostname.replace(".", "-") if hostname else "default"
        listeners: list[tuple[Literal["HTTP", "HTTPS"], int]] = [("HTTP", 80), ("HTTPS", 443)]
        return [
            ParentRef(
                name="gateway",
                namespace="edge",
                section_name=f"{protocol.lower()}-{suffix}",
                protocol=protocol,
                port=port,
            )
            for protocol, port in listeners
        ]

    wanted: list[str | None] = list(data.hostnames) or [None]
    return ProviderData(
        gateway_name="gateway",
        gateway_namespace="edge",
        https_mode="enabled",
        hsts_max_age=300,
        addresses=["203.0.113.10"],
        accepted=[Accepted(hostname=name, parents=parents(name)) for name in wanted],
        refused=[],
    )


class GatewayCharm(ops.CharmBase):
    """Answers every valid request, withdraws from every invalid one."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.route = GatewayRouteProvider(self)
        self.seen: list[Request] = []
        for event in (
            self.on.update_status,
            self.on[ENDPOINT].relation_changed,
            self.on[ENDPOINT].relation_broken,
        ):
            framework.observe(event, self._reconcile)

    def _reconcile(self, _: ops.EventBase) -> None:
        self.seen = self.route.requests()
        for request in self.seen:
            if isinstance(request.data, RequirerData):
                self.route.answer(request.relation_id, accept_all(request.data))
            else:
                self.route.withdraw(request.relation_id)


GATEWAY_META = {"name": "gateway", "provides": {ENDPOINT: {"interface": "gateway-route"}}}

REQUEST = RequirerData(namespace="shop", application="catalogue", hostnames=["shop.example.com"])


def configurator() -> testing.Context[ConfiguratorCharm]:
    return testing.Context(ConfiguratorCharm, meta=CONFIGURATOR_META, config=CONFIGURATOR_CONFIG)


def gateway() -> testing.Context[GatewayCharm]:
    return testing.Context(GatewayCharm, meta=GATEWAY_META)


def configurator_state(relation: testing.Relation, **kwargs: Any) -> testing.State:
    return testing.State(
        leader=kwargs.pop("leader", True),
        relations={relation},
        model=testing.Model(name="shop"),
        config={"hostnames": kwargs.pop("hostnames", "shop.example.com")},
        **kwargs,
    )


class RecordedWrites:
    """Every relation-set the charm makes, as (relation id, data) pairs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.calls: list[tuple[int, dict[str, str]]] = []
        original = ops.model._ModelBackend.update_relation_data

        def record(backend: Any, relation_id: int, *args: Any, **kwargs: Any) -> None:
            self.calls.append((relation_id, dict(kwargs.get("data", args[1] if args else {}))))
            original(backend, relation_id, *args, **kwargs)

        monkeypatch.setattr(ops.model._ModelBackend, "update_relation_data", record)


# Requirer side


def test_requirer_publishes_its_request():
    relation = testing.Relation(ENDPOINT, remote_app_name="gateway")
    out = configurator().run(configurator().on.config_changed(), configurator_state(relation))
    assert out.get_relation(relation.id).local_app_data == encode(REQUEST)


def test_requirer_reads_answer_written_by_provider():
    answer = accept_all(REQUEST)
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(answer))
    ctx = configurator()
    with ctx(ctx.on.relation_changed(relation), configurator_state(relation)) as manager:
        manager.run()
        assert manager.charm.seen == answer


def test_requirer_answer_is_none_before_provider_writes():
    relation = testing.Relation(ENDPOINT)
    ctx = configurator()
    with ctx(ctx.on.relation_changed(relation), configurator_state(relation)) as manager:
        manager.run()
        assert manager.charm.seen is None


def test_requirer_answer_is_none_without_relation():
    ctx = configurator()
    state = testing.State(
        leader=True, model=testing.Model(name="shop"), config={"hostnames": "shop.example.com"}
    )
    with ctx(ctx.on.config_changed(), state) as manager:
        manager.run()
        assert manager.charm.seen is None
        assert manager.charm.route.relation is None


def test_requirer_reports_bad_answer_as_data_error():
    bad = {**encode(accept_all(REQUEST)), "https_mode": '"always"'}
    relation = testing.Relation(ENDPOINT, remote_app_data=bad)
    ctx = configurator()
    with ctx(ctx.on.relation_changed(relation), configurator_state(relation)) as manager:
        manager.run()
        assert isinstance(manager.charm.seen, DataError)
        assert manager.charm.seen.field == "https_mode"


def test_requirer_non_leader_writes_nothing_but_still_reads():
    answer = accept_all(REQUEST)
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(answer))
    ctx = configurator()
    state = configurator_state(relation, leader=False)
    with ctx(ctx.on.relation_changed(relation), state) as manager:
        out = manager.run()
        assert manager.charm.seen == answer
    assert out.get_relation(relation.id).local_app_data == {}


def test_requirer_unchanged_request_writes_nothing(monkeypatch: pytest.MonkeyPatch):
    relation = testing.Relation(ENDPOINT, local_app_data=encode(REQUEST))
    writes = RecordedWrites(monkeypatch)
    configurator().run(configurator().on.relation_changed(relation), configurator_state(relation))
    assert writes.calls == []


def test_requirer_changed_request_writes_only_changed_keys(monkeypatch: pytest.MonkeyPatch):
    relation = testing.Relation(ENDPOINT, local_app_data=encode(REQUEST))
    writes = RecordedWrites(monkeypatch)
    state = configurator_state(relation, hostnames="shop.example.com,www.example.com")
    out = configurator().run(configurator().on.config_changed(), state)
    assert writes.calls == [
        (relation.id, {"hostnames": '["shop.example.com", "www.example.com"]'})
    ]
    assert out.get_relation(relation.id).local_app_data["namespace"] == '"shop"'


def test_requirer_withdraw_clears_its_keys():
    relation = testing.Relation(
        ENDPOINT, local_app_data={**encode(REQUEST), "someone-else": "kept"}
    )
    out = configurator().run(configurator().on.stop(), configurator_state(relation))
    assert out.get_relation(relation.id).local_app_data == {"someone-else": "kept"}


def test_requirer_on_relation_broken_does_not_raise_and_sees_nothing():
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(accept_all(REQUEST)))
    ctx = configurator()
    with ctx(ctx.on.relation_broken(relation), configurator_state(relation)) as manager:
        manager.run()
        assert manager.charm.seen is None


def test_requirer_with_unknown_remote_app_sees_nothing():
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(accept_all(REQUEST)))
    ctx = configurator()
    with ctx(ctx.on.update_status(), configurator_state(relation)) as manager:
        live = manager.charm.model.relations[ENDPOINT][0]
        live.app = None  # type: ignore[assignment]  # as Juju leaves it on relation-broken
        assert manager.charm.route.answer() is None


# Provider side


def test_provider_reads_each_request_with_its_remote_app():
    first = testing.Relation(
        ENDPOINT,
        remote_app_name="shop-route",
        remote_app_data=encode(REQUEST),
        remote_model_uuid=SHOP_MODEL,
    )
    second = testing.Relation(ENDPOINT, remote_app_name="blog-route")
    ctx = gateway()
    state = testing.State(leader=True, relations={first, second}, model=testing.Model(uuid=OWN))
    with ctx(ctx.on.update_status(), state) as m:
        m.run()
        assert m.charm.seen == [
            # The model each requester is in, as Juju says (relation-model-get).
            Request(first.id, "shop-route", REQUEST, remote_model=SHOP_MODEL),
            Request(second.id, "blog-route", None, {}, remote_model=OWN),
        ]


def test_provider_answers_valid_request():
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(REQUEST))
    out = gateway().run(
        gateway().on.relation_changed(relation), testing.State(leader=True, relations={relation})
    )
    assert out.get_relation(relation.id).local_app_data == encode(accept_all(REQUEST))


def test_provider_bad_request_is_data_error_and_others_still_answered():
    bad_bag = {**encode(REQUEST), "hostnames": '["Shop.example.com"]'}
    bad = testing.Relation(ENDPOINT, remote_app_name="bad", remote_app_data=bad_bag)
    good = testing.Relation(ENDPOINT, remote_app_name="good", remote_app_data=encode(REQUEST))
    ctx = gateway()
    with ctx(ctx.on.update_status(), testing.State(leader=True, relations={bad, good})) as m:
        out = m.run()
        errors = {r.remote_app: r.data for r in m.charm.seen}
    assert isinstance(errors["bad"], DataError)
    assert errors["bad"].field == "hostnames"
    assert out.get_relation(bad.id).local_app_data == {}
    assert out.get_relation(good.id).local_app_data == encode(accept_all(REQUEST))


def test_provider_non_leader_writes_nothing_but_still_reads():
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(REQUEST))
    ctx = gateway()
    with ctx(ctx.on.relation_changed(relation), testing.State(relations={relation})) as m:
        out = m.run()
        assert m.charm.seen[0].data == REQUEST
    assert out.get_relation(relation.id).local_app_data == {}


def test_provider_unchanged_answer_writes_nothing(monkeypatch: pytest.MonkeyPatch):
    relation = testing.Relation(
        ENDPOINT,
        remote_app_data=encode(REQUEST),
        local_app_data=encode(accept_all(REQUEST)),
    )
    writes = RecordedWrites(monkeypatch)
    gateway().run(
        gateway().on.relation_changed(relation), testing.State(leader=True, relations={relation})
    )
    assert writes.calls == []


def test_provider_withdraw_clears_its_keys_from_one_relation():
    bad = testing.Relation(
        ENDPOINT,
        remote_app_data={**encode(REQUEST), "version": "7"},
        local_app_data=encode(accept_all(REQUEST)),
    )
    out = gateway().run(gateway().on.update_status(), testing.State(leader=True, relations={bad}))
    assert out.get_relation(bad.id).local_app_data == {}


def test_provider_skips_relation_being_broken():
    leaving = testing.Relation(
        ENDPOINT, remote_app_name="leaving", remote_app_data=encode(REQUEST)
    )
    staying = testing.Relation(
        ENDPOINT, remote_app_name="staying", remote_app_data=encode(REQUEST)
    )
    ctx = gateway()
    state = testing.State(leader=True, relations={leaving, staying})
    with ctx(ctx.on.relation_broken(leaving), state) as m:
        m.run()
        assert [r.remote_app for r in m.charm.seen] == ["staying"]


def test_provider_relation_with_unknown_remote_app_reads_as_nothing_written():
    relation = testing.Relation(ENDPOINT, remote_app_data=encode(REQUEST))
    ctx = gateway()
    with ctx(ctx.on.update_status(), testing.State(leader=True, relations={relation})) as m:
        m.charm.model.relations[ENDPOINT][0].app = None  # type: ignore[assignment]
        (found,) = m.charm.route.requests()
        assert (found.relation_id, found.remote_app, found.data, found.databag) == (
            relation.id,
            None,
            None,
            None,
        )


def test_provider_answer_to_unknown_relation_is_ignored():
    ctx = gateway()
    with ctx(ctx.on.update_status(), testing.State(leader=True)) as m:
        m.charm.route.answer(99, accept_all(REQUEST))
        m.charm.route.withdraw(99)
        out = m.run()
    assert out.relations == frozenset()


# Both sides


@pytest.mark.parametrize("hostnames", ["shop.example.com", "", "a.example.com,b.example.com"])
def test_round_trip_request_and_answer(hostnames: str):
    """What the configurator writes the gateway reads back, and the other way round."""
    to_gateway = testing.Relation(ENDPOINT, remote_app_name="configurator")
    state = configurator_state(to_gateway, hostnames=hostnames)
    asked = configurator().run(configurator().on.config_changed(), state)
    request_bag = asked.get_relation(to_gateway.id).local_app_data

    to_configurator = testing.Relation(ENDPOINT, remote_app_data=request_bag)
    ctx = gateway()
    with ctx(
        ctx.on.relation_changed(to_configurator),
        testing.State(leader=True, relations={to_configurator}),
    ) as m:
        answered = m.run()
        received = m.charm.seen[0].data
    expected = RequirerData(
        namespace="shop", application="catalogue", hostnames=[h for h in hostnames.split(",") if h]
    )
    assert received == expected
    answer_bag = answered.get_relation(to_configurator.id).local_app_data

    back = testing.Relation(
        ENDPOINT, id=to_gateway.id, local_app_data=request_bag, remote_app_data=answer_bag
    )
    ctx2 = configurator()
    with ctx2(ctx2.on.relation_changed(back), configurator_state(back, hostnames=hostnames)) as m2:
        m2.run()
        assert m2.charm.seen == accept_all(expected)
