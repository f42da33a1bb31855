"""A minimal provider charm for driving IngressProvider through ops.testing."""

import ops
import pytest
from ops import testing

from ingress_v2 import IngressDataError, IngressRequest
from ingress_v2.provider import IngressProvider

META = {
    "name": "gateway-route-configurator",
    "provides": {"ingress": {"interface": "ingress", "limit": 1}},
}


class ProviderCharm(ops.CharmBase):
    """Reads the relation on every relation event, as a reconcile would."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.ingress = IngressProvider(self)
        self.seen: IngressRequest | IngressDataError | None = None
        framework.observe(self.on["ingress"].relation_changed, self._on_changed)
        framework.observe(self.on["ingress"].relation_broken, self._on_broken)

    def _on_changed(self, _: ops.EventBase) -> None:
        self.seen = self.ingress.read()

    def _on_broken(self, _: ops.EventBase) -> None:
        self.seen = self.ingress.read()
        self.ingress.wipe_url()


@pytest.fixture
def ctx() -> testing.Context[ProviderCharm]:
    return testing.Context(ProviderCharm, meta=META)
