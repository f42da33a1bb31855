"""The gateway-route interface: gateway-route-configurator asks, gateway-api-integrator answers.

This package root holds only the pure parts (wire models, validation, encoding), so a charm's
plan can use them; the ops-side helpers are `gateway_route.provider` and
`gateway_route.requirer`. Reference: docs/reference/gateway-route.md.
"""

from gateway_route.databag import decode, encode
from gateway_route.errors import DataError
from gateway_route.hostnames import Address, Hostname, validate_address, validate_hostname
from gateway_route.models import (
    MAX_REQUESTED_HOSTNAMES,
    VERSION,
    Accepted,
    ParentRef,
    ProviderData,
    RefusalReason,
    Refused,
    RequirerData,
    Serving,
    ServingState,
)

__version__ = "1.1.0"

__all__ = [
    "MAX_REQUESTED_HOSTNAMES",
    "VERSION",
    "Accepted",
    "Address",
    "DataError",
    "Hostname",
    "ParentRef",
    "ProviderData",
    "RefusalReason",
    "Refused",
    "RequirerData",
    "Serving",
    "ServingState",
    "__version__",
    "decode",
    "encode",
    "validate_address",
    "validate_hostname",
]
