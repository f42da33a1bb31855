"""Who owns an object: the labels every object we create carries, and the check that proves it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MANAGED_BY = "app.kubernetes.io/managed-by"
APPLICATION = "gateway-api.juju.is/application"
MODEL = "gateway-api.juju.is/model"


@dataclass(frozen=True)
class Owner:
    """One Juju application of one charm; the unit of ownership for Kubernetes objects.

    The model is part of the identity because two models may run applications of the same name
    against one cluster (a Gateway in `infra` and one in `shop` must never prune each other).
    """

    charm: str
    application: str
    model: str
    adopts: tuple[str, str] | None = None
    """(label, value) with which a predecessor charm of this same application marked what it
    made (Canonical's gateway-api-integrator: `<charm>.charm.juju.is/managed-by=<app>`). Such
    objects in our namespace are ours by succession: taken over and relabelled at our first
    apply. Never set by anything a peer sends: the application's own name is the value."""

    @property
    def labels(self) -> dict[str, str]:
        """Labels stamped on every object this owner creates; also the prune selector."""
        return {MANAGED_BY: self.charm, APPLICATION: self.application, MODEL: self.model}

    def owns(self, labels: Mapping[str, str] | None) -> bool:
        """True when an object's labels prove it is ours (all three must match)."""
        if not labels:
            return False
        return all(labels.get(key) == value for key, value in self.labels.items())

    def adoptable(self, labels: Mapping[str, str] | None) -> bool:
        """True for a predecessor's object not yet relabelled (no managed-by of anyone's)."""
        if self.adopts is None or not labels or MANAGED_BY in labels:
            return False
        key, value = self.adopts
        return labels.get(key) == value

    def inherited(self, labels: Mapping[str, str] | None) -> bool:
        """True for an object a predecessor made, relabelled or not."""
        if self.adopts is None or not labels:
            return False
        key, value = self.adopts
        return labels.get(key) == value and (self.owns(labels) or MANAGED_BY not in labels)

    def stamp(self, obj: dict) -> dict:
        """A copy of a desired object with the ownership labels merged into its metadata."""
        metadata = dict(obj.get("metadata") or {})
        metadata["labels"] = {**(metadata.get("labels") or {}), **self.labels}
        return {**obj, "metadata": metadata}
