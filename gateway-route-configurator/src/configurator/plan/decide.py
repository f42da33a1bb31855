"""The plan of one reconcile: from the snapshot to objects, the request, the URL and status. Pure.

Config and the workload's request -> what we ask the gateway (route.gateway_request) -> with its
answer, the routes (http_routes.state) -> their health as the controller reports it
(http_routes.flow) -> URL and status (status.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import reconcile
from configurator.plan import status
from configurator.plan.backend_tls import BackendTls, backend_tls
from configurator.plan.config import Config, parse_config
from configurator.plan.route import gateway_request
from configurator.plan.snapshot import OWNED_KINDS, Observed
from gateway_route import DataError, ProviderData, RequirerData
from http_routes.flow import flowing_url, passing
from http_routes.state import RouteState, desired_objects, route_state, routes
from ingress_v2 import IngressDataError, IngressRequest
from kube_objects import Listing, Unavailable, describe
from kube_objects.route_health import RouteHealth, after_apply, by_parent, combine
from reconcile import STANDBY, ConfigProblem, KubePlan, Log, Status

WITHDRAW = "withdraw"
Withdraw = Literal["withdraw"]


@dataclass(frozen=True)
class Plan(KubePlan):
    """What `act` does: sync the objects, write the request and the URL, show the status."""

    request: RequirerData | Withdraw | None = None
    """What we ask the gateway for; WITHDRAW removes our ask; None leaves it as it is."""
    url: str | Withdraw | None = None
    """The URL for the workload; WITHDRAW wipes it; None leaves it as it is."""


def plan(observed: Observed) -> Plan:
    """Decide everything for one reconcile."""
    if not observed.leader:
        return Plan(STANDBY)
    config = parse_config(observed.config, observed.app)
    if isinstance(config, ConfigProblem):
        # Keep serving what was configured before: a typo must not take the site down.
        return Plan(config.status, logs=(("warning", f"invalid configuration: {config}"),))
    return _for_workload(observed, config)


def _for_workload(observed: Observed, config: Config) -> Plan:
    """The plan once the config is valid: it depends on what the workload asks."""
    ingress = observed.ingress
    if isinstance(ingress, IngressDataError):
        # Like a config typo: say what is wrong, but keep serving what was served before.
        workload = observed.workload or ingress.databag.partition("/")[0]
        return Plan(
            status.bad_ingress(ingress, workload),
            logs=(("warning", f"invalid ingress data: {ingress.log_message}"),),
        )
    if ingress is None:
        return _withdraw(observed, _no_request_status(observed))
    refusal = _refusal(observed, ingress)
    if refusal is not None:
        return refusal
    logs = _request_logs(ingress)
    request = gateway_request(config, ingress, observed.namespace)
    answer = observed.answer
    if isinstance(answer, DataError):
        # A gateway upgraded ahead of us, or one bad field: routes and URL stay as they are
        # rather than every tenant going offline at once.
        log = ("warning", f"bad gateway-route data: {answer}")
        failed = status.bad_gateway_data(answer, observed.gateway, observed.app)
        return Plan(failed, request=request, logs=(*logs, log))
    state = route_state(config, ingress, answer, observed.namespace, observed.selectors)
    served = _serve(observed, config, state, answer)
    kept = _keep_the_old_hostname(observed, config, ingress, served)
    if kept is not None:
        return dataclasses.replace(kept, logs=logs)
    return dataclasses.replace(served, request=request, logs=logs)


def _keep_the_old_hostname(
    observed: Observed, config: Config, ingress: IngressRequest, served: Plan
) -> Plan | None:
    """Make before break: the hostname the workload holds stays served until a new one flows.

    The workload's ingress library keeps the last URL it was given (a wiped one included) until
    the relation ends, so dropping the old hostname before a configured one carries traffic
    would leave it advertising a dead address. Once the new one flows its URL is published and
    the old hostname is still routed for that hook: the workload learns the new URL only at its
    next relation-changed, so the old one goes at our next hook, when the new one is what we
    published. Only a configured hostname is kept this way: a URL on the gateway's address or
    default hostname carries no hostname of ours to keep.
    """
    answer = observed.answer
    old = urlsplit(observed.published or "").hostname
    if not config.hostnames or not isinstance(answer, ProviderData):
        return None
    if not old or old in config.hostnames or old == answer.default_hostname:
        return None
    if old in answer.addresses:
        return None
    wider = dataclasses.replace(config, hostnames=(*config.hostnames, old))
    state = route_state(wider, ingress, answer, observed.namespace, observed.selectors)
    plan = _serve(observed, wider, state, answer)
    request = gateway_request(wider, ingress, observed.namespace)
    if isinstance(served.url, str) and served.url != WITHDRAW:
        # The new URL flows: publish it, with the old hostname routed one hook more.
        same = plan.url == served.url
        return dataclasses.replace(plan, request=request) if same else None
    held = plan.url if isinstance(plan.url, str) else observed.published
    # url None: the old hostname is only briefly not reported (a controller catching up with
    # the new listener): it is still held, and still kept.
    if plan.url == WITHDRAW or urlsplit(held or "").hostname != old:
        return None
    return dataclasses.replace(
        plan, request=request, status=status.keeping(plan.status, str(held), config.hostnames)
    )


def _request_logs(ingress: IngressRequest) -> tuple[Log, ...]:
    logs: list[Log] = [
        ("info", f"ingress unit skipped: {problem.log_message}")
        for problem in ingress.unit_problems
    ]
    if ingress.healthcheck_params is not None:
        logs.append(
            (
                "debug",
                f"healthcheck_params {ingress.healthcheck_params.model_dump()} accepted but not "
                "applied: standard Gateway API has no backend health check",
            )
        )
    return tuple(logs)


def _refusal(observed: Observed, ingress: IngressRequest) -> Plan | None:
    """Why this request is not served, where it can be told before the gateway answers."""
    elsewhere = _elsewhere(observed, ingress)
    if elsewhere is not None:
        return _withdraw(observed, elsewhere)
    workload = observed.workload
    if workload and ingress.name != workload:
        # A workload can only ever expose itself: the Service selects pods by this name.
        log: Log = ("warning", f"ingress: {workload} asks to be served as {ingress.name}")
        return Plan(status.impersonation(workload, ingress.name), logs=(log,))
    if observed.gateway_dialect:
        gateway = observed.gateway or "the gateway"
        stranger = status.stranger_gateway(gateway, observed.gateway_dialect, observed.app)
        return Plan(stranger, request=WITHDRAW)
    return None


def _elsewhere(observed: Observed, ingress: IngressRequest) -> Status | None:
    """Why the workload is not in our model (where its pods are), if it is not."""
    name, own = ingress.name, observed.namespace
    if ingress.model != own:
        return status.wrong_model(name, ingress.model, own, observed.app)
    remote = observed.workload_model
    if remote is not None and observed.model_uuid is not None and remote != observed.model_uuid:
        # It says our model, but Juju says it is across a cross-model relation.
        return status.across_models(observed.workload or name, own, observed.app)
    return None


def _no_request_status(observed: Observed) -> Status:
    if not observed.ingress_related:
        return status.no_workload(observed.app)
    return status.waiting_for_workload(observed.workload)


def _kinds(listing: Listing) -> tuple[str, ...]:
    return tuple(kind for kind in OWNED_KINDS if listing.serves(kind))


def _withdraw(observed: Observed, reason: Status) -> Plan:
    """Nothing to serve: delete what we own, drop the URL and our hostname claim."""
    listing = observed.cluster
    if not isinstance(listing, Listing):
        failure = listing or Unavailable("the cluster was not read")
        return Plan(reconcile.api_failure(failure, observed.app), request=WITHDRAW, url=WITHDRAW)
    if not listing.serves("HTTPRoute"):
        return Plan(reconcile.gateway_api_missing(), request=WITHDRAW, url=WITHDRAW)
    return Plan(reason, objects=(), kinds=_kinds(listing), request=WITHDRAW, url=WITHDRAW)


@dataclass(frozen=True)
class _Desired:
    """The objects and routes to sync, and the names we may not take."""

    objects: list[dict]
    routes: list[dict]
    unowned: list[str]
    tls: BackendTls


def _gateways(state: RouteState, answer: ProviderData | None) -> list[tuple[str, str]]:
    """The Gateways (namespace, name) our routes attach to; a ListenerSet stands for its own."""
    found: set[tuple[str, str]] = set()
    for attachment in state.attachments:
        for parent in attachment.parents:
            if parent.kind == "Gateway":
                found.add((parent.namespace, parent.name))
            elif answer is not None:
                found.add((answer.gateway_namespace, answer.gateway_name))
    return sorted(found)


def _backend_tls(
    observed: Observed, config: Config, state: RouteState, listing: Listing
) -> BackendTls:
    if state.scheme != "https":
        return BackendTls()
    answer = observed.answer if isinstance(observed.answer, ProviderData) else None
    gateways = _gateways(state, answer)
    return backend_tls(
        app=observed.app,
        namespace=observed.namespace,
        route_name=state.route_name,
        service=state.service,
        hostname=config.backend_tls_hostname(state.workload, state.namespace),
        answer=answer,
        listing=listing,
        ca=observed.ca,
        gateways=gateways,
    )


def _with_tls(objects: list[dict], tls: BackendTls) -> tuple[list[dict], bool]:
    """The objects with TLS to the backend added; False when nothing may be routed."""
    if tls.problem is not None:
        # Plain HTTP to a workload that serves TLS cannot work: keep only its Service.
        return [obj for obj in objects if obj["kind"] == "Service"], False
    if not tls.objects:
        return objects, True
    services = [obj for obj in objects if obj["kind"] == "Service"]
    rest = [obj for obj in objects if obj["kind"] != "Service"]
    # The CA before the policy that names it, the Service before the policy that targets it.
    return [tls.objects[0], *services, *tls.objects[1:], *rest], True


def _desired(observed: Observed, config: Config, state: RouteState, listing: Listing) -> _Desired:
    tls = _backend_tls(observed, config, state, listing)
    objects, routable = _with_tls(desired_objects(state), tls)
    wanted_routes = routes(state) if routable else []
    foreign: list[str] = []
    if state.own_service and listing.taken("Service", state.service):
        # Our routes would send this workload's traffic to somebody else's pods.
        foreign.append(f"Service {observed.namespace}/{state.service}")
        objects, wanted_routes = [], []
    taken = [obj for obj in objects if listing.taken(obj["kind"], obj["metadata"]["name"])]
    return _Desired(
        objects=[obj for obj in objects if obj not in taken],
        routes=wanted_routes,
        unowned=[*foreign, *(describe(obj) for obj in taken)],
        tls=tls,
    )


def _serve(
    observed: Observed, config: Config, state: RouteState, answer: ProviderData | None
) -> Plan:
    listing = observed.cluster
    if not isinstance(listing, Listing):
        # The URL is left as it is: whether the routes still serve is unknown.
        return Plan(
            reconcile.api_failure(listing or Unavailable("the cluster was not read"), observed.app)
        )
    if not listing.serves("HTTPRoute"):
        return Plan(reconcile.gateway_api_missing())
    desired = _desired(observed, config, state, listing)
    parents = by_parent(desired.routes, after_apply(listing.of("HTTPRoute"), desired.routes))
    health = combine(list(parents.values()))
    blocked_url = desired.unowned or desired.tls.verdict is not None
    url = None if blocked_url else flowing_url(state, parents)
    return Plan(
        _status(observed, state, answer, health, desired, url=url, hostnames=config.hostnames),
        objects=tuple(desired.objects),
        kinds=_kinds(listing),
        url=url or (None if not blocked_url and _kept(observed, state, health) else WITHDRAW),
    )


def _kept(observed: Observed, state: RouteState, health: RouteHealth) -> bool:
    return passing(observed.published, state, health)


def _status(
    observed: Observed,
    state: RouteState,
    answer: ProviderData | None,
    health: RouteHealth,
    desired: _Desired,
    *,
    url: str | None,
    hostnames: tuple[str, ...] = (),
) -> Status:
    if desired.unowned:
        return reconcile.not_owned(desired.unowned, observed.app)
    if desired.tls.problem is not None:
        return desired.tls.problem
    if not observed.gateway_related:
        return status.no_gateway(observed.app)
    if answer is None:
        return status.waiting_for_gateway(observed.gateway)
    context = status.Context(observed.app, hostnames)
    return status.serving(state, health, url, desired.tls.verdict, context=context)
