"""Apply desired objects and prune owned leftovers: the only place the charms write to the API.

Steady state costs one LIST per kind (shared with the observe step) and no writes: an owned
object is re-applied only when `kube_objects.needs_write` says so. A name that exists as
somebody else's object is never written: it is reported instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lightkube import ApiError, Client, codecs

from kube_apply.classify import API_ERRORS, classify
from kube_apply.listing import read_listing
from kube_apply.resources import ResourceType, kind_name
from kube_objects.desired import Key, describe, is_subset, key_of, prepare
from kube_objects.listing import Listing
from kube_objects.ownership import Owner


@dataclass
class SyncReport:
    """What one sync did, by object ("Kind namespace/name"); the charm logs and reports it."""

    applied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    not_owned: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        """Write requests this sync sent (applies and deletes)."""
        return len(self.applied) + len(self.deleted)

    def log(self, logger: logging.Logger) -> None:
        """One line per verb, naming the objects."""
        for verb, names in (("applied", self.applied), ("deleted", self.deleted)):
            if names:
                logger.info("%s %s", verb, ", ".join(names))
        if self.not_owned:
            logger.warning("not ours, left alone: %s", ", ".join(self.not_owned))


class Applier:
    """Server-side applies one owner's desired objects and prunes the rest of what it owns."""

    def __init__(self, client: Client, owner: Owner, field_manager: str | None = None):
        self.client = client
        self.owner = owner
        self.field_manager = field_manager or owner.application

    def sync(
        self,
        desired: Sequence[dict],
        kinds: Sequence[str | ResourceType],
        namespace: str,
        listing: Listing | None = None,
        owner_reference: dict[str, str] | None = None,
    ) -> SyncReport:
        """Make the owned objects of `kinds` in `namespace` exactly `desired`.

        `listing` is what the observe step read (listed here when not given). Objects are
        applied in the order given (so a Secret can precede the Gateway that refers to it),
        then owned objects no longer desired are deleted. Kinds the cluster does not serve are
        skipped. API failures are raised as `kube_objects` ApiFailures. `owner_reference`
        (the application's StatefulSet, see `kube_apply.removal`) goes on every object.
        """
        names = [kind_name(kind) for kind in kinds]
        stray = sorted({str(obj.get("kind")) for obj in desired} - set(names))
        if stray:
            raise ValueError(f"desired objects of kinds {stray} not covered by kinds={names}")
        try:
            listing = listing or read_listing(self.client, self.owner, kinds, namespace)
            if owner_reference is not None:
                desired = [_owned_by(obj, owner_reference) for obj in desired]
            return self._sync(desired, names, listing)
        except API_ERRORS as error:
            raise classify(error) from error

    def _sync(self, desired: Sequence[dict], kinds: list[str], listing: Listing) -> SyncReport:
        report = SyncReport()
        current: dict[Key, dict] = {
            key_of(obj): obj for kind in kinds for obj in listing.owned.get(kind, ())
        }
        wanted: set[Key] = set()
        for obj in desired:
            prepared = prepare(self.owner, obj)
            key = key_of(prepared)
            wanted.add(key)
            existing = current.get(key)
            if existing is None and listing.taken(key[0], key[2]):
                report.not_owned.append(describe(prepared))
            elif existing is not None and is_subset(prepared, existing):
                report.unchanged.append(describe(prepared))
            else:
                resource = codecs.from_dict(prepared)
                self.client.apply(resource, field_manager=self.field_manager, force=True)
                report.applied.append(describe(prepared))
        for key, obj in current.items():
            if key not in wanted:
                self._delete(obj)
                report.deleted.append(describe(obj))
        return report

    def delete(self, obj: dict) -> None:
        """Delete one object we own (already gone is fine); failures raised as ApiFailures."""
        try:
            self._delete(obj)
        except API_ERRORS as error:
            raise classify(error) from error

    def _delete(self, obj: dict) -> None:
        meta = obj["metadata"]
        kind = str(obj.get("kind"))
        if not (self.owner.owns(meta.get("labels")) or self.owner.adoptable(kind, obj)):
            raise ValueError(f"refusing to delete {describe(obj)}: not owned by {self.owner}")
        resource: Any = type(codecs.from_dict(obj))
        try:
            self.client.delete(resource, meta["name"], namespace=meta.get("namespace"))
        except ApiError as error:
            if error.status.code != 404:  # already gone is what we wanted
                raise


def _owned_by(obj: dict, reference: dict[str, str]) -> dict:
    """A copy of `obj` naming `reference` as its only owner."""
    metadata = {**(obj.get("metadata") or {}), "ownerReferences": [dict(reference)]}
    return {**obj, "metadata": metadata}
