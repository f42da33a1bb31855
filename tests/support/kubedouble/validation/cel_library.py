"""Kubernetes CEL library functions that `celpy` lacks, written for the double.

The Gateway API CRDs need `split()` and (TLSRoute, v1.6) `isIP()`; the rest are the string and
list helpers other CRDs commonly use, so a CRD added to the folder has a fair chance of
working. A rule calling anything else is reported by `cel_report()`, never skipped silently.
"""

from __future__ import annotations

import ipaddress
import itertools
import urllib.parse
from collections.abc import Callable
from typing import Any

from celpy import celtypes
from celpy.evaluation import base_functions

# celpy macros and syntax that look like calls in rule text.
MACROS = frozenset({"has", "all", "exists", "exists_one", "map", "filter", "dyn"})


def _split(text: Any, sep: Any, limit: Any = None) -> celtypes.ListType:
    # CEL strings extension: n < 0 means no limit, n == 0 an empty list, n > 0 at most n parts.
    if limit is not None and int(limit) == 0:
        return celtypes.ListType([])
    maxsplit = -1 if limit is None or int(limit) < 0 else int(limit) - 1
    parts = str(text).split(str(sep), maxsplit) if sep else list(str(text))
    return celtypes.ListType([celtypes.StringType(p) for p in parts])


def _join(items: Any, sep: Any = "") -> celtypes.StringType:
    return celtypes.StringType(str(sep).join(str(i) for i in items))


def _lower_ascii(text: Any) -> celtypes.StringType:
    return celtypes.StringType("".join(c.lower() if c.isascii() else c for c in str(text)))


def _upper_ascii(text: Any) -> celtypes.StringType:
    return celtypes.StringType("".join(c.upper() if c.isascii() else c for c in str(text)))


def _trim(text: Any) -> celtypes.StringType:
    return celtypes.StringType(str(text).strip())


def _replace(text: Any, old: Any, new: Any, limit: Any = None) -> celtypes.StringType:
    count = -1 if limit is None else int(limit)
    return celtypes.StringType(str(text).replace(str(old), str(new), count))


def _index_of(target: Any, item: Any, start: Any = 0) -> celtypes.IntType:
    if isinstance(target, list):  # Kubernetes list library: first index of an element
        return celtypes.IntType(next((i for i, v in enumerate(target) if v == item), -1))
    return celtypes.IntType(str(target).find(str(item), int(start)))


def _last_index_of(target: Any, item: Any) -> celtypes.IntType:
    if isinstance(target, list):
        matches = [i for i, v in enumerate(target) if v == item]
        return celtypes.IntType(matches[-1] if matches else -1)
    return celtypes.IntType(str(target).rfind(str(item)))


def _substring(text: Any, start: Any, end: Any = None) -> celtypes.StringType:
    s = str(text)
    stop = len(s) if end is None else int(end)
    if not 0 <= int(start) <= stop <= len(s):
        raise IndexError(f"substring({start}, {end}) out of range for length {len(s)}")
    return celtypes.StringType(s[int(start) : stop])


def _char_at(text: Any, i: Any) -> celtypes.StringType:
    s = str(text)
    if not 0 <= int(i) <= len(s):
        raise IndexError(f"charAt({i}) out of range for length {len(s)}")
    return celtypes.StringType(s[int(i) : int(i) + 1])


def _is_url(text: Any) -> celtypes.BoolType:
    # Kubernetes isURL is Go's url.ParseRequestURI: an absolute URI or an absolute path.
    s = str(text)
    try:
        parts = urllib.parse.urlsplit(s)
    except ValueError:
        return celtypes.BoolType(False)
    ok = bool(parts.scheme) or s.startswith("/")
    return celtypes.BoolType(ok and " " not in s and "#" not in s)


def _is_ip(text: Any) -> celtypes.BoolType:
    # Kubernetes' IP library parses with Go's netip.ParseAddr and refuses a zone ("fe80::1%eth0");
    # both Go and Python refuse IPv4 octets with leading zeros.
    s = str(text)
    if "%" in s:
        return celtypes.BoolType(False)
    try:
        ipaddress.ip_address(s)
    except ValueError:
        return celtypes.BoolType(False)
    return celtypes.BoolType(True)


def _is_sorted(items: Any) -> celtypes.BoolType:
    values = list(items)
    return celtypes.BoolType(all(a <= b for a, b in itertools.pairwise(values)))


def _sum(items: Any) -> Any:
    values = list(items)
    total = values[0] if values else celtypes.IntType(0)
    for v in values[1:]:
        total = total + v
    return total


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "split": _split,
    "join": _join,
    "lowerAscii": _lower_ascii,
    "upperAscii": _upper_ascii,
    "trim": _trim,
    "replace": _replace,
    "indexOf": _index_of,
    "lastIndexOf": _last_index_of,
    "substring": _substring,
    "charAt": _char_at,
    "isURL": _is_url,
    "isIP": _is_ip,
    "isSorted": _is_sorted,
    "sum": _sum,
}

KNOWN_NAMES = frozenset(FUNCTIONS) | frozenset(base_functions) | MACROS
