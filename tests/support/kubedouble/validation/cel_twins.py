"""Native twins of the CRDs' pairwise-uniqueness rules.

`self.all(l1, self.exists_one(l2, ...))` costs n² interpreted evaluations: about 2 s in `celpy`
for a Gateway's 64 listeners. For the few rules of that shape on lists that can be long, a
Python function gives the same answer in linear time. Each twin is checked against `celpy` on
generated lists by the double's tests; a twin that cannot decide (a field missing, so CEL would
raise) returns None and `celpy` evaluates the rule instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any

_ABSENT = object()

Twin = Callable[[Any], bool | None]


def _all_unique(keys: Sequence[Hashable] | None) -> bool | None:
    if keys is None:
        return None
    return all(n == 1 for n in Counter(keys).values())


def _fields(item: Any, *names: str) -> tuple[Any, ...] | None:
    if not isinstance(item, dict) or any(n not in item for n in names):
        return None
    return tuple(item[n] for n in names)


def _listener_names(listeners: Any) -> bool | None:
    keys = [_fields(item, "name") for item in listeners]
    return _all_unique(None if None in keys else keys)


def _listener_endpoints(listeners: Any) -> bool | None:
    # has(hostname) on both ? equal : both absent -> the absent hostname is its own key value.
    keys = []
    for item in listeners:
        pair = _fields(item, "port", "protocol")
        if pair is None:
            return None
        keys.append((*pair, item.get("hostname", _ABSENT)))
    return _all_unique(keys)


def _listenerset_endpoints(listeners: Any) -> bool | None:
    # Listeners without a port are exempt (and never match another listener).
    keys = []
    for item in listeners:
        if not isinstance(item, dict) or "port" not in item:
            continue
        if "protocol" not in item:
            return None
        keys.append((item["port"], item["protocol"], item.get("hostname", _ABSENT)))
    return _all_unique(keys)


def normalized(rule: str) -> str:
    """Rule text with whitespace runs collapsed, so YAML line folding does not matter."""
    return " ".join(rule.split())


TWINS: dict[str, Twin] = {
    "self.all(l1, self.exists_one(l2, l1.name == l2.name))": _listener_names,
    "self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol && "
    "(has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) "
    "&& !has(l2.hostname))))": _listener_endpoints,
    "self.all(l1, !has(l1.port) || self.exists_one(l2, has(l2.port) && l1.port == l2.port && "
    "l1.protocol == l2.protocol && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == "
    "l2.hostname : !has(l1.hostname) && !has(l2.hostname))))": _listenerset_endpoints,
}
