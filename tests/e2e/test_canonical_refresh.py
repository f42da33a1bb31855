"""`juju refresh` from Canonical's gateway-api-integrator: scenarios/canonical-refresh.yaml.

Application `gateway-api-integrator` starts as the `canonical-gateway` stand-in, related to
`shop` (which it gave https://gateway.example.com/infra-shop) and to the TLS provider; model
`infra` holds what Canonical's charm left (Gateway, TLS Secret, Service, two HTTPRoutes,
labelled only with its managed-by label, applied by its field manager), plus two look-alikes
that are not ours to touch. The one step, `refresh`, turns it into our charm with every relation
and databag in place (upgrade-charm, config-changed, start). The spec (issue 15, items 3 and 4):
adopt the Gateway and Secret without ever dropping a listener or deleting a Secret, serve
`shop` with our own objects at the same URL, never taking it away, and delete Canonical's routes
and Service only once ours serve. Every request the charm makes is watched as it is served
(`BundleRun.after_request`) and shop's databag after every event (`Simulation.after_event`), so
a listener or URL dropped and restored between two hooks is caught.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from bundlesim import BundleRun
from bundlesim.scenario import load_scenario
from bundlesim.views import listeners, shipped_scenario
from kubedouble.records import RequestRecord
from modelsim import Simulation, TraceEntry

APP = "gateway-api-integrator"
NAMESPACE = "infra"
HTTP_LISTENER = f"{APP}-http-listener"
HTTPS_LISTENER = f"{APP}-https-listener"
SECRET = f"{APP}-secret-gateway.example.com"
CANONICAL_LABEL = "gateway-api-integrator.charm.juju.is/managed-by"
OUR_LABELS = {
    "app.kubernetes.io/managed-by": APP,
    "gateway-api.juju.is/application": APP,
    "gateway-api.juju.is/model": NAMESPACE,
}
CANONICAL_LEFTOVERS = {
    ("HTTPRoute", f"{APP}-http"),
    ("HTTPRoute", f"{APP}-https"),
    ("Service", f"{APP}-shop-service"),
}
UNTOUCHABLE = {
    ("Secret", f"{APP}-secret-other.example.com"),
    ("HTTPRoute", "some-other-app-https"),
}
WRITES = frozenset({"create", "update", "patch", "apply"})
URL = "https://gateway.example.com/infra-shop"


@dataclasses.dataclass
class Deletion:
    """A delete request, and whether our `shop` route served when it was made."""

    kind: str | None
    name: str | None
    ours_served: bool


@dataclasses.dataclass
class Watch:
    """What the API double held after each request the charms made."""

    run: BundleRun
    listener_names: list[set[str]] = dataclasses.field(default_factory=list)
    deletions: list[Deletion] = dataclasses.field(default_factory=list)
    urls: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    """Shop's URL in its relation databag after every event of the run, with the event."""
    before_refresh: list[RequestRecord] = dataclasses.field(default_factory=list)
    """What was asked of the API before the refresh (the stand-ins write no objects)."""
    at_refresh: dict[tuple[str, str], dict[str, Any] | None] = dataclasses.field(
        default_factory=dict
    )
    """Every seeded object as the refresh found it."""

    def event(self, sim: Simulation, entry: TraceEntry) -> None:
        """After each event, the URL shop's side of the relation holds."""
        del sim
        self.urls.append((str(entry), self.run.url("shop")))

    def saw(self, record: RequestRecord) -> None:
        """After each Gateway write, its listener names; at each delete, whether ours serve."""
        if record.kind == "Gateway" and record.verb in WRITES:
            found = self.run.kube.get("Gateway", APP, NAMESPACE)
            names = {item["name"] for item in found["spec"]["listeners"]} if found else set()
            self.listener_names.append(names)
        if record.verb in ("delete", "deletecollection"):
            self.deletions.append(Deletion(record.kind, record.name, self._shop_serves()))

    def _shop_serves(self) -> bool:
        route = self.run.kube.get("HTTPRoute", "shop", NAMESPACE)
        if route is None:
            return False
        return any(
            parent.get("parentRef", {}).get("name") == APP
            and _condition(parent, "Accepted")
            and _condition(parent, "ResolvedRefs")
            for parent in (route.get("status") or {}).get("parents", [])
        )


def _condition(parent: dict[str, Any], kind: str) -> bool:
    return any(c["type"] == kind and c["status"] == "True" for c in parent.get("conditions", []))


@pytest.fixture(scope="module")
def refresh() -> Iterator[Watch]:
    """The stand-ins deployed, then the refresh played, watched from its first request."""
    run = BundleRun(load_scenario(shipped_scenario("canonical-refresh")))
    watch = Watch(run)
    run.sim.after_event(watch.event)
    with run:
        watch.before_refresh = list(run.kube.requests)
        watch.at_refresh = {
            (o["kind"], o["metadata"]["name"]): run.kube.get(
                o["kind"], o["metadata"]["name"], NAMESPACE
            )
            for o in run.seeded
        }
        run.after_request(watch.saw)
        run.run_steps()
        yield watch
    assert run.kube.internal_errors == []


def _seeded(run: BundleRun, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in run.seeded if (o["kind"], o["metadata"]["name"]) == (kind, name))


def test_the_scenario_seeds_what_canonical_left(refresh: Watch) -> None:
    """The starting point is as described: seven objects, Canonical's labelled only its way."""
    seeded = {(o["kind"], o["metadata"]["name"]): o for o in refresh.run.seeded}
    assert len(seeded) == 7
    for key in CANONICAL_LEFTOVERS | {("Gateway", APP), ("Secret", SECRET)}:
        assert seeded[key]["metadata"]["labels"] == {CANONICAL_LABEL: APP}, key


def test_nothing_is_touched_before_the_refresh(refresh: Watch) -> None:
    """The stand-in writes no objects: the refresh finds Canonical's objects as seeded.

    Only what the controller writes (status) differs.
    """
    run = refresh.run
    writes = [
        (r.verb, r.kind, r.name)
        for r in refresh.before_refresh
        if r.verb not in ("get", "list", "watch")
    ]
    assert writes == []
    for (kind, name), found in refresh.at_refresh.items():
        assert found is not None, (kind, name)
        assert _without_status(found) == _without_status(_seeded(run, kind, name)), (kind, name)


def test_the_refresh_runs_upgrade_charm_first_with_every_relation_in_place(
    refresh: Watch,
) -> None:
    """Our charm's first hooks are upgrade-charm, config-changed, start: no install, no joins."""
    events = [e.event for e in refresh.run.sim.trace if e.target == f"{APP}/0"]
    assert events[:3] == ["upgrade-charm", "config-changed", "start"]
    assert not {"install", "relation-created", "relation-joined"} & set(events)


def test_the_listeners_are_never_dropped(refresh: Watch) -> None:
    """After every write to the Gateway, both of Canonical's listener names are still there."""
    assert refresh.listener_names, "the charm never wrote the Gateway"
    dropped = [
        names for names in refresh.listener_names if not {HTTP_LISTENER, HTTPS_LISTENER} <= names
    ]
    assert dropped == []
    assert {HTTP_LISTENER, HTTPS_LISTENER} <= set(listeners(refresh.run, APP, NAMESPACE))
    assert [d for d in refresh.deletions if d.kind == "Gateway"] == []


def test_no_secret_is_deleted_and_the_adopted_one_is_served(refresh: Watch) -> None:
    """Zero Secret deletions; the HTTPS listener references Canonical's Secret by its name."""
    assert [d for d in refresh.deletions if d.kind == "Secret"] == []
    https = listeners(refresh.run, APP, NAMESPACE)[HTTPS_LISTENER]
    assert https["tls"]["certificateRefs"] == [{"group": "", "kind": "Secret", "name": SECRET}]
    assert refresh.run.kube.read("Secret", SECRET, NAMESPACE)["type"] == "kubernetes.io/tls"


def test_adopted_objects_carry_our_labels(refresh: Watch) -> None:
    """The Gateway and the Secret are ours now: our ownership labels are on them."""
    for kind, name in (("Gateway", APP), ("Secret", SECRET)):
        labels = refresh.run.kube.read(kind, name, NAMESPACE)["metadata"].get("labels") or {}
        assert OUR_LABELS.items() <= labels.items(), (kind, name, labels)


def test_what_is_not_ours_is_never_written(refresh: Watch) -> None:
    """The unlabelled Secret and the other app's route: no request names them; unchanged.

    Compared whole, but for what the controller writes on the route (its `status`, and with it
    resourceVersion and a status managedFields entry): that is the world, not a charm.
    """
    run = refresh.run
    named = [
        (r.verb, r.kind, r.name) for r in run.kube.requests if (r.kind, r.name) in UNTOUCHABLE
    ]
    assert named == []
    for kind, name in UNTOUCHABLE:
        now = _without_status(run.kube.read(kind, name, NAMESPACE))
        assert now == _without_status(_seeded(run, kind, name)), (kind, name)


def _without_status(obj: dict[str, Any]) -> dict[str, Any]:
    """The object but for what a status write changes."""
    meta = dict(obj["metadata"])
    meta.pop("resourceVersion", None)
    meta["managedFields"] = [
        entry for entry in meta.get("managedFields", []) if entry.get("subresource") != "status"
    ]
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": meta}


def test_shop_keeps_its_url_throughout(refresh: Watch) -> None:
    """Canonical's charm gave shop its URL; ours keeps it, and at no event is it taken away."""
    assert refresh.run.url("shop") == URL
    first = next(i for i, (_, url) in enumerate(refresh.urls) if url is not None)
    changed = [(event, url) for event, url in refresh.urls[first:] if url != URL]
    assert changed == []
    assert any(event.startswith(f"{APP}/0: upgrade-charm") for event, _ in refresh.urls[first:])


def test_canonical_routes_go_only_once_ours_serve(refresh: Watch) -> None:
    """Canonical's routes and Service are deleted, each after our `shop` route was accepted."""
    run = refresh.run
    left = {
        (kind, name) for kind, name in CANONICAL_LEFTOVERS if run.kube.get(kind, name, NAMESPACE)
    }
    assert left == set()
    assert run.kube.get("HTTPRoute", "shop", NAMESPACE) is not None
    early = [
        (d.kind, d.name)
        for d in refresh.deletions
        if (d.kind, d.name) in CANONICAL_LEFTOVERS and not d.ours_served
    ]
    assert early == []
