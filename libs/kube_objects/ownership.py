"""Who owns an object: the labels every object we create carries, and the check that proves it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

MANAGED_BY = "app.kubernetes.io/managed-by"
APPLICATION = "gateway-api.juju.is/application"
MODEL = "gateway-api.juju.is/model"


@dataclass(frozen=True)
class Adoption:
    """How a predecessor charm of this same application marked what it made, and its names.

    An object is the predecessor's when it carries `label` = `value` (the application's own
    name, never anything a peer sends), no `managed-by` of anyone's, and a name the predecessor
    gives objects of its kind (fnmatch patterns): a label anyone with write access to the
    namespace could add is not enough on its own.
    """

    label: str
    value: str
    names: tuple[tuple[str, str], ...]
    """(kind, name pattern) pairs."""

    def marks(self, kind: str, obj: Mapping) -> bool:
        """True when `obj`, of `kind`, carries the predecessor's label under one of its names."""
        metadata = obj.get("metadata") or {}
        labels = metadata.get("labels") or {}
        name = str(metadata.get("name") or "")
        if labels.get(self.label) != self.value:
            return False
        return any(k == kind and fnmatchcase(name, pattern) for k, pattern in self.names)


@dataclass(frozen=True)
class Owner:
    """One Juju application of one charm; the unit of ownership for Kubernetes objects.

    The model is part of the identity because two models may run applications of the same name
    against one cluster (a Gateway in `infra` and one in `shop` must never prune each other).
    """

    charm: str
    application: str
    model: str
    adopts: Adoption | None = None
    """What a predecessor charm of this same application made (Canonical's
    gateway-api-integrator). Such objects in our namespace are ours by succession: taken over
    and relabelled at our first apply."""

    @property
    def labels(self) -> dict[str, str]:
        """Labels stamped on every object this owner creates; also the prune selector."""
        return {MANAGED_BY: self.charm, APPLICATION: self.application, MODEL: self.model}

    def owns(self, labels: Mapping[str, str] | None) -> bool:
        """True when an object's labels prove it is ours (all three must match)."""
        if not labels:
            return False
        return all(labels.get(key) == value for key, value in self.labels.items())

    def adoptable(self, kind: str, obj: Mapping) -> bool:
        """True for a predecessor's object not yet relabelled (no managed-by of anyone's)."""
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if self.adopts is None or MANAGED_BY in labels:
            return False
        return self.adopts.marks(kind, obj)

    def inherited(self, kind: str, obj: Mapping) -> bool:
        """True for an object a predecessor made, relabelled by us or not."""
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if self.adopts is None or not (self.owns(labels) or MANAGED_BY not in labels):
            return False
        return self.adopts.marks(kind, obj)

    def stamp(self, obj: dict) -> dict:
        """A copy of a desired object with the ownership labels merged into its metadata."""
        metadata = dict(obj.get("metadata") or {})
        metadata["labels"] = {**(metadata.get("labels") or {}), **self.labels}
        return {**obj, "metadata": metadata}
