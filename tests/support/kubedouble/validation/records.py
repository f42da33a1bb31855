"""Value types the validation half hands to the server half (see the kubedouble contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResourceType:
    """One served kind at one API version, as discovery and URL routing need it."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    has_status: bool

    @property
    def api_version(self) -> str:
        """The `apiVersion` string objects of this type carry."""
        return f"{self.group}/{self.version}" if self.group else self.version


@dataclass(frozen=True)
class Admission:
    """Outcome of admitting one write: the object to store, or why it is refused."""

    obj: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """True when the API server would store the object."""
        return not self.errors


@dataclass(frozen=True)
class UnusableRule:
    """A CEL rule the double cannot evaluate, and why; listed so nothing is skipped silently."""

    api_version: str
    kind: str
    schema_path: str
    rule: str
    reason: str


@dataclass(frozen=True)
class KindCelCoverage:
    """CEL rule counts for one kind at one API version."""

    api_version: str
    kind: str
    found: int
    compiled: int
    evaluated: int


@dataclass(frozen=True)
class CelReport:
    """How many of the CRDs' CEL rules the double enforces."""

    kinds: list[KindCelCoverage]
    unusable: list[UnusableRule]

    @property
    def found(self) -> int:
        """Rules present in the schemas (counted once per kind and version)."""
        return sum(k.found for k in self.kinds)

    @property
    def compiled(self) -> int:
        """Rules that compiled and use only functions the double implements."""
        return sum(k.compiled for k in self.kinds)

    @property
    def evaluated(self) -> int:
        """Rules evaluated at least once in this process so far."""
        return sum(k.evaluated for k in self.kinds)

    def render(self) -> str:
        """A plain-text table for test output and docs."""
        lines = [f"{'apiVersion':<36} {'kind':<14} {'found':>6} {'compiled':>9} {'evaluated':>10}"]
        lines += [
            f"{k.api_version:<36} {k.kind:<14} {k.found:>6} {k.compiled:>9} {k.evaluated:>10}"
            for k in self.kinds
        ]
        lines.append(f"{'total':<51} {self.found:>6} {self.compiled:>9} {self.evaluated:>10}")
        lines += [
            f"UNUSABLE {u.api_version} {u.kind} {u.schema_path}: {u.reason}: {u.rule}"
            for u in self.unusable
        ]
        return "\n".join(lines)
