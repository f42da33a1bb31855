"""Render what one unit sees before an event as an `ops.testing.State`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ops import testing

from modelsim.model import App, RelationRecord, Unit, model_uuid, unit_number


@dataclasses.dataclass(frozen=True, kw_only=True)
class DepartingRelation(testing.Relation):
    """A relation whose departing unit is gone from relation-list but still readable.

    During relation-departed Juju leaves the departing unit out of `relation-list` while its
    databag can still be read (ops adds `event.unit` to `relation.units` for that reason).
    ops.testing 8.9 reads remote unit data only from `remote_units_data`, which also feeds
    relation-list, so this subclass serves the departed unit's databag from a separate field.
    """

    departed_units_data: Mapping[int, dict[str, str]] = dataclasses.field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.id)

    def _get_databag_for_remote(self, unit_id: int) -> dict[str, str]:
        if unit_id in self.remote_units_data:
            return dict(self.remote_units_data[unit_id])
        return self.departed_units_data[unit_id]


def relation_for(
    unit: Unit,
    app: App,
    remote_app: App | None,
    record: RelationRecord,
    *,
    broken: bool = False,
    departed: str | None = None,
) -> testing.RelationBase:
    """The relation as `unit` sees it now.

    `broken`: Juju's view during relation-broken: no remote units and no remote data left, which
    ops then excludes from `model.relations`. `departed`: the unit that just left, still readable.
    """
    local = record.end(app.name)
    remote = record.remote(app.name)
    joined = [] if broken else unit.joined.get(record.id, [])
    remote_units = {unit_number(name): dict(record.unit_data[name]) for name in joined}
    local_app_data = dict(record.app_data.get(app.name, {}))
    local_unit_data = dict(record.unit_data.get(unit.name, {}))
    departed_data = (
        {unit_number(departed): dict(record.unit_data[departed])}
        if departed is not None and departed in record.unit_data
        else None
    )
    if record.peer:
        peer = {
            "endpoint": local.endpoint,
            "interface": local.interface,
            "id": record.id,
            "local_app_data": local_app_data,
            "local_unit_data": local_unit_data,
            "peers_data": remote_units,
        }
        # ops itself never offers a departed peer's databag (ops/model.py, `not is_peer`).
        return testing.PeerRelation(**peer)
    remote_model = remote_app.model if remote_app is not None else app.model
    common = {
        "endpoint": local.endpoint,
        "interface": local.interface,
        "id": record.id,
        # Remote unit names follow: ops.testing names them `<remote_app_name>/<n>`.
        "remote_app_name": record.remote_name(app.name),
        "local_app_data": local_app_data,
        "local_unit_data": local_unit_data,
        "remote_app_data": {} if broken else dict(record.app_data.get(remote.app, {})),
        "remote_units_data": remote_units,
        "remote_model_uuid": model_uuid(remote_model) if remote_model != app.model else None,
    }
    if departed_data is not None:
        return DepartingRelation(**common, departed_units_data=departed_data)
    return testing.Relation(**common)


def state_for(
    unit: Unit,
    app: App,
    relations: list[testing.RelationBase],
    secrets: list[testing.Secret],
    config: Mapping[str, str | int | float | bool],
) -> testing.State:
    """Everything Juju would hand this unit for its next hook."""
    return testing.State(
        leader=app.leader == unit.name,
        config=config,
        relations=relations,
        secrets=secrets,
        stored_states=unit.stored_states,
        deferred=unit.deferred,
        model=testing.Model(name=app.model, uuid=model_uuid(app.model)),
        planned_units=app.planned_units,
        app_status=app.status,
        unit_status=unit.status,
        workload_version=unit.workload_version,
        opened_ports=unit.opened_ports,
    )
