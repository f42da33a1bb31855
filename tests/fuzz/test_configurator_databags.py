"""Fuzz every databag gateway-route-configurator reads: ingress app, ingress unit, gateway answer.

Per example, on a fresh API double holding a Gateway and a healthy neighbour configurator's
Service and HTTPRoute, the real charm runs config-changed. Properties:
(a) the hook never raises; (b) every write is admitted (no 400/422, no unknown-field warning);
(c) invalid data is reported in the status, decided by the library's own parser; valid data is
served; (d) nothing the charm does not own changes: not the neighbour's objects, not the Gateway.
"""

import dataclasses
import functools
from typing import Any

import ops
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from ops import testing

from configurator.plan.status import WAITING_FOR_GATEWAY
from fuzzdata import configurator as world
from fuzzdata import profiles, tally
from fuzzdata.cluster import contents, fresh_double, refusals, stored, writes_to
from fuzzdata.databags import ingress_app_databags, ingress_unit_databags, provider_databags
from gateway_route import DataError, ProviderData, decode, encode
from ingress_v2 import UnitAddress, parse_app_databag, parse_unit_databag
from kube_objects import dns1123_subdomain
from kubedouble import KubeDouble

SETTINGS = profiles.current()


@dataclasses.dataclass
class Outcome:
    out: testing.State
    kube: KubeDouble
    foreign_changed: list[str]
    foreign_writes: list[str]
    owned: dict[tuple[str, str, str], dict]
    unlabelled: list[tuple[str, str, str]]
    """Objects the run created without our ownership labels (must be none)."""
    logs: list[str]


def run(before: testing.State) -> Outcome:
    """config-changed on a fresh double with the baseline seeded; what changed around it."""
    with fresh_double() as kube:
        world.seed_baseline(kube)
        foreign = stored(kube)
        ctx = world.context()
        out = ctx.run(ctx.on.config_changed(), before)  # (a): raises UncaughtCharmError
        after = stored(kube)
        changed = [str(key) for key, obj in foreign.items() if after.get(key) != obj]
        new = {key: obj for key, obj in contents(kube).items() if key not in foreign}
        return Outcome(
            out=out,
            kube=kube,
            foreign_changed=changed,
            foreign_writes=writes_to(kube.requests, foreign),
            owned={key: obj for key, obj in new.items() if _ours(obj)},
            unlabelled=[key for key, obj in new.items() if not _ours(obj)],
            logs=[line.message for line in ctx.juju_log],
        )


def _ours(obj: dict[str, Any]) -> bool:
    labels = obj["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in world.OWNER_LABELS.items())


def assert_admitted_and_isolated(outcome: Outcome) -> None:
    assert refusals(outcome.kube.requests) == []  # (b)
    assert outcome.kube.warnings == []  # (b): no field silently dropped
    assert outcome.foreign_changed == []  # (d)
    assert outcome.foreign_writes == []  # (d)
    assert outcome.unlabelled == [], "objects created without our ownership labels"


@functools.cache
def healthy_outcome() -> tuple[Any, tuple]:
    outcome = run(world.healthy_state())
    return outcome.out.unit_status, tuple(sorted(outcome.owned.items()))


# ----- ingress application databag -----------------------------------------------------------


DEEP = "[" * 5000 + "]" * 5000
"""Nested past Python's recursion limit: json.loads raises RecursionError, not ValueError."""


@hypothesis_settings(SETTINGS)
@given(raw=ingress_app_databags(world.MODEL, world.WORKLOAD))
@example(
    raw={**world.ingress_app_data(), "model": DEEP}
)  # found by this test; fixed in ingress_v2
def test_ingress_app_databag(raw: dict[str, str]) -> None:
    tally.examples["configurator/ingress-app"] += 1
    before = world.state(world.ingress(app_data=raw), world.gateway_route(encode(world.answer())))

    outcome = run(before)

    assert_admitted_and_isolated(outcome)
    status = outcome.out.unit_status
    parsed = parse_app_databag(raw, relation="ingress", databag=world.WORKLOAD)
    if not raw:
        assert isinstance(status, ops.WaitingStatus), status
        assert outcome.owned == {}
    elif isinstance(parsed, list):  # (c): invalid, reported with the key at fault
        tally.invalid["configurator/ingress-app"] += 1
        assert isinstance(status, ops.BlockedStatus), status
        assert status.message.startswith(f"{world.WORKLOAD} {parsed[0].key}: "), status
        assert outcome.owned == {}, "nothing is served from an unusable request"
    elif parsed.model != world.MODEL:
        assert isinstance(status, ops.BlockedStatus), status
        assert f"model {parsed.model}" in status.message
        assert outcome.owned == {}
    else:  # valid: the route is there, or the status says why not (not ours / backend TLS)
        route = ("HTTPRoute", world.MODEL, dns1123_subdomain(parsed.name))
        if route not in outcome.owned:
            assert isinstance(status, ops.BlockedStatus), status
            assert "not managed by" in status.message or "BackendTLSPolicy" in status.message
        else:
            assert not status.message.startswith(f"{world.WORKLOAD} "), status


# ----- ingress unit databags -----------------------------------------------------------------


@hypothesis_settings(SETTINGS)
@given(units=st.lists(ingress_unit_databags(), min_size=1, max_size=3))
@example(units=[{"host": DEEP}])
def test_ingress_unit_databags(units: list[dict[str, str]]) -> None:
    tally.examples["configurator/ingress-unit"] += 1
    relation = world.ingress(units=dict(enumerate(units)))
    before = world.state(relation, world.gateway_route(encode(world.answer())))

    outcome = run(before)

    assert_admitted_and_isolated(outcome)
    bad = [
        number
        for number, raw in enumerate(units)
        if not isinstance(
            parse_unit_databag(raw, relation="ingress", unit=f"{world.WORKLOAD}/{number}"),
            UnitAddress,
        )
    ]
    if bad:
        tally.invalid["configurator/ingress-unit"] += 1
    # (c) Unit addresses are not used (the Service selects the pods), so a bad unit databag
    # changes nothing: logged, not shown. Same objects and status as with healthy units.
    status, owned = healthy_outcome()
    assert outcome.out.unit_status == status
    assert tuple(sorted(outcome.owned.items())) == owned
    logged = "\n".join(outcome.logs)
    for number in bad:
        assert f"{world.WORKLOAD}/{number}" in logged


# ----- gateway-route provider databag (the gateway's answer) ---------------------------------


@hypothesis_settings(SETTINGS)
@given(raw=provider_databags(world.healthy_answer_decoded()))
def test_gateway_answer_databag(raw: dict[str, str]) -> None:
    tally.examples["configurator/gateway-route-provider"] += 1
    before = world.state(world.ingress(), world.gateway_route(raw))

    outcome = run(before)

    assert_admitted_and_isolated(outcome)
    status = outcome.out.unit_status
    parsed = decode(ProviderData, raw)
    if parsed is None:
        assert status == WAITING_FOR_GATEWAY
    elif isinstance(parsed, DataError):  # (c)
        tally.invalid["configurator/gateway-route-provider"] += 1
        assert status == ops.BlockedStatus(str(parsed))
        assert f"field '{parsed.field}'" in status.message
    else:
        assert not status.message.startswith("gateway-route: "), status
        if parsed.accepted_for(world.HOST) is not None:
            route = ("HTTPRoute", world.MODEL, world.WORKLOAD)
            assert route in outcome.owned, "an accepted hostname is routed"
