"""The gateway-route-configurator charm class."""

import ops


class GatewayRouteConfiguratorCharm(ops.CharmBase):
    """Owns one workload's Service and HTTPRoute; its reconcile arrives with its own issue."""
