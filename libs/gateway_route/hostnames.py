"""Hostname validation shared by the wire models and both charms' config checks.

A hostname here is what a Gateway API listener and an HTTPRoute accept and what a certificate
can be issued for: a precise, lowercase RFC 1123 DNS name. Wildcards and IP addresses are
refused because each hostname gets its own listener and certificate.
"""

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator

MAX_HOSTNAME_LENGTH = 253
MAX_LABEL_LENGTH = 63

_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
_LABEL_CHARACTERS = re.compile(r"[a-z0-9-]*")
_ADDRESS_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def _is_ip_address(value: str) -> bool:
    if ":" in value:  # any IPv6 form, bracketed or not; ':' is never valid in a DNS name
        return True
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _label_problem(label: str) -> str | None:
    if not label:
        return "has an empty label (two dots in a row or a leading dot)"
    if len(label) > MAX_LABEL_LENGTH:
        return f"label '{label[:20]}...' is longer than {MAX_LABEL_LENGTH} characters"
    if not _LABEL_CHARACTERS.fullmatch(label):
        return f"label '{label}' may only contain a-z, 0-9 and '-' (use punycode for IDNs)"
    if not _LABEL.fullmatch(label):
        return f"label '{label}' must not start or end with '-'"
    return None


def validate_hostname(value: str) -> str:
    """Return `value` if it is a hostname a listener and a certificate can both carry.

    Raises:
        ValueError: with a reason a user can act on, without the value itself (callers add it).
    """
    if not value:
        raise ValueError("must not be empty")
    if "*" in value:
        raise ValueError("wildcards are not supported; list each hostname")
    if value.endswith("."):
        raise ValueError("must not end with a dot")
    if _is_ip_address(value):
        raise ValueError("is an IP address; a hostname is needed")
    if value != value.lower():
        raise ValueError("must be lowercase")
    if len(value) > MAX_HOSTNAME_LENGTH:
        raise ValueError(f"is longer than {MAX_HOSTNAME_LENGTH} characters")
    labels = value.split(".")
    if len(labels) < 2:
        raise ValueError("must have at least two labels (like app.example.com)")
    for label in labels:
        problem = _label_problem(label)
        if problem:
            raise ValueError(problem)
    if labels[-1].isdigit():
        # Dotted forms that ipaddress refuses ("010.0.0.1", "10.1") still read as addresses to
        # resolvers and browsers; RFC 3696 section 2 rules out an all-numeric top-level label.
        raise ValueError("last label is all digits, so it reads as an IP address")
    return value


def validate_address(value: str) -> str:
    """An IPv4/IPv6 address or a DNS name at which a Gateway is reached; else ValueError.

    Unlike a served hostname, a single-label DNS name is fine here (controllers report such
    names), but it must be usable as the host part of a URL as it is.
    """
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if len(value) > MAX_HOSTNAME_LENGTH or not _ADDRESS_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is neither an IP address nor a DNS name")
    return value


Hostname = Annotated[str, AfterValidator(validate_hostname)]
Address = Annotated[str, AfterValidator(validate_address)]
"""A `str` that passed `validate_hostname`, for pydantic models."""
