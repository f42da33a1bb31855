"""Juju secrets as the controller keeps them: one record per secret, shown per unit.

ops.testing keeps secrets inside each unit's State. Juju keeps one copy in the controller: an
app-owned secret is the same secret for every unit of the app, a new revision made by one unit is
what every other unit peeks next, and a grant on a relation makes it readable on the other side.
This store holds that single copy and renders what one unit may see before each event.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from ops import SecretRotate, testing


@dataclasses.dataclass
class SecretRecord:
    """One secret as the controller holds it."""

    id: str
    owner_app: str
    owner_unit: str | None  # set for unit-owned secrets
    revisions: dict[int, dict[str, str]]
    latest: int
    label: str | None = None  # the owner's label
    description: str | None = None
    expire: datetime.datetime | None = None
    rotate: SecretRotate | None = None
    grants: dict[int, set[str]] = dataclasses.field(default_factory=dict)  # relation -> grantees
    tracked: dict[str, int] = dataclasses.field(default_factory=dict)  # unit -> revision it reads
    consumer_labels: dict[str, str] = dataclasses.field(default_factory=dict)

    def owned_by(self, unit: str, app: str) -> bool:
        """True when `unit` may manage this secret (subject to leadership for app secrets)."""
        if self.owner_unit is not None:
            return self.owner_unit == unit
        return self.owner_app == app

    def granted_to(self, unit: str, app: str) -> bool:
        """True when a grant on a live relation names this unit or its app."""
        return any(unit in who or app in who for who in self.grants.values())


# ops-scenario 8.9 keeps revision numbers in private attributes of testing.Secret (they are not
# constructor arguments). Setting them is the only way to carry a revision number from one event
# to the next; tests in tests/modelsim/ fail loudly if a later ops-scenario renames them.
_TRACKED = "_tracked_revision"
_LATEST = "_latest_revision"


class SecretStore:
    """The controller's secrets, rendered per unit and updated from each event's output."""

    def __init__(self) -> None:
        self.records: dict[str, SecretRecord] = {}

    def visible_to(self, unit: str, app: str) -> list[testing.Secret]:
        """Secrets `unit` can read, as ops.testing expects them in State.secrets."""
        shown: list[testing.Secret] = []
        for record in self.records.values():
            owner = record.owned_by(unit, app)
            if not owner and not (record.owner_unit is None and record.granted_to(unit, app)):
                continue
            # A consumer pins the revision current when it first sees the secret.
            tracked = record.tracked.setdefault(unit, record.latest)
            secret = testing.Secret(
                dict(record.revisions[tracked]),
                latest_content=dict(record.revisions[record.latest]),
                id=record.id,
                owner=("unit" if record.owner_unit else "app") if owner else None,
                remote_grants={rid: frozenset(who) for rid, who in record.grants.items()}
                if owner
                else {},
                label=record.label if owner else record.consumer_labels.get(unit),
                description=record.description,
                expire=record.expire,
                rotate=record.rotate,
            )
            object.__setattr__(secret, _TRACKED, tracked)
            object.__setattr__(secret, _LATEST, record.latest)
            shown.append(secret)
        return shown

    def absorb(
        self, unit: str, app: str, shown: Iterable[str], after: Iterable[testing.Secret]
    ) -> list[str]:
        """Take one event's output secrets back; return ids that got a new revision."""
        after_by_id = {secret.id: secret for secret in after}
        for secret_id in set(shown) - after_by_id.keys():
            record = self.records.get(secret_id)
            if record is not None and record.owned_by(unit, app):
                del self.records[secret_id]  # secret-remove of all revisions
        new_revisions: list[str] = []
        for secret in after_by_id.values():
            record = self.records.get(secret.id)
            if record is None:
                self._add(unit, app, secret)
                continue
            if record.owned_by(unit, app):
                if dict(secret.latest_content) != record.revisions[record.latest]:
                    record.latest += 1
                    record.revisions[record.latest] = dict(secret.latest_content)
                    new_revisions.append(record.id)
                record.label = secret.label
                record.description = secret.description
                record.expire = secret.expire
                record.rotate = secret.rotate
                record.grants = {rid: set(who) for rid, who in secret.remote_grants.items()}
            elif secret.label:
                record.consumer_labels[unit] = secret.label
            if getattr(secret, _TRACKED) == getattr(secret, _LATEST):
                record.tracked[unit] = record.latest  # secret-get --refresh
        return new_revisions

    def consumers(self, secret_id: str, units: Iterable[tuple[str, str]]) -> list[str]:
        """Units (of the given unit/app pairs) that read the secret without owning it."""
        record = self.records.get(secret_id)
        if record is None:
            return []
        return [
            unit
            for unit, app in units
            if not record.owned_by(unit, app)
            and record.owner_unit is None
            and record.granted_to(unit, app)
        ]

    def forget_relation(self, relation_id: int) -> None:
        """Juju revokes every grant made on a relation when it is removed."""
        for record in self.records.values():
            record.grants.pop(relation_id, None)

    def forget_unit(self, unit: str) -> None:
        """A removed unit's own secrets go with it."""
        for secret_id, record in list(self.records.items()):
            if record.owner_unit == unit:
                del self.records[secret_id]
            record.tracked.pop(unit, None)
            record.consumer_labels.pop(unit, None)

    def forget_app(self, app: str) -> None:
        """A removed application's secrets go with it."""
        for secret_id, record in list(self.records.items()):
            if record.owner_app == app:
                del self.records[secret_id]

    def _add(self, unit: str, app: str, secret: testing.Secret) -> None:
        revisions = {1: dict(secret.tracked_content)}
        if dict(secret.latest_content) != revisions[1]:
            revisions[2] = dict(secret.latest_content)
        latest = max(revisions)
        same = getattr(secret, _TRACKED) == getattr(secret, _LATEST)
        self.records[secret.id] = SecretRecord(
            id=secret.id,
            owner_app=app,
            owner_unit=unit if secret.owner == "unit" else None,
            revisions=revisions,
            latest=latest,
            label=secret.label,
            description=secret.description,
            expire=secret.expire,
            rotate=secret.rotate,
            grants={rid: set(who) for rid, who in secret.remote_grants.items()},
            tracked={unit: latest if same else 1},
        )
