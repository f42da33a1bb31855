"""Kubernetes names from Juju names: always valid, stable, and collision-free when truncated."""

from __future__ import annotations

import hashlib
import re

_DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_HASH_LEN = 8


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:_HASH_LEN]


def _squash(value: str) -> str:
    """Lowercase, with every run of characters outside [a-z0-9] turned into one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def dns1035_label(value: str, max_length: int = 63) -> str:
    """A DNS-1035 label (Service names) for `value`, at most max_length characters.

    A value that is already valid and short enough is returned unchanged. Anything else is
    squashed, cut, and suffixed with a hash of the *original* value, so two long names that share
    a prefix never map to the same result and the same input always gives the same name.
    """
    if len(value) <= max_length and _DNS1035.match(value):
        return value
    base = _squash(value)
    if not base or not base[0].isalpha():
        base = f"x-{base}".rstrip("-")
    keep = max_length - _HASH_LEN - 1
    return f"{base[:keep].rstrip('-')}-{_digest(value)}"


def dns1123_subdomain(value: str, max_length: int = 253) -> str:
    """A DNS-1123 subdomain (most object names, listener section names) for `value`."""
    labels = value.split(".")
    if len(value) <= max_length and all(
        len(label) <= 63 and _DNS1123_LABEL.match(label) for label in labels
    ):
        return value
    base = _squash(value) or "x"
    keep = min(max_length, 63) - _HASH_LEN - 1
    return f"{base[:keep].rstrip('-')}-{_digest(value)}"
