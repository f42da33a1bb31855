"""gateway-route-configurator: a workload's Service and HTTPRoute, reconciled from relations."""
