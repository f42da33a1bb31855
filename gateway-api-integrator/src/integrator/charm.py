"""The gateway-api-integrator charm class."""

import ops


class GatewayApiIntegratorCharm(ops.CharmBase):
    """Owns one Gateway; its reconcile arrives with the gateway-api-integrator issue."""
