"""The gateway-route interface: gateway-route-configurator asks, gateway-api-integrator answers.

Reference: docs/reference/gateway-route.md.
"""

from gateway_route.databag import decode, encode
from gateway_route.errors import DataError
from gateway_route.hostnames import Address, Hostname, validate_address, validate_hostname
from gateway_route.models import (
    MAX_HOSTNAMES,
    VERSION,
    Accepted,
    ParentRef,
    ProviderData,
    RefusalReason,
    Refused,
    RequirerData,
)
from gateway_route.provider import GatewayRouteProvider, Request
from gateway_route.requirer import GatewayRouteRequirer

__version__ = "1.0.0"

__all__ = [
    "MAX_HOSTNAMES",
    "VERSION",
    "Accepted",
    "Address",
    "DataError",
    "GatewayRouteProvider",
    "GatewayRouteRequirer",
    "Hostname",
    "ParentRef",
    "ProviderData",
    "RefusalReason",
    "Refused",
    "Request",
    "RequirerData",
    "__version__",
    "decode",
    "encode",
    "validate_address",
    "validate_hostname",
]
