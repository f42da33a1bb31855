"""Kubernetes name and label syntax, as apimachinery's validation package checks it.

Each check returns a list of error details (empty when valid); callers prefix the field path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_IANA_SVC_NAME = re.compile(r"^[-a-z0-9]+$")
_HAS_LETTER = re.compile(r"[a-z]")

LABEL_MAX = 63
SUBDOMAIN_MAX = 253
IANA_SVC_NAME_MAX = 15


def dns1123_label(value: str) -> list[str]:
    """Lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63."""
    errors = []
    if len(value) > LABEL_MAX:
        errors.append(f"must be no more than {LABEL_MAX} characters")
    if not _DNS1123_LABEL.match(value):
        errors.append(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character"
        )
    return errors


def dns1123_subdomain(value: str) -> list[str]:
    """Dot-separated DNS-1123 labels, at most 253 characters in total."""
    errors = []
    if len(value) > SUBDOMAIN_MAX:
        errors.append(f"must be no more than {SUBDOMAIN_MAX} characters")
    if not _DNS1123_SUBDOMAIN.match(value):
        errors.append(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character"
        )
    return errors


def dns1035_label(value: str) -> list[str]:
    """Like a DNS-1123 label but starting with a letter (Service names)."""
    errors = []
    if len(value) > LABEL_MAX:
        errors.append(f"must be no more than {LABEL_MAX} characters")
    if not _DNS1035_LABEL.match(value):
        errors.append(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
            "with an alphabetic character, and end with an alphanumeric character"
        )
    return errors


def qualified_name(value: str) -> list[str]:
    """Label/annotation keys: an optional DNS subdomain prefix and '/', then a name <= 63."""
    prefix, slash, name = value.rpartition("/")
    errors: list[str] = []
    if slash:
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors += [f"prefix part {e}" for e in dns1123_subdomain(prefix)]
    if not name:
        errors.append("name part must be non-empty")
        return errors
    if len(name) > LABEL_MAX:
        errors.append(f"name part must be no more than {LABEL_MAX} characters")
    if not _QUALIFIED_NAME.match(name):
        errors.append(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
            "and end with an alphanumeric character"
        )
    return errors


def label_value(value: str) -> list[str]:
    """Empty, or at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric."""
    errors = []
    if len(value) > LABEL_MAX:
        errors.append(f"must be no more than {LABEL_MAX} characters")
    if not _LABEL_VALUE.match(value):
        errors.append(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character"
        )
    return errors


def iana_svc_name(value: str) -> list[str]:
    """A named port (RFC 6335): <= 15 of a-z, 0-9 and '-', a letter, no '--' or edge '-'."""
    errors = []
    if len(value) > IANA_SVC_NAME_MAX:
        errors.append(f"must be no more than {IANA_SVC_NAME_MAX} characters")
    if not _IANA_SVC_NAME.match(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if not _HAS_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def metadata_errors(metadata: Any, name_check: Any) -> list[str]:
    """The ObjectMeta checks every kind gets: name present and well-formed, labels, annotations.

    `name_check` is one of the functions above (the kind decides which).
    """
    if not isinstance(metadata, Mapping):
        return ["metadata: Required value"]
    errors: list[str] = []
    name = metadata.get("name")
    if not name:
        errors.append("metadata.name: Required value: name or generateName is required")
    elif not isinstance(name, str):
        errors.append(f"metadata.name: Invalid value: {name!r}: must be a string")
    else:
        errors += [f'metadata.name: Invalid value: "{name}": {e}' for e in name_check(name)]
    labels = metadata.get("labels") or {}
    if isinstance(labels, Mapping):
        for key, value in labels.items():
            errors += [
                f'metadata.labels: Invalid value: "{key}": {e}' for e in qualified_name(key)
            ]
            if not isinstance(value, str):
                errors.append(
                    f"metadata.labels[{key}]: Invalid value: {value!r}: must be a string"
                )
            else:
                errors += [
                    f'metadata.labels: Invalid value: "{value}": {e}' for e in label_value(value)
                ]
    else:
        errors.append("metadata.labels: Invalid value: must be a map of strings")
    annotations = metadata.get("annotations") or {}
    if isinstance(annotations, Mapping):
        for key in annotations:
            errors += [
                f'metadata.annotations: Invalid value: "{key}": {e}' for e in qualified_name(key)
            ]
    else:
        errors.append("metadata.annotations: Invalid value: must be a map of strings")
    return errors
