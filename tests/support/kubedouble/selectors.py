"""Label selectors: the query-string grammar and the structured `LabelSelector` object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubedouble.errors import ApiFailure

# Operators of the string grammar, longest first so "==" is not read as "=".
_BINARY = re.compile(r"^\s*(!?[A-Za-z0-9_./-]+)\s*(==|!=|=)\s*([A-Za-z0-9_.-]*)\s*$")
_SET = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s+(in|notin)\s*\((.*)\)\s*$")
_EXISTS = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*$")


@dataclass(frozen=True)
class Requirement:
    """One term of a selector; `op` is one of In, NotIn, Exists, DoesNotExist."""

    key: str
    op: str
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether `labels` satisfy this term (absent keys satisfy NotIn, as in kube)."""
        if self.op == "Exists":
            return self.key in labels
        if self.op == "DoesNotExist":
            return self.key not in labels
        if self.op == "In":
            return self.key in labels and labels[self.key] in self.values
        return self.key not in labels or labels[self.key] not in self.values


Selector = tuple[Requirement, ...]


def parse(text: str | None) -> Selector:
    """Parse a `labelSelector` query value; raise 400 BadRequest for bad syntax."""
    if not text:
        return ()
    return tuple(_term(term) for term in _split_terms(text))


def matches(selector: Selector, labels: Mapping[str, str] | None) -> bool:
    """Whether every term of `selector` holds for `labels`."""
    labels = labels or {}
    return all(req.matches(labels) for req in selector)


def from_label_selector(obj: Mapping[str, Any] | None) -> Selector:
    """Build a selector from a `metav1.LabelSelector` (`matchLabels` + `matchExpressions`)."""
    if not obj:
        return ()
    reqs = [
        Requirement(key, "In", frozenset([str(value)]))
        for key, value in (obj.get("matchLabels") or {}).items()
    ]
    reqs += [
        Requirement(expr["key"], expr["operator"], frozenset(expr.get("values") or ()))
        for expr in obj.get("matchExpressions") or ()
    ]
    return tuple(reqs)


def _split_terms(text: str) -> list[str]:
    # Commas separate terms, except inside the parentheses of `in (a,b)`.
    terms, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    terms.append(current)
    return [term for term in terms if term.strip()] or [text]


def _term(term: str) -> Requirement:
    if found := _SET.match(term):
        key, op, values = found.groups()
        items = frozenset(value.strip() for value in values.split(",") if value.strip())
        return Requirement(key, "In" if op == "in" else "NotIn", items)
    if found := _BINARY.match(term):
        key, op, value = found.groups()
        if not key.startswith("!"):
            return Requirement(key, "NotIn" if op == "!=" else "In", frozenset([value]))
    if found := _EXISTS.match(term):
        bang, key = found.groups()
        return Requirement(key, "DoesNotExist" if bang else "Exists")
    raise ApiFailure(400, f"unable to parse requirement: invalid label selector term {term!r}")
