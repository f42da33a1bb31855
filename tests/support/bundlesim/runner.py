"""Run a scenario: one KubeDouble, one modelsim Simulation, the real charms, the stand-ins.

with BundleRun(load_scenario("scenarios/default.yaml")) as run:
    run.run_steps()
    run.urls()            # {"shop": "https://shop.example.com/", ...}
    run.sim.statuses(), run.kube.objects()
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ops

from bundlesim.certificates import CertificateCheck, check_certificate
from bundlesim.dnsprovider import DnsProviderApp
from bundlesim.scenario import (
    REFRESHED_TO,
    ActionCall,
    Application,
    Controller,
    Scenario,
    Step,
)
from bundlesim.seeding import ObservedRequests, RequestHook, seed_objects
from bundlesim.standins import (
    INGRESS_ENDPOINT,
    CanonicalGatewayApp,
    TLSProviderApp,
    dns_provider,
    url_in,
    workload_requirer,
)
from charmspecs import CHARMS, REPO_ROOT, charm_class, charmcraft_path
from kubedouble import KubeDouble, samples
from modelsim import ActionOutcome, Participant, Simulation, WorkloadRequirer
from tls_provider import TLSProvider

__all__ = ["REPO_ROOT", "ActionRecord", "BundleRun"]

CHARM_CLASSES: dict[str, tuple[type[ops.CharmBase], Path]] = {
    name: (charm_class(name), charmcraft_path(name)) for name in CHARMS
}
CONTROLLER_NAME = "gateway.example.com/controller"


@dataclasses.dataclass(frozen=True)
class ActionRecord:
    """An action a step ran, and what came of it."""

    call: ActionCall
    outcome: ActionOutcome
    certificate: CertificateCheck | None = None
    """For get-certificate: served vs signed vs returned, taken right after the action ran."""


class BundleRun:
    """A scenario deployed on the simulation; `run_steps()` plays its steps.

    Entering deploys every application (file order), makes every relation (file order) and
    settles. Leaving stops the API double.
    """

    def __init__(self, scenario: Scenario, kube: Any = None) -> None:
        """A run of `scenario`, on a new API double unless `kube` is given.

        `kube`: an already running cluster (the real kube-apiserver tier's `RealCluster`); it
        must serve the scenario's Gateway API release.
        """
        self.scenario = scenario
        self._own_kube = kube is None
        if kube is None:
            kube = KubeDouble(scenario.cluster.gateway_api, scenario.controller.profile)
        else:
            kube.controller.profile = scenario.controller.profile
        self.kube = kube
        self.sim = Simulation(kube=self.kube, cross_model_names=scenario.cross_model_names)
        self.controller: Controller = scenario.controller
        self.tls: dict[str, TLSProviderApp] = {}
        self.workloads: dict[str, WorkloadRequirer] = {}
        self.dns: dict[str, DnsProviderApp] = {}
        self.actions: list[ActionRecord] = []
        self._rejected: list[str] = []
        self._request_hooks: list[RequestHook] = []
        self.refreshed: dict[str, str] = {}
        """Applications a `refresh` step moved to another charm, and that charm."""
        self.seeded: list[dict[str, Any]] = []
        """The scenario's `cluster.objects` as stored before deployment."""
        self._started = False

    # ----------------------------------------------------------------- lifecycle

    def __enter__(self) -> BundleRun:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Deploy, relate, settle."""
        if self._own_kube:
            self.kube.start()
        self._started = True
        for name in self.scenario.cluster.gateway_classes:
            self.kube.seed(samples.gateway_class_body(name, CONTROLLER_NAME))
        if self.scenario.cluster.objects:
            cluster = self.scenario.cluster
            self.seeded = seed_objects(self.kube, cluster.objects, cluster.objects_field_manager)
        if self._request_hooks:
            self.kube.requests = ObservedRequests(self.kube.requests, self._request_hooks)
        self._set_rejections(self.controller)
        # A running controller accepts a GatewayClass (writing its supportedFeatures) as soon
        # as it exists, long before anything is deployed on it.
        self._controller_round(self.sim)
        self.sim.between_rounds(self._controller_round)
        for name, app in self.scenario.applications.items():
            self._deploy(name, app)
        for a, b in self.scenario.relations:
            self.sim.relate(a, b)
        self.settle()
        self._dns_checkpoint("deploy")

    def _deploy(self, name: str, app: Application) -> None:
        """`juju deploy` a charm under test, or put a stand-in in its place."""
        if app.charm in CHARM_CLASSES:
            charm, meta = CHARM_CLASSES[app.charm]
            self.sim.add_app(
                name,
                charm,
                meta,
                model=app.model,
                units=app.units,
                config=app.config,
                trusted=app.trust,
            )
            return
        participant: Participant
        if app.charm == "canonical-gateway":
            participant = CanonicalGatewayApp()
            self.sim.add_participant(
                name, participant, model=app.model, config=app.config, trusted=app.trust
            )
            return
        if app.charm == "tls-provider":
            participant = self.tls[name] = TLSProviderApp()
        elif app.charm == "dns":
            participant = self.dns[name] = dns_provider(app.dns)
        else:
            participant = self.workloads[name] = workload_requirer(name, app.model, app.ingress)
        self.sim.add_participant(name, participant, model=app.model, units=app.units)

    def after_request(self, hook: RequestHook) -> None:
        """Call `hook(record)` after every request the API double serves from now on.

        Register before `start()` (entering) to see deployment too; the hook sees the store as
        that request left it, e.g. to snapshot an object after every write a charm makes.
        """
        self._request_hooks.append(hook)
        if self._started and not isinstance(self.kube.requests, ObservedRequests):
            self.kube.requests = ObservedRequests(self.kube.requests, self._request_hooks)

    def close(self) -> None:
        """Stop the API double and drop the simulation's kubeconfig."""
        self.sim.close()
        if self._started:
            if self._own_kube:
                self.kube.stop()
            self._started = False

    # ----------------------------------------------------------------- playing

    def settle(self) -> None:
        """Let the model go idle, then one update-status tick, then idle again.

        Juju sends no event when the controller writes object status; charms see it at their
        next event, at the latest update-status. One tick stands in for that timer.
        """
        self.sim.settle()
        self.sim.update_status()
        self.sim.settle()

    def run_steps(self) -> None:
        """Play every step of the scenario, settling after each."""
        for step in self.scenario.steps:
            self.apply(step)

    def apply(self, step: Step | Mapping[str, Any] | str) -> None:
        """Play one step (a Step, or as written in a scenario: `{"scale": {"app": 3}}`), settle."""
        if not isinstance(step, Step):
            step = Step.model_validate(step)
        sim = self.sim
        if step.action is not None:
            self.actions.append(self._run_action(step.action))
        for app, values in (step.config or {}).items():
            sim.set_config(app, values)
        if step.relate is not None:
            sim.relate(*step.relate)
        if step.unrelate is not None:
            sim.unrelate(*step.unrelate)
        for app, units in (step.scale or {}).items():
            sim.scale(app, units)
        for app, trusted in (step.trust or {}).items():
            sim.trust(app, trusted)
        if step.leader is not None:
            sim.set_leader(step.leader.split("/")[0], step.leader)
        if step.remove is not None:
            sim.remove_app(step.remove)
        if step.refresh is not None:
            sim.refresh(step.refresh, *CHARM_CLASSES[REFRESHED_TO])
            self.refreshed[step.refresh] = REFRESHED_TO
        if step.controller is not None:
            changes = step.controller.model_dump(exclude_none=True)
            self.controller = Controller.model_validate(self.controller.model_dump() | changes)
            self.kube.controller.profile = self.controller.profile
            self._set_rejections(self.controller)
        self._tls_step(step)
        self.settle()
        self._dns_checkpoint(str(step))

    # ----------------------------------------------------------------- reading

    def url(self, workload: str) -> str | None:
        """The URL in the workload's live ingress relation (None: unpublished, or no relation)."""
        end = f"{workload}:{INGRESS_ENDPOINT}"
        found = None
        for relation in self.sim.databags():
            if end in relation["ends"]:
                provider = next(e for e in relation["ends"] if e != end).split(":")[0]
                found = url_in(relation["app_data"].get(provider, {}))
        return found

    def urls(self) -> dict[str, str | None]:
        """Every still-deployed workload's URL, by workload application."""
        return {name: self.url(name) for name in self.workloads if name in self.sim.apps}

    def charm(self, app: str) -> str:
        """The charm kind `app` runs now: the scenario's, or the one it was refreshed to."""
        return self.refreshed.get(app, self.scenario.applications[app].charm)

    def objects(self) -> list[dict[str, Any]]:
        """Every object in the API double, sorted by kind, namespace, name."""
        return sorted(self.kube.objects(), key=_object_key)

    # ----------------------------------------------------------------- internals

    def _run_action(self, call: ActionCall) -> ActionRecord:
        outcome = self.sim.run_action(call.target, call.name, call.params)
        if call.name != "get-certificate" or outcome.failure is not None:
            return ActionRecord(call, outcome)
        provider = self._related_tls_provider(call.target.split("/")[0])
        hostname = call.params.get("hostname", "")
        check = check_certificate(self.kube, provider, hostname, outcome.results)
        return ActionRecord(call, outcome, check)

    def _related_tls_provider(self, gateway: str) -> TLSProvider | None:
        """The TLS provider related to `gateway`'s certificates endpoint now (None: none is).

        A scenario may declare several and swap them; what the gateway serves comes from the
        one it is related to at the time, not from the first one declared.
        """
        end = f"{gateway}:certificates"
        for relation in self.sim.databags():
            if end in relation["ends"]:
                other = next(e for e in relation["ends"] if e != end).split(":")[0]
                if other in self.tls:
                    return self.tls[other].provider
        return None

    def _dns_checkpoint(self, label: str) -> None:
        # What each DNS stand-in serves after deployment and after each step, for the report.
        for provider in self.dns.values():
            provider.checkpoint(label)

    def _controller_round(self, sim: Simulation) -> None:
        del sim
        if self.controller.running:
            self.kube.controller.reconcile(addresses=tuple(self.controller.addresses))

    def _set_rejections(self, controller: Controller) -> None:
        # A controller step replaces the refusals: undo the previous ones first.
        for route in self._rejected:
            self.kube.controller.forget_rejection(*route.split("/", 1))
        for rejection in controller.reject:
            namespace, name = rejection.route.split("/", 1)
            self.kube.controller.reject(namespace, name, rejection.reason, rejection.message)
        self._rejected = [r.route for r in controller.reject]

    def _tls_step(self, step: Step) -> None:
        if step.renew_certificate is not None or step.revoke_certificate is not None:
            self._tls_change(step.renew_certificate, step.revoke_certificate)
        if step.rotate_ca is not None:
            self.tls[step.rotate_ca].provider.rotate_ca()
            self.sim.refresh_participant(step.rotate_ca)
        if step.provider_pass is not None:
            self.tls[step.provider_pass].provider.next_pass()
            self.sim.refresh_participant(step.provider_pass)

    def _tls_change(self, renew: str | None, revoke: str | None) -> None:
        for name, app in self.tls.items():
            if renew is not None:
                app.provider.renew(renew)
            if revoke is not None:
                app.provider.revoke(revoke)
            if name in self.sim.apps:
                self.sim.refresh_participant(name)


def _object_key(obj: dict[str, Any]) -> tuple[str, str, str]:
    meta = obj.get("metadata", {})
    return (obj.get("kind", ""), meta.get("namespace") or "", meta.get("name", ""))
