#!/usr/bin/env python3
"""Juju runs this file for every event; the charm itself lives in the integrator package."""

import ops

from integrator.charm import GatewayApiIntegratorCharm

if __name__ == "__main__":  # pragma: nocover
    ops.main(GatewayApiIntegratorCharm)
