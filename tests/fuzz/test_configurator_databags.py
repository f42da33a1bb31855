"""Fuzz every databag gateway-route-configurator reads: ingress app, ingress unit, gateway answer.

Per example, on a fresh API double holding a Gateway and a healthy neighbour configurator's
Service and HTTPRoute, the real charm runs config-changed. Properties:
(a) the hook never raises; (b) every write is admitted (no 400/422, no unknown-field warning);
(c) invalid data is reported in the status, decided by the library's own parser; valid data is
served; (d) nothing the charm does not own changes: not the neighbour's objects, not the Gateway;
(e) a well-formed lie (another application's name, another model's) is refused: Blocked naming
both, nothing created, no URL, and nothing that was served before for the workload changes.
"""

import dataclasses
import functools
from typing import Any

import ops
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from ops import testing

from configurator.plan.status import impersonation, waiting_for_gateway
from fuzzdata import configurator as world
from fuzzdata import profiles, tally
from fuzzdata.cluster import (
    WRITE_VERBS,
    comparable,
    contents,
    fresh_double,
    refusals,
    replay,
    stored,
    writes_to,
)
from fuzzdata.databags import ingress_app_databags, ingress_unit_databags, provider_databags
from gateway_route import DataError, ProviderData, decode, encode
from ingress_v2 import UnitAddress, parse_app_databag, parse_unit_databag
from kube_objects import dns1123_subdomain
from kubedouble import KubeDouble
from modelsim.model import model_uuid

SETTINGS = profiles.current()

INGRESS_APP = "configurator/ingress-app"
LIE_OTHER_APP = f"{INGRESS_APP}: another application's name"
LIE_OTHER_MODEL = f"{INGRESS_APP}: another model's name"
LIE_ACROSS_MODELS = f"{INGRESS_APP}: our model's name, across a cross-model relation"
tally.lies.update(dict.fromkeys((LIE_OTHER_APP, LIE_OTHER_MODEL, LIE_ACROSS_MODELS), 0))

OTHER_APPS = [
    world.NEIGHBOUR,  # another workload of the model, with a Service and an HTTPRoute
    "admin",
    world.APP,  # the configurator itself
    world.NEIGHBOUR_APP,
    "gateway-api-integrator",
    f"{world.WORKLOAD}-2",
]
OTHER_MODELS = [world.EDGE, "kube-system", "default", "orders"]
ACROSS_APP = "remote-" + model_uuid(world.EDGE).replace("-", "")
"""How Juju names the workload across a cross-model relation from the gateway's model."""


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


@functools.cache
def served_objects() -> tuple[dict[str, Any], ...]:
    """What the healthy charm made for the workload (comparable), once."""
    with fresh_double() as kube:
        world.seed_baseline(kube)
        ctx = world.context()
        ctx.run(ctx.on.config_changed(), world.healthy_state())
        made = kube.objects(labels={"gateway-api.juju.is/application": world.APP})
        return tuple(comparable(obj) for obj in made)


@functools.cache
def served_state() -> testing.State:
    """The healthy charm's State once its route flows: the URL published, the request made."""
    with fresh_double() as kube:
        world.seed_baseline(kube)
        replay(kube, served_objects(), field_manager=world.APP)
        kube.controller.reconcile()
        ctx = world.context()
        out = ctx.run(ctx.on.config_changed(), world.healthy_state())
        assert isinstance(out.unit_status, ops.ActiveStatus), out.unit_status
        return out


@dataclasses.dataclass
class Aftermath:
    """A run from the served world: what the charm says, and what changed."""

    status: ops.StatusBase
    changed: list[str]
    writes: list[str]
    relations_changed: list[str]


def run_after_serving(raw: dict[str, str]) -> Aftermath:
    """config-changed once the workload is served, with its ingress app databag now `raw`."""
    served = served_state()
    relations = [
        dataclasses.replace(rel, remote_app_data=raw) if rel.endpoint == "ingress" else rel
        for rel in served.relations
    ]
    with fresh_double() as kube:
        world.seed_baseline(kube)
        replay(kube, served_objects(), field_manager=world.APP)
        kube.controller.reconcile()
        kube.reset_requests()
        before = stored(kube)
        ctx = world.context()
        out = ctx.run(ctx.on.config_changed(), dataclasses.replace(served, relations=relations))
        after = stored(kube)
        return Aftermath(
            status=ops.StatusBase.from_name(out.unit_status.name, out.unit_status.message),
            changed=sorted(
                str(key)
                for key in before.keys() | after.keys()
                if before.get(key) != after.get(key)
            ),
            writes=[
                f"{r.verb} {r.kind} {r.namespace}/{r.name}"
                for r in kube.requests
                if r.verb in WRITE_VERBS
            ],
            relations_changed=[
                rel.endpoint
                for rel in out.relations
                if dict(rel.local_app_data) != dict(served.get_relation(rel.id).local_app_data)
            ],
        )


# ----- ingress application databag -----------------------------------------------------------


DEEP = "[" * 5000 + "]" * 5000
"""Nested past Python's recursion limit: json.loads raises RecursionError, not ValueError."""


@hypothesis_settings(SETTINGS)
@given(
    raw=ingress_app_databags(
        world.MODEL, world.WORKLOAD, other_apps=OTHER_APPS, other_models=OTHER_MODELS
    ),
    across=st.integers(0, 7).map(lambda n: n == 7),  # not 0: hypothesis favours zeros
)
@example(
    raw={**world.ingress_app_data(), "model": DEEP}, across=False
)  # found by this test; fixed in ingress_v2
@example(raw=world.ingress_app_data(), across=False)  # the honest path, in every sample
@example(raw=world.ingress_app_data(workload="admin"), across=False)  # issue 14
@example(raw=world.ingress_app_data(workload=world.NEIGHBOUR), across=False)
@example(raw=world.ingress_app_data(), across=True)
def test_ingress_app_databag(raw: dict[str, str], across: bool) -> None:
    tally.examples[INGRESS_APP] += 1
    workload = ACROSS_APP if across else world.WORKLOAD
    relation = world.ingress(app_data=raw, workload=workload)
    if across:
        relation = dataclasses.replace(relation, remote_model_uuid=model_uuid(world.EDGE))
    before = world.state(relation, world.gateway_route(encode(world.answer())))

    outcome = run(before)

    assert_admitted_and_isolated(outcome)
    status = outcome.out.unit_status
    parsed = parse_app_databag(raw, relation="ingress", databag=workload)
    if not raw:
        assert isinstance(status, ops.WaitingStatus), status
        assert outcome.owned == {}
    elif isinstance(parsed, list):  # (c): invalid, reported with the key at fault
        tally.invalid[INGRESS_APP] += 1
        assert isinstance(status, ops.BlockedStatus), status
        said = f"bad ingress data from the workload's charm: {workload} {parsed[0].key}: "
        assert status.message.startswith(said), status
        assert outcome.owned == {}, "nothing is served from an unusable request"
    elif parsed.model != world.MODEL:  # (e) it says it lives in another model
        tally.lies[LIE_OTHER_MODEL] += 1
        assert isinstance(status, ops.BlockedStatus), status
        assert f"model {parsed.model}" in status.message
        assert_refused(outcome)
    elif across:  # (e) it says it is in our model; Juju says it is not
        tally.lies[LIE_ACROSS_MODELS] += 1
        assert isinstance(status, ops.BlockedStatus), status
        assert f"{workload} is related from another model" in status.message, status
        assert_refused(outcome)
    elif parsed.name != world.WORKLOAD:  # (e) it asks to be served as another application
        tally.lies[LIE_OTHER_APP] += 1
        expected = impersonation(world.WORKLOAD, parsed.name)
        assert status == ops.BlockedStatus(expected.message), status
        assert world.WORKLOAD in status.message  # naming both
        assert parsed.name in status.message
        assert_refused(outcome)
        assert all(rel.local_app_data == {} for rel in outcome.out.relations), "no request"
        # What was served for the workload before it lied stays exactly as it was.
        later = run_after_serving(raw)
        assert later.status == status, later.status
        assert later.changed == [], later.changed
        assert later.writes == [], later.writes
        assert later.relations_changed == [], "the URL and the gateway request stay"
    else:  # valid: the route is there, or the status says why not (not ours / backend TLS)
        route = ("HTTPRoute", world.MODEL, dns1123_subdomain(parsed.name))
        if route not in outcome.owned:
            assert isinstance(status, ops.BlockedStatus), status
            assert "not managed by" in status.message or "BackendTLSPolicy" in status.message
        else:
            assert not status.message.startswith(f"{world.WORKLOAD} "), status


def assert_refused(outcome: Outcome) -> None:
    """Nothing created and no URL for a workload whose request was refused."""
    assert outcome.owned == {}, "nothing is created for a lie"
    ingress = next(rel for rel in outcome.out.relations if rel.endpoint == "ingress")
    assert "ingress" not in ingress.local_app_data, "no URL is published for a lie"


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
        expected = waiting_for_gateway("gateway-api-integrator")
        assert status == ops.WaitingStatus(expected.message)
    elif isinstance(parsed, DataError):  # (c)
        tally.invalid["configurator/gateway-route-provider"] += 1
        assert isinstance(status, ops.BlockedStatus), status
        assert status.message.startswith(
            f"unreadable gateway-route data from the gateway gateway-api-integrator: "
            f"field '{parsed.field}': {parsed.message}"
        ), status
    else:
        assert not status.message.startswith("unreadable gateway-route data"), status
        if parsed.accepted_for(world.HOST) is not None:
            route = ("HTTPRoute", world.MODEL, world.WORKLOAD)
            assert route in outcome.owned, "an accepted hostname is routed"
