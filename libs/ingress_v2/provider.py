"""The provider side of ingress v2, as plain read/write helpers for one reconcile.

Not an event emitter: the charm calls ``read()`` from its reconcile, decides, then calls
``publish_url()`` or ``wipe_url()``.
"""

import json
import logging
from urllib.parse import urlsplit

import ops

from ingress_v2.databags import parse_app_databag, parse_unit_databag
from ingress_v2.errors import IngressDataError
from ingress_v2.models import IngressRequest, UnitAddress

logger = logging.getLogger(__name__)

URL_KEY = "ingress"


class IngressProvider:
    """Reads what the workload asks for and writes back where it is reachable."""

    def __init__(self, charm: ops.CharmBase, relation_name: str = "ingress"):
        self._charm = charm
        self._relation_name = relation_name

    @property
    def relation(self) -> ops.Relation | None:
        """The ingress relation, or None when there is none (or it is being broken).

        The endpoint has ``limit: 1``, but Juju does not enforce limits: with more than one
        relation the oldest wins and the others are only logged.
        """
        # ops leaves a relation out of `model.relations` during its own relation-broken.
        relations = sorted(self._charm.model.relations[self._relation_name], key=lambda r: r.id)
        if len(relations) > 1:
            ignored = ", ".join(f"{r.name}:{r.id}" for r in relations[1:])
            logger.warning("endpoint %s has limit 1; ignoring %s", self._relation_name, ignored)
        return relations[0] if relations else None

    def read(self) -> IngressRequest | IngressDataError | None:
        """What the workload asks for; never raises on bad remote data.

        Returns:
            None when there is no relation or the workload's leader has written nothing yet;
            an IngressDataError for the first problem in the application databag (all of them
            are logged); otherwise the request, with unusable units listed apart.
        """
        relation = self.relation
        # On a dying relation the remote app can be None and its databag unreadable
        # (traefik-k8s#211, #676): treat it as gone.
        if relation is None or not relation.active or relation.app is None:
            return None
        label = f"{relation.name}:{relation.id}"
        try:
            app_raw = dict(relation.data[relation.app])
        except ops.ModelError as exc:
            logger.warning("relation %s: cannot read %s databag: %s", label, relation.app, exc)
            return None
        if not app_raw:
            return None
        app = parse_app_databag(app_raw, relation=label, databag=relation.app.name)
        if isinstance(app, list):
            for problem in app:
                logger.warning("bad ingress data: %s", problem.log_message)
            return app[0]

        units: list[UnitAddress] = []
        unit_problems: list[IngressDataError] = []
        for unit in sorted(relation.units, key=_unit_number):
            result = self._read_unit(relation, unit, label)
            if isinstance(result, UnitAddress):
                units.append(result)
            else:
                unit_problems.append(result)
        return IngressRequest(
            model=app.model,
            name=app.name,
            port=app.port,
            scheme=app.scheme,
            strip_prefix=app.strip_prefix,
            redirect_https=app.redirect_https,
            healthcheck_params=app.healthcheck_params,
            is_port_open=app.is_port_open,
            units=units,
            unit_problems=unit_problems,
        )

    def remote_model(self) -> str | None:
        """The workload's model UUID as Juju says (Juju 3.6.2+); None where it cannot.

        What the workload's `model` field claims is checked against this.
        """
        relation = self.relation
        if relation is None:
            return None
        try:
            return relation.remote_model.uuid
        except (ops.ModelError, KeyError, TypeError):  # Juju < 3.6.2 has no relation-model-get
            return None

    def publish_url(self, url: str) -> None:
        """Tell the workload where it is reachable (leader only; no write when unchanged).

        Raises:
            ValueError: if ``url`` is not an absolute http(s) URL; that is this charm's bug.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"ingress URL must be an absolute http(s) URL, got {url!r}")
        databag = self._own_databag()
        if databag is None:
            return
        value = json.dumps({"url": url})
        if databag.get(URL_KEY) != value:
            databag[URL_KEY] = value

    def published_url(self) -> str | None:
        """The URL we last published (leader only): what the workload may still be holding."""
        databag = self._own_databag()
        try:
            value = json.loads(databag.get(URL_KEY) or "null") if databag is not None else None
        except (ValueError, RecursionError):  # never raise on a databag, even our own
            return None
        url = value.get("url") if isinstance(value, dict) else None
        return url if isinstance(url, str) else None

    def wipe_url(self) -> None:
        """Withdraw the URL (leader only), so the workload stops advertising a dead address."""
        databag = self._own_databag()
        if databag is not None and URL_KEY in databag:
            del databag[URL_KEY]

    def _own_databag(self) -> ops.RelationDataContent | None:
        relation = self.relation
        if relation is None or not relation.active or not self._charm.unit.is_leader():
            return None
        return relation.data[self._charm.app]

    @staticmethod
    def _read_unit(
        relation: ops.Relation, unit: ops.Unit, label: str
    ) -> UnitAddress | IngressDataError:
        try:
            raw = dict(relation.data[unit])
        except ops.ModelError as exc:
            return IngressDataError(
                relation=label, databag=unit.name, key=None, reason=f"unreadable: {exc}"
            )
        return parse_unit_databag(raw, relation=label, unit=unit.name)


def _unit_number(unit: ops.Unit) -> int:
    number = unit.name.rpartition("/")[2]
    return int(number) if number.isdigit() else -1
