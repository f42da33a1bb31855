"""The gateway-route-configurator charm: every event runs the same reconcile."""

import logging

import ops
from lightkube import ApiError
from lightkube.resources.core_v1 import Service

from configurator import kube, status
from configurator.config import ConfigError, parse_config
from configurator.desired import desired_objects, routes
from configurator.route_status import route_health
from configurator.state import RouteState, gateway_request, route_state
from gateway_route import DataError, GatewayRouteRequirer, ProviderData
from ingress_v2 import IngressDataError, IngressProvider, IngressRequest
from kube_apply import classify, connect
from kube_apply.errors import API_ERRORS

logger = logging.getLogger(__name__)

INGRESS = "ingress"
GATEWAY_ROUTE = "gateway-route"
_KUBE_ERRORS = (*API_ERRORS, ApiError)


class GatewayRouteConfiguratorCharm(ops.CharmBase):
    """Owns one workload's Service and HTTPRoutes; publishes its URL once they are accepted."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.ingress = IngressProvider(self, INGRESS)
        self.gateway = GatewayRouteRequirer(self, GATEWAY_ROUTE)
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
        ):
            framework.observe(event, self._reconcile)
        framework.observe(self.on.remove, self._on_remove)

    def _reconcile(self, _event: ops.EventBase) -> None:
        self.unit.status = self._reconciled()

    def _reconciled(self) -> ops.StatusBase:
        """Bring Kubernetes and both relations in line; return the status to show."""
        if not self.unit.is_leader():
            return status.STANDBY
        config = parse_config(self.config)
        if isinstance(config, ConfigError):
            # Keep serving what was configured before: a typo must not take the site down.
            logger.warning("invalid configuration: %s", config)
            return ops.BlockedStatus(str(config))

        request = self._workload_request()
        if isinstance(request, ops.StatusBase):
            return request

        self.gateway.request(gateway_request(config, request, self.model.name))
        answer = self.gateway.answer()
        if isinstance(answer, DataError):
            # A gateway upgraded ahead of us, or one bad field: routes and URL stay as they are
            # rather than every tenant going offline at once.
            logger.warning("bad gateway-route data: %s", answer)
            return ops.BlockedStatus(str(answer))
        state = route_state(config, request, answer, self.model.name)
        return self._serve(state, answer)

    def _publish(self, url: str) -> None:
        try:
            self.ingress.publish_url(url)
        except ValueError as error:  # a URL the workload could not use: better none at all
            logger.error("not publishing %r: %s", url, error)
            self.ingress.wipe_url()

    def _workload_request(self) -> IngressRequest | ops.StatusBase:
        """The workload's request, or the status saying why there is none to serve."""
        request = self.ingress.read()
        if isinstance(request, IngressDataError):
            # Like a config typo: say what is wrong, but keep serving what was served before.
            logger.warning("invalid ingress data: %s", request.log_message)
            return ops.BlockedStatus(str(request))
        if request is None:
            return self._withdraw(self._no_request_status())
        if request.model != self.model.name:
            return self._withdraw(
                status.wrong_model(request.name, request.model, self.model.name, self.app.name)
            )
        for problem in request.unit_problems:
            logger.info("ingress unit skipped: %s", problem.log_message)
        if request.healthcheck_params is not None:
            logger.debug(
                "healthcheck_params %s accepted but not applied: standard Gateway API has no "
                "backend health check",
                request.healthcheck_params.model_dump(),
            )
        return request

    def _serve(self, state: RouteState, answer: ProviderData | None) -> ops.StatusBase:
        desired = desired_objects(state)
        wanted_routes = routes(state)
        try:
            client = connect(self.app.name, self.model.name)
            applier = kube.applier(client, kube.owner(self.app.name, self.model.name))
            tls_served = kube.backend_tls_served(applier, self.model.name)
            blocked_by_tls = state.scheme == "https" and not tls_served
            if blocked_by_tls:
                desired = [obj for obj in desired if obj["kind"] == "Service"]
                wanted_routes = []
            foreign: list[str] = []
            if state.own_service and kube.taken_by_others(
                applier, Service, state.service, self.model.name
            ):
                # Our routes would send this workload's traffic to somebody else's pods.
                foreign.append(f"Service {self.model.name}/{state.service}")
                desired, wanted_routes = [], []
            result = kube.sync(
                applier,
                desired,
                self.model.name,
                with_tls_policies=tls_served,
            )
        except _KUBE_ERRORS as error:
            failure = classify(error)
            # The URL is left as it is: whether the routes still serve is unknown.
            logger.error("Kubernetes API call failed: %s", failure.message)
            return status.kube_error(failure, self.app.name)
        self._log(result.report)

        not_owned = [*foreign, *result.report.not_owned]
        health = route_health(wanted_routes, result.routes)
        if health.attached and state.url and not not_owned:
            self._publish(state.url)
        else:
            self.ingress.wipe_url()

        if not_owned:
            return status.not_owned(not_owned, self.app.name)
        if blocked_by_tls:
            return status.backend_tls_missing()
        return self._gateway_status(answer) or status.serving(state, health)

    def _gateway_status(self, answer: ProviderData | None) -> ops.StatusBase | None:
        """Why nothing can be served through the gateway, if that is the case."""
        if self.model.get_relation(GATEWAY_ROUTE) is None:
            return status.no_gateway(self.app.name)
        if answer is None:
            return status.WAITING_FOR_GATEWAY
        return None

    def _withdraw(self, reason: ops.StatusBase) -> ops.StatusBase:
        """Nothing to serve: delete what we own, drop the URL and our hostname claim."""
        self.ingress.wipe_url()
        self.gateway.withdraw()
        try:
            client = connect(self.app.name, self.model.name)
            applier = kube.applier(client, kube.owner(self.app.name, self.model.name))
            result = kube.sync(
                applier,
                [],
                self.model.name,
                with_tls_policies=kube.backend_tls_served(applier, self.model.name),
            )
        except _KUBE_ERRORS as error:
            failure = classify(error)
            logger.error("Kubernetes API call failed: %s", failure.message)
            return status.kube_error(failure, self.app.name)
        self._log(result.report)
        return reason

    def _no_request_status(self) -> ops.StatusBase:
        relation = self.ingress.relation
        if relation is None:
            return status.no_workload(self.app.name)
        return status.waiting_for_workload(relation.app.name if relation.app else None)

    def _on_remove(self, _event: ops.RemoveEvent) -> None:
        # Only when the whole application goes (not on scale-down), from whichever unit is
        # left: older Juju leaves charm-created objects behind otherwise (juju/juju#20180).
        if self.app.planned_units() > 0:
            return
        try:
            client = connect(self.app.name, self.model.name)
            deleted = kube.delete_all(
                client, kube.owner(self.app.name, self.model.name), self.model.name
            )
        except _KUBE_ERRORS as error:
            logger.error("cleanup on removal failed: %s", classify(error).message)
            return
        if deleted:
            logger.info("deleted on removal: %s", ", ".join(deleted))

    @staticmethod
    def _log(report: kube.SyncReport) -> None:
        for verb, items in (("applied", report.applied), ("deleted", report.deleted)):
            if items:
                logger.info("%s %s", verb, ", ".join(items))
        if report.not_owned:
            logger.warning("not ours, left alone: %s", ", ".join(report.not_owned))
