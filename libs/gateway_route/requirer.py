"""The configurator's side: ask for hostnames, read the gateway's answer."""

import ops

from gateway_route.databag import decode, encode
from gateway_route.dialect import canonical_provider
from gateway_route.errors import DataError
from gateway_route.models import ProviderData, RequirerData
from gateway_route.relation_data import clear, remote_app_databag, write_changed


class GatewayRouteRequirer:
    """Read/write helpers for the charm's reconcile; emits no events of its own."""

    def __init__(self, charm: ops.CharmBase, relation_name: str = "gateway-route") -> None:
        self._charm = charm
        self._relation_name = relation_name

    @property
    def relation(self) -> ops.Relation | None:
        """The gateway-route relation, unless there is none or it is being broken."""
        # ops leaves the relation being broken out of model.relations.
        relations = self._charm.model.relations[self._relation_name]
        return relations[0] if relations else None

    def request(self, data: RequirerData) -> None:
        """Publish our request (leader only; unchanged keys are not rewritten)."""
        relation = self.relation
        if relation is not None:
            write_changed(self._charm, relation, encode(data))

    def answer(self) -> ProviderData | DataError | None:
        """The gateway's answer; None when there is no relation or it wrote nothing yet."""
        relation = self.relation
        if relation is None:
            return None
        databag = remote_app_databag(relation)
        if databag is None:
            return None
        return decode(ProviderData, databag)

    def dialect(self) -> str | None:
        """Which other dialect of the interface the gateway speaks, if it writes one."""
        relation = self.relation
        databag = remote_app_databag(relation) if relation is not None else None
        return canonical_provider(databag)

    def withdraw(self) -> None:
        """Remove our request (leader only), so the gateway stops serving it."""
        relation = self.relation
        if relation is not None:
            clear(self._charm, relation, list(RequirerData.model_fields))
