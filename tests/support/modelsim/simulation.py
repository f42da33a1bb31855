"""An in-process stand-in for a Juju controller running real charm classes.

Each application gets one `ops.testing.Context` per unit. The simulation keeps what Juju keeps
between hooks (databags, secrets, stored state, statuses, leadership), renders it as a `State`
for every event, and reads the output back. Operations (`relate`, `scale`, ...) deliver the
events Juju would deliver for them, in Juju's order; the relation-changed events that follow from
databag writes are queued and delivered by `settle()`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ops
from ops import testing

from modelsim import crossmodel, workload
from modelsim.crossmodel import CrossModelNames
from modelsim.errors import HookFailed, NotSettled, SimulationError
from modelsim.kube import SharedCluster, kubeconfig_env
from modelsim.metadata import CharmMeta, load_charm_meta
from modelsim.model import (
    App,
    End,
    RelationRecord,
    Unit,
    juju_unit_keys,
    namespace_annotations,
    unit_number,
)
from modelsim.participants import Participant
from modelsim.pending import Pending, round_robin
from modelsim.records import (
    ActionOutcome,
    AppStatus,
    DatabagUpdate,
    RelationView,
    Status,
    TraceEntry,
)
from modelsim.secrets import SecretStore
from modelsim.states import relation_for, state_for

BetweenRounds = Callable[["Simulation"], None]
AfterEvent = Callable[["Simulation", TraceEntry], None]
MetaSource = Path | str | Mapping[str, Any]

# Hooks ops.testing can emit with no argument, by Juju hook name.
_PLAIN_HOOKS = {
    "install",
    "start",
    "stop",
    "remove",
    "update-status",
    "config-changed",
    "leader-elected",
    "upgrade-charm",
}


class Simulation:
    """A Juju model (or several) holding applications and the relations between them.

    `cross_model_names="juju"` renames applications across models as Juju does (see
    `modelsim.crossmodel`); `"simple"` shows every charm the real names.
    """

    def __init__(
        self, kube: SharedCluster | None = None, *, cross_model_names: CrossModelNames = "simple"
    ) -> None:
        if cross_model_names not in crossmodel.MODES:
            raise SimulationError(
                f"cross_model_names must be one of {crossmodel.MODES}, not {cross_model_names!r}"
            )
        self.kube = kube
        self.cross_model_names: CrossModelNames = cross_model_names
        self.trace: list[TraceEntry] = []
        self.apps: dict[str, App] = {}
        self.relations: dict[int, RelationRecord] = {}
        self.secrets = SecretStore()
        self.last_output: dict[str, testing.State] = {}  # every unit ever run, removed ones too
        self._pending: dict[Pending, None] = {}  # insertion-ordered set
        self._hooks: list[BetweenRounds] = []
        self._event_hooks: list[AfterEvent] = []
        self._next_relation_id = 0
        self._round: int | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._kubeconfigs: dict[str, Path] = {}  # by application: each has its own token

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Remove the kubeconfigs the simulation wrote, if any."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self._kubeconfigs.clear()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- deploying

    def add_app(
        self,
        name: str,
        charm: type[ops.CharmBase],
        meta: MetaSource,
        *,
        model: str = "default",
        units: int = 1,
        config: Mapping[str, Any] | None = None,
        trusted: bool = True,
    ) -> None:
        """`juju deploy`: install, leader-elected, config-changed, start on each unit.

        `meta` is a charmcraft.yaml path or its parsed content; `trusted` is `--trust`: the
        application's own identity in the cluster gets Juju's full grants, else Juju's defaults.
        """
        charm_meta = load_charm_meta(meta)
        app = self._new_app(name, model, charm_meta, charm=charm, participant=None)
        app.trusted = trusted
        if self.kube is not None:
            self.kube.service_account(model, name, trusted=trusted)
        self._check_config(app, config or {})
        app.config = {k: v for k, v in (config or {}).items() if v is not None}
        for _ in range(units):
            self._add_unit(app)
        if app.units:
            app.leader = next(iter(app.units))
        for endpoint in charm_meta.endpoints():
            if endpoint.role == "peers":
                end = End(name, endpoint.name, endpoint.interface)
                self._new_relation(end, end)
        self._juju_scales(app)
        for unit in list(app.units.values()):
            self._bring_up(app, unit)
        self._join_everything(app)

    def add_participant(
        self,
        name: str,
        participant: Participant,
        *,
        model: str = "default",
        units: int = 1,
        config: Mapping[str, Any] | None = None,
        trusted: bool = False,
    ) -> None:
        """Deploy a non-charm application: its units exist, it runs no hooks.

        `config` and `trusted` are what Juju holds for it (checked against the `config`
        options in `participant.meta`); it never reads them, a charm it is refreshed to does.
        """
        meta = load_charm_meta({**participant.meta, "name": name})
        app = self._new_app(name, model, meta, charm=None, participant=participant)
        self._check_config(app, config or {})
        app.config = {k: v for k, v in (config or {}).items() if v is not None}
        app.trusted = trusted
        for _ in range(units):
            self._add_unit(app)
        app.leader = next(iter(app.units), None)

    def refresh(self, app: str, charm: type[ops.CharmBase], meta: MetaSource) -> None:
        """`juju refresh`: the application (a charm, or a stand-in for one) now runs `charm`.

        Juju keeps the application's config (options the new charm still has), its trust, its
        relations with every databag on both sides, its leader and its secrets. On Kubernetes
        each unit's pod is replaced, so what a unit kept locally (stored state, deferred
        events) is gone. Each unit, leader first, then runs `upgrade-charm`, `config-changed`,
        `start`; relations are already established, so no relation-created or -joined follows.
        What the hooks write is queued for `settle()`. Juju documents the sequence in its hook
        reference (https://documentation.ubuntu.com/juju/latest/reference/hook, "upgrade-charm";
        the pod and its local state being replaced: canonical/operator#316).
        """
        target = self._app(app)
        charm_meta = load_charm_meta(meta)
        self._check_refresh_endpoints(target, charm_meta)
        options = (charm_meta.config or {}).get("options") or {}
        target.config = {k: v for k, v in target.config.items() if k in options}
        target.meta, target.charm, target.participant = charm_meta, charm, None
        self._kubeconfigs.pop(app, None)
        if self.kube is not None:
            self.kube.service_account(target.model, target.name, trusted=target.trusted)
        self._juju_scales(target)
        units = sorted(target.units.values(), key=lambda u: u.name != target.leader)
        for unit in units:  # a new pod: a new charm, nothing kept locally
            unit.context, unit.stored_states, unit.deferred = None, frozenset(), []
        for unit in units:
            for hook in ("upgrade-charm", "config-changed", "start"):
                self._deliver(unit, hook)

    def between_rounds(self, hook: BetweenRounds) -> None:
        """Run `hook(sim)` after every settle round (and once per settle() call).

        For the world outside Juju: a gateway controller writing object status, a CA signing.
        The hook may call `update_status()`, `write_databags()` or `refresh_participant()`.
        """
        self._hooks.append(hook)

    def after_event(self, hook: AfterEvent) -> None:
        """Run `hook(sim, entry)` after every delivered event, once its output is taken back.

        Every charm hook, action and participant call, with its trace entry: what a test needs
        to see each intermediate databag (a settle round may write and rewrite one). The hook
        must only read.
        """
        self._event_hooks.append(hook)

    # ----------------------------------------------------------------- relations

    def relate(self, a: str, b: str, *, offerer: str | None = None) -> int:
        """`juju integrate a b`; ends are `app` or `app:endpoint`. Returns the relation id.

        Delivers relation-created on every unit of both sides, calls participants once, then
        on every unit relation-joined followed by relation-changed for each remote unit.
        `offerer` names the application whose model offers the endpoint when the two are in
        different models (default: the `provides` end); it matters for `cross_model_names`.
        """
        end_a, end_b = self._resolve_ends(a, b)
        apps = (self.apps[end_a.app], self.apps[end_b.app])
        seen = crossmodel.names_seen(self.cross_model_names, (end_a, end_b), apps, offerer)
        record = self._new_relation(end_a, end_b)
        record.seen_as = seen
        for end in (end_a, end_b):
            app = self.apps[end.app]
            for unit in list(app.units.values()):
                unit.joined[record.id] = []
                if app.participant is None:
                    self._deliver(unit, "relation-created", relation_id=record.id)
        for end in (end_a, end_b):
            self._call_participant(self.apps[end.app], record)
        for end in (end_a, end_b):
            app = self.apps[end.app]
            remote_app = self.apps[record.remote(end.app).app]
            for unit in list(app.units.values()):
                for remote_unit in list(remote_app.units):
                    self._join(app, unit, record, remote_unit)
        return record.id

    def unrelate(self, relation: int | str, other: str | None = None) -> None:
        """`juju remove-relation`: relation-departed for each remote unit, then relation-broken.

        `relation` is a relation id, or two ends as in `relate()`.
        """
        record = self._relation(relation, other)
        self._break(record)

    def write_databags(self, app: str, relation_id: int, update: DatabagUpdate) -> None:
        """Write a participant's databags (a charm writes its own, in its hooks)."""
        owner = self._app(app)
        if owner.participant is None:
            raise SimulationError(f"{app} is a charm: it writes its own databags")
        self._apply_update(owner, self._relation(relation_id), update)

    def refresh_participant(self, app: str) -> None:
        """Call a participant again on all its relations (after the test changed it)."""
        owner = self._app(app)
        for record in self._relations_of(app):
            self._call_participant(owner, record)

    # ----------------------------------------------------------------- operator commands

    def set_config(self, app: str, values: Mapping[str, Any]) -> None:
        """`juju config app k=v`: a None value resets the option to its default."""
        target = self._app(app)
        self._check_config(target, values)
        for key, value in values.items():
            if value is None:
                target.config.pop(key, None)
            else:
                target.config[key] = value
        if target.participant is not None:  # it answers from the config it is shown
            self.refresh_participant(app)
            return
        for unit in list(target.units.values()):
            self._deliver(unit, "config-changed")

    def trust(self, app: str, trusted: bool = True) -> None:
        """`juju trust <app> --scope=cluster` (`--remove` when False).

        Juju keeps trust in the application's config, so a change runs config-changed on every
        unit (juju/juju#9501); the application's identity in the cluster gets the new grants.
        """
        target = self._app(app)
        if target.participant is not None:
            raise SimulationError(f"{app} is a participant: it runs no charm to trust")
        if target.trusted == trusted:
            return
        target.trusted = trusted
        if self.kube is not None:
            self.kube.service_account(target.model, target.name, trusted=trusted)
        for unit in list(target.units.values()):
            if unit.context is not None:
                unit.context.app_trusted = trusted
            self._deliver(unit, "config-changed")

    def set_leader(self, app: str, unit: str) -> None:
        """Move leadership to `unit`, which gets leader-elected.

        ops 3 deprecates leader-settings-changed and ops.testing 8.9 cannot emit it, so the old
        leader gets no event; it sees `is_leader()` False from its next hook on.
        """
        target = self._app(app)
        target.unit(unit)
        if target.leader == unit:
            return
        target.leader = unit
        if target.participant is None:
            self._deliver(target.units[unit], "leader-elected")

    def scale(self, app: str, units: int) -> None:
        """`juju scale-application`: add units (new numbers) or remove the highest ones."""
        target = self._app(app)
        if target.participant is not None:
            raise SimulationError(f"{app} is a participant: give its unit count at deploy")
        while len(target.live_units) < units:
            unit = self._add_unit(target)
            if target.leader is None:
                target.leader = unit.name
            self._bring_up(target, unit)
            self._join_unit_everywhere(target, unit)
        while len(target.live_units) > units:
            self._remove_unit(target, target.units[target.live_units[-1]])
        self._juju_scales(target)  # after the teardown hooks, as Juju >= 3.1 does

    def remove_app(self, app: str) -> None:
        """`juju remove-application`: break every relation, then stop and remove each unit."""
        target = self._app(app)
        target.dying = True
        for record in self._relations_of(app):
            self._break(record)
        if target.participant is None:
            for unit in list(target.units.values()):
                self._deliver(unit, "stop")
                self._deliver(unit, "remove")
        for unit in target.units:
            self.secrets.forget_unit(unit)
        self.secrets.forget_app(app)
        self._pending = {p: None for p in self._pending if not self._targets_app(p, app)}
        self._kubeconfigs.pop(app, None)
        del self.apps[app]
        if self.kube is not None:  # once its units are dead: scaled to 0, then deleted
            workload.set_replicas(self.kube, target.name, target.model, 0)
            workload.delete(self.kube, target.name, target.model)

    def update_status(self, app: str | None = None) -> None:
        """update-status on every unit (of `app`, or of every charm)."""
        apps = [self._app(app)] if app is not None else list(self.apps.values())
        for target in apps:
            for unit in list(target.units.values()):
                if target.participant is None:
                    self._deliver(unit, "update-status")

    def run_action(
        self, target: str, name: str, params: Mapping[str, Any] | None = None
    ) -> ActionOutcome:
        """`juju run <unit> <action>`; an app name runs it on the leader."""
        unit = self._unit(target)
        app = self.apps[unit.app]
        if app.participant is not None:
            raise SimulationError(f"{app.name} is a participant: it has no actions")
        context = self._context(app, unit)
        state = self._state(app, unit)
        event = context.on.action(name, params=dict(params or {}))
        failure: str | None = None
        try:
            with kubeconfig_env(self._kubeconfig_path(app)):
                out = context.run(event, state)
        except testing.ActionFailed as failed:
            failure = failed.message
            if not isinstance(failed.state, testing.State):
                raise
            out = failed.state
        except testing.errors.UncaughtCharmError as error:
            raise HookFailed(unit.name, f"action {name}", error.__cause__ or error) from error
        self._record(unit.name, f"action:{name}")
        self._absorb(app, unit, state, out)
        self._after_event()
        return ActionOutcome(
            unit=unit.name,
            results=dict(context.action_results or {}),
            logs=list(context.action_logs),
            failure=failure,
        )

    # ----------------------------------------------------------------- settling

    def settle(self, max_rounds: int = 50) -> int:
        """Deliver queued events round-robin until nothing changes; return the rounds used.

        Each round delivers everything queued when it started, interleaving units; what those
        events change is queued for the next round. Between-round hooks run after every round.
        """
        rounds = 0
        while True:
            if self._pending:
                if rounds == max_rounds:
                    recent = [e for e in self.trace if e.round is not None][-40:]
                    raise NotSettled(rounds, [str(p) for p in self._pending], recent)
                rounds += 1
                self._run_round(rounds)
            for hook in self._hooks:
                hook(self)
            if not self._pending:
                return rounds

    @property
    def pending(self) -> list[str]:
        """Queued events, for debugging."""
        return [str(p) for p in self._pending]

    # ----------------------------------------------------------------- outputs

    def status(self, app: str) -> AppStatus:
        """The application status and each unit's status."""
        target = self._app(app)
        return AppStatus(
            app=_status(target.status),
            units={name: _status(unit.status) for name, unit in target.units.items()},
            leader=target.leader,
        )

    def statuses(self) -> dict[str, Any]:
        """Every application's status, JSON-serialisable."""
        return {name: self.status(name).to_json() for name in sorted(self.apps)}

    def databags(self) -> list[dict[str, Any]]:
        """Every relation with every databag, JSON-serialisable."""
        return [record.to_json() for _, record in sorted(self.relations.items())]

    def relation_id(self, a: str, b: str) -> int:
        """The id of the relation between two ends (`app` or `app:endpoint`)."""
        return self._relation(a, b).id

    def app_data(self, relation_id: int, app: str) -> dict[str, str]:
        """A copy of one application databag."""
        return dict(self._relation(relation_id).app_data.get(app, {}))

    def unit_data(self, relation_id: int, unit: str) -> dict[str, str]:
        """A copy of one unit databag."""
        return dict(self._relation(relation_id).unit_data.get(unit, {}))

    def unit_state(self, unit: str) -> testing.State:
        """The State the unit's next hook would get (stored state, secrets, relations...)."""
        target = self._unit(unit)
        return self._state(self.apps[target.app], target)

    def units(self, app: str) -> list[str]:
        """Unit names of an application, in order."""
        return list(self._app(app).units)

    def events(self, target: str | None = None) -> list[str]:
        """The trace as strings, optionally for one unit or app only."""
        return [str(e) for e in self.trace if target is None or e.target == target]

    # ================================================================= internals

    def _new_app(
        self,
        name: str,
        model: str,
        meta: CharmMeta,
        *,
        charm: type[ops.CharmBase] | None,
        participant: Participant | None,
    ) -> App:
        if name in self.apps:
            raise SimulationError(f"application {name!r} already deployed")
        app = App(
            name=name,
            model=model,
            meta=meta,
            charm=charm,
            participant=participant,
            trusted=False,
            index=len(self.apps) + 1,
        )
        self.apps[name] = app
        if self.kube is not None:
            # Juju model == Kubernetes namespace, annotated with the model's UUID.
            self.kube.ensure_namespace(model, namespace_annotations(model))
        return app

    def _juju_scales(self, app: App) -> None:
        """Set the application's StatefulSet to its planned units (see `modelsim.workload`)."""
        if self.kube is not None:
            workload.set_replicas(self.kube, app.name, app.model, app.planned_units)

    def _add_unit(self, app: App) -> Unit:
        number = app.next_unit
        app.next_unit += 1
        unit = Unit(
            name=f"{app.name}/{number}",
            app=app.name,
            number=number,
            address=f"10.1.{app.index % 250}.{number % 250 + 2}",
        )
        app.units[unit.name] = unit
        return unit

    def _bring_up(self, app: App, unit: Unit) -> None:
        """A new unit's first hooks, in Juju's order."""
        self._deliver(unit, "install")
        for record in self._relations_of(app.name):
            unit.joined.setdefault(record.id, [])
            record.unit_data.setdefault(unit.name, juju_unit_keys(unit.address))
            self._deliver(unit, "relation-created", relation_id=record.id)
        if app.leader == unit.name:
            self._deliver(unit, "leader-elected")
        self._deliver(unit, "config-changed")
        self._deliver(unit, "start")

    def _join_everything(self, app: App) -> None:
        """After deploy: units of a peer relation join each other."""
        for record in self._relations_of(app.name):
            for unit in list(app.units.values()):
                for other in list(app.units):
                    if other != unit.name:
                        self._join(app, unit, record, other)

    def _join_unit_everywhere(self, app: App, unit: Unit) -> None:
        """A new unit joins its remote units, and they join it."""
        for record in self._relations_of(app.name):
            remote_app = self.apps[record.remote(app.name).app]
            for remote_unit in list(remote_app.units):
                if remote_unit != unit.name:
                    self._join(app, unit, record, remote_unit)
            for remote_unit in list(remote_app.units.values()):
                if remote_unit.name != unit.name:
                    self._join(remote_app, remote_unit, record, unit.name)
            self._call_participant(remote_app, record)

    def _join(self, app: App, unit: Unit, record: RelationRecord, remote_unit: str) -> None:
        joined = unit.joined.setdefault(record.id, [])
        if remote_unit in joined:
            return
        joined.append(remote_unit)
        if app.participant is not None:
            return
        self._deliver(unit, "relation-joined", relation_id=record.id, remote=remote_unit)
        self._deliver(unit, "relation-changed", relation_id=record.id, remote=remote_unit)

    def _new_relation(self, end_a: End, end_b: End) -> RelationRecord:
        record = RelationRecord(
            id=self._next_relation_id,
            ends=(end_a, end_b),
            app_data={end_a.app: {}, end_b.app: {}},
            unit_data={},
        )
        self._next_relation_id += 1
        for end in (end_a, end_b):
            for unit in self.apps[end.app].units.values():
                record.unit_data[unit.name] = juju_unit_keys(unit.address)
        self.relations[record.id] = record
        return record

    def _resolve_ends(self, a: str, b: str) -> tuple[End, End]:
        app_a, _, ep_a = a.partition(":")
        app_b, _, ep_b = b.partition(":")
        meta_a, meta_b = self._app(app_a).meta, self._app(app_b).meta
        pairs = [
            (x, y)
            for x in meta_a.endpoints()
            for y in meta_b.endpoints()
            if (not ep_a or x.name == ep_a)
            and (not ep_b or y.name == ep_b)
            and {x.role, y.role} == {"requires", "provides"}
            and x.interface == y.interface
        ]
        if len(pairs) != 1:
            found = ", ".join(f"{app_a}:{x.name} {app_b}:{y.name}" for x, y in pairs) or "none"
            raise SimulationError(f"cannot relate {a} and {b}: matching endpoint pairs: {found}")
        x, y = pairs[0]
        for app, endpoint, other in ((app_a, x, app_b), (app_b, y, app_a)):
            in_use = [
                r
                for r in self._relations_of(app)
                if not r.peer and r.end(app).endpoint == endpoint.name
            ]
            if any(r.remote(app).app == other for r in in_use):
                raise SimulationError(f"{a} and {b} are already related")
            if endpoint.limit is not None and len(in_use) >= endpoint.limit:
                raise SimulationError(
                    f"{app}:{endpoint.name} already has {len(in_use)} relation(s) "
                    f"(limit {endpoint.limit})"
                )
        return End(app_a, x.name, x.interface), End(app_b, y.name, y.interface)

    def _relation(self, relation: int | str, other: str | None = None) -> RelationRecord:
        if isinstance(relation, int):
            try:
                return self.relations[relation]
            except KeyError:
                raise SimulationError(f"no relation {relation}") from None
        if other is None:
            raise SimulationError("give a relation id, or both ends")
        wanted = [relation, other]
        for record in self.relations.values():
            if record.peer:
                continue
            names = [{str(end), end.app} for end in record.ends]
            if (wanted[0] in names[0] and wanted[1] in names[1]) or (
                wanted[0] in names[1] and wanted[1] in names[0]
            ):
                return record
        raise SimulationError(f"no relation between {relation} and {other}")

    def _relations_of(self, app: str) -> list[RelationRecord]:
        return [r for r in self.relations.values() if r.involves(app) and not r.dying]

    def _app(self, name: str) -> App:
        try:
            return self.apps[name]
        except KeyError:
            raise SimulationError(f"no application {name!r} (apps: {list(self.apps)})") from None

    def _unit(self, name: str) -> Unit:
        if "/" not in name:
            app = self._app(name)
            if app.leader is None:
                raise SimulationError(f"{name} has no units")
            return app.units[app.leader]
        return self._app(name.split("/", maxsplit=1)[0]).unit(name)

    def _check_refresh_endpoints(self, app: App, meta: CharmMeta) -> None:
        """Refuse a refresh to a charm lacking an endpoint in use, as Juju does.

        A peer endpoint the old charm did not have is refused too: creating it is not simulated.
        """
        endpoints = {e.name: e for e in meta.endpoints()}
        for record in self._relations_of(app.name):
            end = record.end(app.name)
            new = endpoints.get(end.endpoint)
            if new is None or new.interface != end.interface:
                raise SimulationError(
                    f"cannot refresh {app.name}: the new charm has no endpoint "
                    f"{end.endpoint} ({end.interface}), in use by relation {record.id}"
                )
        peers = {r.end(app.name).endpoint for r in self._relations_of(app.name) if r.peer}
        added = [e.name for e in endpoints.values() if e.role == "peers" and e.name not in peers]
        if added:
            raise SimulationError(f"cannot refresh {app.name}: new peer endpoint(s) {added}")

    def _check_config(self, app: App, values: Mapping[str, Any]) -> None:
        options = (app.meta.config or {}).get("options") or {}
        unknown = sorted(set(values) - set(options))
        if unknown:
            raise SimulationError(f"{app.name} has no config option(s) {unknown}")

    def _kubeconfig_path(self, app: App) -> Path | None:
        """The application's own kubeconfig: its service account's token, as in its pod."""
        if self.kube is None:
            return None
        if app.name not in self._kubeconfigs:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="modelsim-")
            token = self.kube.service_account(app.model, app.name, trusted=app.trusted).token
            path = Path(self._tmp.name) / f"{app.name}.kubeconfig"
            self._kubeconfigs[app.name] = self.kube.kubeconfig(path, token)
        return self._kubeconfigs[app.name]

    # ----------------------------------------------------------------- delivering

    def _context(self, app: App, unit: Unit) -> testing.Context[Any]:
        if unit.context is None:
            assert app.charm is not None
            unit.context = testing.Context(
                app.charm,
                meta=app.meta.meta,
                config=app.meta.config,
                actions=app.meta.actions,
                app_name=app.name,
                unit_id=unit.number,
                app_trusted=app.trusted,
            )
        return unit.context

    def _state(
        self,
        app: App,
        unit: Unit,
        *,
        broken: int | None = None,
        departed: tuple[int, str] | None = None,
    ) -> testing.State:
        relations: list[testing.RelationBase] = []
        for record in self.relations.values():
            if not record.involves(app.name) or record.id not in unit.joined:
                continue
            remote_app = self.apps.get(record.remote(app.name).app)
            relations.append(
                relation_for(
                    unit,
                    app,
                    remote_app,
                    record,
                    broken=record.id == broken,
                    departed=departed[1] if departed and departed[0] == record.id else None,
                )
            )
        config = {**app.config}
        return state_for(
            unit, app, relations, self.secrets.visible_to(unit.name, app.name), config
        )

    def _deliver(
        self,
        unit: Unit,
        hook: str,
        *,
        relation_id: int | None = None,
        remote: str | None = None,
        departing: str | None = None,
        secret_id: str | None = None,
        source: str | None = None,
    ) -> None:
        """Run one hook on one charm unit and take its output back.

        `source` only changes the trace: the app whose databag changed, for app-data changes.
        """
        app = self.apps[unit.app]
        context = self._context(app, unit)
        broken = relation_id if hook == "relation-broken" else None
        departed = (relation_id, departing) if relation_id is not None and departing else None
        state = self._state(app, unit, broken=broken, departed=departed)
        event = self._event(
            context, state, hook, relation_id=relation_id, remote=remote, secret_id=secret_id
        )
        try:
            with kubeconfig_env(self._kubeconfig_path(app)):
                out = context.run(event, state)
        except testing.errors.UncaughtCharmError as error:
            raise HookFailed(unit.name, hook, error.__cause__ or error) from error
        self._record(unit.name, hook, relation_id, source or remote or secret_id)
        self._absorb(app, unit, state, out, skip_relation=broken)
        self._after_event()

    @staticmethod
    def _event(
        context: testing.Context[Any],
        state: testing.State,
        hook: str,
        *,
        relation_id: int | None,
        remote: str | None,
        secret_id: str | None,
    ) -> Any:
        on = context.on
        if hook in _PLAIN_HOOKS:
            return getattr(on, hook.replace("-", "_"))()
        if secret_id is not None:
            return on.secret_changed(state.get_secret(id=secret_id))
        assert relation_id is not None
        relation = state.get_relation(relation_id)
        if hook in ("relation-created", "relation-broken"):
            return getattr(on, hook.replace("-", "_"))(relation)
        number = unit_number(remote) if remote and "/" in remote else None
        if hook == "relation-departed":
            return on.relation_departed(relation, remote_unit=number, departing_unit=number)
        if hook in ("relation-joined", "relation-changed"):
            return getattr(on, hook.replace("-", "_"))(relation, remote_unit=number)
        raise SimulationError(f"cannot deliver {hook}")

    def _record(
        self,
        target: str,
        event: str,
        relation_id: int | None = None,
        remote: str | None = None,
    ) -> None:
        self.trace.append(TraceEntry(target, event, relation_id, remote, self._round))

    def _absorb(
        self,
        app: App,
        unit: Unit,
        before: testing.State,
        out: testing.State,
        *,
        skip_relation: int | None = None,
    ) -> None:
        """Keep what Juju keeps from a hook, and queue what its writes trigger."""
        self.last_output[unit.name] = out
        unit.stored_states = out.stored_states
        unit.deferred = list(out.deferred)
        unit.status = ops.StatusBase.from_name(out.unit_status.name, out.unit_status.message)
        unit.workload_version = out.workload_version
        unit.opened_ports = out.opened_ports
        leader = app.leader == unit.name
        if leader:
            app.status = ops.StatusBase.from_name(out.app_status.name, out.app_status.message)
        for relation in out.relations:
            record = self.relations.get(relation.id)
            if record is None or record.dying or relation.id == skip_relation:
                continue
            if leader and dict(relation.local_app_data) != record.app_data.get(app.name, {}):
                record.app_data[app.name] = dict(relation.local_app_data)
                self._changed(record, app.name, app.name)
            if dict(relation.local_unit_data) != record.unit_data.get(unit.name, {}):
                record.unit_data[unit.name] = dict(relation.local_unit_data)
                self._changed(record, app.name, unit.name)
        shown = [secret.id for secret in before.secrets]
        for secret_id in self.secrets.absorb(unit.name, app.name, shown, out.secrets):
            everyone = [(u, a.name) for a in self.apps.values() for u in a.units]
            for consumer in self.secrets.consumers(secret_id, everyone):
                if self.apps[consumer.split("/")[0]].participant is None:
                    self._queue(Pending(consumer, "secret-changed", secret_id))

    def _changed(self, record: RelationRecord, app: str, source: str) -> None:
        """Queue relation-changed for everyone who sees the databag `source` wrote."""
        observer_app = self.apps[record.remote(app).app]
        if observer_app.participant is not None:
            self._queue(Pending(observer_app.name, "participant", record.id))
            return
        for unit in observer_app.units.values():
            joined = unit.joined.get(record.id)
            if not joined or unit.name == source:
                continue
            if record.peer and source == app and observer_app.leader == unit.name:
                continue  # the leader wrote it
            if source == app or source in joined:
                self._queue(Pending(unit.name, "relation-changed", record.id, source))

    def _queue(self, pending: Pending) -> None:
        self._pending[pending] = None

    def _targets_app(self, pending: Pending, app: str) -> bool:
        return pending.target == app or pending.target.startswith(f"{app}/")

    def _run_round(self, number: int) -> None:
        batch = round_robin(list(self._pending))
        self._pending = {}
        self._round = number
        try:
            for item in batch:
                self._deliver_pending(item)
        finally:
            self._round = None

    def _deliver_pending(self, item: Pending) -> None:
        if item.event == "participant":
            app = self.apps.get(item.target)
            record = self.relations.get(int(item.ref))
            if app is not None and record is not None and not record.dying:
                self._call_participant(app, record)
            return
        app = self.apps.get(item.target.split("/")[0])
        unit = app.units.get(item.target) if app else None
        if unit is None:
            return
        if item.event == "secret-changed":
            if str(item.ref) in self.secrets.records:
                self._deliver(unit, "secret-changed", secret_id=str(item.ref))
            return
        record = self.relations.get(int(item.ref))
        joined = unit.joined.get(int(item.ref))
        if record is None or record.dying or not joined:
            return
        # An app-databag change names no remote unit in Juju; ops.testing needs one, so the
        # first joined remote unit stands in (JUJU_REMOTE_APP is still the right app).
        remote = item.source if item.source in joined else joined[0]
        self._deliver(
            unit, "relation-changed", relation_id=record.id, remote=remote, source=item.source
        )

    # ----------------------------------------------------------------- participants

    def _view(self, app: App, record: RelationRecord) -> RelationView:
        local, remote = record.end(app.name), record.remote(app.name)
        remote_app = self.apps.get(remote.app)
        remote_units = remote_app.live_units if remote_app is not None else []
        return RelationView(
            id=record.id,
            app=app.name,
            endpoint=local.endpoint,
            interface=local.interface,
            remote_app=record.remote_name(app.name),
            remote_endpoint=remote.endpoint,
            local_app_data=dict(record.app_data.get(app.name, {})),
            local_units_data={
                unit_number(u): dict(record.unit_data.get(u, {})) for u in app.units
            },
            remote_app_data=dict(record.app_data.get(remote.app, {})),
            remote_units_data={
                unit_number(u): dict(record.unit_data[u])
                for u in remote_units
                if u in record.unit_data
            },
        )

    def _call_participant(self, app: App, record: RelationRecord) -> None:
        if app.participant is None or record.dying:
            return
        self._record(app.name, "participant", record.id)
        update = app.participant.on_relation_data(self, self._view(app, record))
        if update is not None:
            self._apply_update(app, record, update)
        self._after_event()

    def _after_event(self) -> None:
        for hook in self._event_hooks:
            hook(self, self.trace[-1])

    def _apply_update(self, app: App, record: RelationRecord, update: DatabagUpdate) -> None:
        if update.app is not None:
            merged = update.merged_app(record.app_data.get(app.name, {}))
            if merged != record.app_data.get(app.name, {}):
                record.app_data[app.name] = merged
                self._changed(record, app.name, app.name)
        for number, data in update.units.items():
            name = f"{app.name}/{number}"
            if name not in app.units:
                raise SimulationError(f"{app.name} has no unit {number}")
            merged = update.merged(record.unit_data.get(name, {}), data)
            if merged != record.unit_data.get(name, {}):
                record.unit_data[name] = merged
                self._changed(record, app.name, name)

    # ----------------------------------------------------------------- removal

    def _break(self, record: RelationRecord) -> None:
        """Departed for every remote unit on every unit, then broken on both sides."""
        record.dying = True
        self._pending = {
            p: None
            for p in self._pending
            if not (p.ref == record.id and p.event in ("relation-changed", "participant"))
        }
        apps = [self.apps[end.app] for end in dict.fromkeys(record.ends)]
        for app in apps:
            for unit in list(app.units.values()):
                for remote_unit in list(unit.joined.get(record.id, [])):
                    self._depart(app, unit, record, remote_unit)
        for app in apps:
            if app.participant is not None:
                app.participant.on_relation_removed(self, self._view(app, record))
                continue
            for unit in list(app.units.values()):
                if record.id in unit.joined:
                    self._deliver(unit, "relation-broken", relation_id=record.id)
        for app in apps:
            for unit in app.units.values():
                unit.joined.pop(record.id, None)
        self.secrets.forget_relation(record.id)
        del self.relations[record.id]

    def _depart(self, app: App, unit: Unit, record: RelationRecord, remote_unit: str) -> None:
        joined = unit.joined.get(record.id, [])
        if remote_unit not in joined:
            return
        joined.remove(remote_unit)
        if app.participant is None:
            self._deliver(
                unit,
                "relation-departed",
                relation_id=record.id,
                remote=remote_unit,
                departing=remote_unit,
            )

    def _remove_unit(self, app: App, unit: Unit) -> None:
        """Scale down one unit: the others see it depart; it gets broken, stop, remove."""
        unit.dying = True  # planned units drop first, as `juju scale-application` does
        for record in self._relations_of(app.name):
            for end in dict.fromkeys(record.ends):
                other_app = self.apps[end.app]
                for other in list(other_app.units.values()):
                    self._depart(other_app, other, record, unit.name)
                self._call_participant(other_app, record)
        for record in self._relations_of(app.name):
            if record.id in unit.joined:
                self._deliver(unit, "relation-broken", relation_id=record.id)
        self._deliver(unit, "stop")
        self._deliver(unit, "remove")
        del app.units[unit.name]
        for record in self.relations.values():
            record.unit_data.pop(unit.name, None)
        self.secrets.forget_unit(unit.name)
        self._pending = {p: None for p in self._pending if p.target != unit.name}
        if app.leader == unit.name:
            app.leader = next(iter(app.live_units), None)
            if app.leader is not None:
                self._deliver(app.units[app.leader], "leader-elected")


def _status(status: ops.StatusBase) -> Status:
    return Status(status.name, status.message)
