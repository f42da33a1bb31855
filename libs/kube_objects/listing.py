"""What one LIST per kind found in a namespace: our objects, and the names others hold.

Filled by `kube_apply.listing.read_listing` during a charm's observe step, read by its plan.
Listing every object of a kind (not only ours) costs the same one request and tells which names
are taken by somebody else, so no object needs a GET of its own before it is created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType


@dataclass(frozen=True)
class Listing:
    """Objects by kind name (`Gateway`, `Secret`, ...) in one namespace (None: cluster-wide)."""

    namespace: str | None
    owned: Mapping[str, tuple[dict, ...]] = field(default_factory=dict)
    """Our objects (every ownership label matches), as the API server returned them."""
    foreign: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Names of objects of each kind that exist here and are not ours."""
    unserved: frozenset[str] = frozenset()
    """Kinds listed whose API the cluster does not serve (the LIST answered 404: no CRD)."""
    selectors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The pod selector of each Service that is not ours, by name. Juju's own `<app>`
    Service selects the application's pods by the labels they really carry (models made by
    older Juju label them `juju-app`, newer ones `app.kubernetes.io/name`)."""

    def serves(self, kind: str) -> bool:
        """Whether the cluster serves `kind` (as far as this listing asked)."""
        return kind not in self.unserved

    def of(self, kind: str) -> Mapping[str, dict]:
        """Our objects of `kind`, by name (indexed once per listing: plans look up per tenant)."""
        return self._by_name.get(kind, _EMPTY)

    @cached_property
    def _by_name(self) -> dict[str, Mapping[str, dict]]:
        return {
            kind: MappingProxyType({obj["metadata"]["name"]: obj for obj in objects})
            for kind, objects in self.owned.items()
        }

    def taken(self, kind: str, name: str) -> bool:
        """Whether `name` exists as an object of `kind` that is not ours."""
        return name in self.foreign.get(kind, frozenset())


_EMPTY: Mapping[str, dict] = MappingProxyType({})
