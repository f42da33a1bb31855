"""The gateway-route-configurator charm: event wiring. Every change runs observe -> plan -> act."""

import logging

import ops
from charmlibs.interfaces.certificate_transfer import CertificateTransferRequires

from configurator.act import act
from configurator.observe import observe
from configurator.plan import CHARM, OWNED_KINDS, plan
from configurator.plan.backend_tls import CA_RELATION
from gateway_route.requirer import GatewayRouteRequirer
from ingress_v2.provider import IngressProvider
from kube_apply import try_connect
from reconcile.unit import leaving, remove_on_app_removal

logger = logging.getLogger(__name__)

INGRESS = "ingress"
GATEWAY_ROUTE = "gateway-route"


class GatewayRouteConfiguratorCharm(ops.CharmBase):
    """Owns one workload's Service and HTTPRoutes; publishes its URL once they are accepted."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.ingress = IngressProvider(self, INGRESS)
        self.gateway = GatewayRouteRequirer(self, GATEWAY_ROUTE)
        self.ca = CertificateTransferRequires(self, CA_RELATION)
        for event in (
            self.on.config_changed,
            self.on.upgrade_charm,
            self.on.leader_elected,
            self.on.update_status,
            self.on[INGRESS].relation_joined,
            self.on[INGRESS].relation_changed,
            self.on[INGRESS].relation_departed,
            self.on[INGRESS].relation_broken,
            self.on[GATEWAY_ROUTE].relation_joined,
            self.on[GATEWAY_ROUTE].relation_changed,
            self.on[GATEWAY_ROUTE].relation_broken,
            self.on[CA_RELATION].relation_changed,
            self.on[CA_RELATION].relation_broken,
        ):
            framework.observe(event, self._on_change)
        framework.observe(self.on.remove, self._on_remove)

    def _on_change(self, event: ops.EventBase) -> None:
        if leaving(self, event):
            return
        client = try_connect(self.app.name, self.model.name)
        observed = observe(self, (self.ingress, self.gateway, self.ca), client)
        act(self, plan(observed), observed, (self.ingress, self.gateway), client)

    def _on_remove(self, _: ops.RemoveEvent) -> None:
        remove_on_app_removal(self, CHARM, OWNED_KINDS)
