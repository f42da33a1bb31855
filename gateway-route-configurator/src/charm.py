#!/usr/bin/env python3
"""Juju runs this file for every event; the charm itself lives in the configurator package."""

import ops

from configurator.charm import GatewayRouteConfiguratorCharm

if __name__ == "__main__":  # pragma: nocover
    ops.main(GatewayRouteConfiguratorCharm)
