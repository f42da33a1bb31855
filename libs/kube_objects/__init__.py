"""Kubernetes and Gateway API objects as plain data: names, limits, ownership, API failures.

A leaf: it imports nothing but the standard library, so each charm's pure plan can use it.
The I/O that reads and writes these objects is `kube_apply`.
"""

from kube_objects.desired import APPLIED_HASH, describe, is_subset, key_of, needs_write, prepare
from kube_objects.failures import (
    ApiFailure,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unavailable,
    by_code,
)
from kube_objects.kinds import API_VERSION, FEATURE_BACKEND_TLS, FEATURE_LISTENER_SET, GROUP
from kube_objects.limits import MAX_LISTENERS, MAX_PARENT_REFS, MAX_ROUTE_HOSTNAMES, MAX_RULES
from kube_objects.listing import Listing
from kube_objects.names import dns1035_label, dns1123_subdomain
from kube_objects.ownership import Adoption, Owner

__all__ = [
    "API_VERSION",
    "APPLIED_HASH",
    "FEATURE_BACKEND_TLS",
    "FEATURE_LISTENER_SET",
    "GROUP",
    "MAX_LISTENERS",
    "MAX_PARENT_REFS",
    "MAX_ROUTE_HOSTNAMES",
    "MAX_RULES",
    "Adoption",
    "ApiFailure",
    "Conflict",
    "Forbidden",
    "Invalid",
    "Listing",
    "NotFound",
    "Owner",
    "Unavailable",
    "by_code",
    "describe",
    "dns1035_label",
    "dns1123_subdomain",
    "is_subset",
    "key_of",
    "needs_write",
    "prepare",
]
