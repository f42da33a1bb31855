"""The one workload related to the gateway directly, over `ingress` on the endpoint `gateway`.

Pure. It is served exactly as a gateway-route-configurator in the gateway's own model, with no
hostname configured, would serve it: it claims the gateway's default hostname (external-hostname,
or the bare address) from the gateway's namespace, is answered by the same `answers.answer` as
configurators, and its Service and HTTPRoute are built by `http_routes.state` from that answer
(paths under `/<model>-<workload>`, as Canonical's charm serves it there too). Its URL is
published only once the controller attached the route and programmed the listeners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gateway_route import ProviderData, RefusalReason
from http_routes.flow import flowing_url, passing
from http_routes.state import RouteState, desired_objects, route_state
from ingress_v2 import IngressDataError, IngressRequest
from integrator.plan.claims import Claim
from integrator.plan.snapshot import Direct
from kube_objects import Listing, Owner, describe
from kube_objects.route_health import RouteHealth, after_apply, by_parent, combine
from reconcile.status import Log, Status, active, blocked, waiting

DIRECT_RELATION = "gateway"
CONFIGURATOR = "gateway-route-configurator"
DIRECT_LABEL = "gateway-api.juju.is/ingress"
"""Marks the objects of the direct workload among the gateway's own (value: `direct`)."""

Withdraw = Literal["withdraw"]
WITHDRAW: Withdraw = "withdraw"


@dataclass(frozen=True)
class _ServedAt:
    """What a configurator with no hostname and the default path would ask for."""

    hostnames: tuple[str, ...] = ()
    paths: tuple[str, ...] = ("/",)


@dataclass(frozen=True)
class Refusal:
    """Why the direct workload is not served; `keep`: what it had stays (bad data is fixable)."""

    status: Status
    keep: bool
    log: Log | None = None


@dataclass(frozen=True)
class DirectPlan:
    """The direct workload's objects, URL and word for the gateway's status.

    A waiting status names what is awaited ("waiting for " is the gateway status's to add).
    """

    objects: tuple[dict, ...] = ()
    url: str | Withdraw | None = None
    """The URL for the workload; WITHDRAW wipes it; None leaves it as it is."""
    status: Status | None = None
    """None: no workload related directly."""
    logs: tuple[Log, ...] = ()


def direct_claim(
    direct: Direct | None, namespace: str, model_uuid: str | None
) -> Claim | Refusal | None:
    """The workload's claim on the default hostname, or why it gets none (None: not related)."""
    if direct is None:
        return None
    request, workload = direct.request, direct.workload or "the workload"
    if request is None:
        return Refusal(waiting(f"the ingress request of {workload}"), keep=False)
    if isinstance(request, IngressDataError):
        said = f"bad ingress data from {workload} on {DIRECT_RELATION}: {request}"
        fix = f"its owner must fix it, then run: juju refresh {direct.workload or '<workload>'}"
        return Refusal(blocked(f"{said}; {fix}"), keep=True, log=("warning", said))
    refusal = _refusal(direct, request, namespace, model_uuid)
    if refusal is not None:
        return refusal
    return Claim(direct.relation_id, namespace, request.name, remote_app=direct.workload)


def _refusal(
    direct: Direct, request: IngressRequest, namespace: str, model_uuid: str | None
) -> Refusal | None:
    """Why a readable request is still not served: another model, a false name, or https."""
    elsewhere = _elsewhere(direct, request, namespace, model_uuid)
    if elsewhere is not None:
        return Refusal(elsewhere, keep=False)
    if direct.workload and request.name != direct.workload:
        said = f"workload {direct.workload} asks to be served as {request.name!r}"
        return Refusal(
            blocked(
                f"{said}: a workload can only be served as itself; its charm must write "
                f"name={direct.workload} in its ingress data, then run: juju refresh "
                f"{direct.workload}"
            ),
            keep=True,
            log=("warning", said),
        )
    if request.scheme == "https":
        return Refusal(
            blocked(
                f"workload {request.name} asks for scheme https, which needs the CA of its "
                f"certificate: serve it through a {CONFIGURATOR} (it takes receive-ca-cert); "
                f"run: juju deploy {CONFIGURATOR} --trust, then relate {request.name} to it"
            ),
            keep=False,
        )
    return None


def _elsewhere(
    direct: Direct, request: IngressRequest, namespace: str, model_uuid: str | None
) -> Status | None:
    """Why the workload is not in the gateway's model, where its pods would have to be."""
    remote = direct.workload_model
    across = remote is not None and model_uuid is not None and remote != model_uuid
    if request.model == namespace and not across:
        return None
    where = "another model (Juju says so)" if across else f"model {request.model}"
    return blocked(
        f"workload {direct.workload or request.name} is in {where}, not {namespace}: the "
        f"gateway serves directly only workloads in its own model; deploy a {CONFIGURATOR} "
        f"there: juju deploy {CONFIGURATOR} --trust -m <its model>"
    )


def direct_plan(
    direct: Direct | None,
    claim: Claim | Refusal | None,
    answer: ProviderData | None,
    listing: Listing,
    owner: Owner,
    *,
    reserved: frozenset[tuple[str, str]] = frozenset(),
) -> DirectPlan:
    """Objects, URL and status for the direct workload, from its claim and the gateway's answer.

    A predecessor's Service and routes for it (Canonical's charm served it with its own) stay
    as they are until ours carry its traffic: make before break across `juju refresh`.
    `reserved`: (kind, name) of the gateway's own objects, which the workload's may not take.
    """
    if direct is None or claim is None:
        return DirectPlan(url=WITHDRAW if direct is not None else None)
    inherited = _inherited(listing, owner)
    if isinstance(claim, Refusal):
        kept = (*_owned(listing), *inherited) if claim.keep else ()
        logs = (claim.log,) if claim.log else ()
        url = None if claim.keep else WITHDRAW
        return DirectPlan(objects=kept, url=url, status=claim.status, logs=logs)
    request = direct.request
    if not isinstance(request, IngressRequest):  # a claim is made only from a valid request
        return DirectPlan()
    state = route_state(_ServedAt(), request, answer, listing.namespace or "", listing.selectors)
    wanted = [_marked(obj) for obj in desired_objects(state)]
    clash = [describe(obj) for obj in wanted if _key(obj) in reserved]
    if clash:
        kept = (*_owned(listing), *inherited)
        return DirectPlan(objects=kept, status=_reserved(state.workload, clash), url=WITHDRAW)
    return _serve(state, wanted, answer, listing, (direct.published, inherited))


def _serve(
    state: RouteState,
    wanted: list[dict],
    answer: ProviderData | None,
    listing: Listing,
    before: tuple[str | None, tuple[dict, ...]],
) -> DirectPlan:
    """`before`: the URL the workload holds and the predecessor's objects for it."""
    published, inherited = before
    taken = [describe(obj) for obj in wanted if _taken(listing, obj)]
    if taken:
        # The predecessor's routes, if any, still carry the traffic: its URL stays.
        kept = (*_owned(listing), *inherited)
        url = None if inherited else WITHDRAW
        return DirectPlan(objects=kept, status=_not_ours(taken, listing.namespace), url=url)
    wanted_routes = [obj for obj in wanted if obj["kind"] == "HTTPRoute"]
    parents = by_parent(wanted_routes, after_apply(listing.of("HTTPRoute"), wanted_routes))
    health = combine(list(parents.values()))
    url = flowing_url(state, parents)
    kept = url is None and passing(published, state, health)
    names = {_key(obj) for obj in wanted}
    serving = [obj for obj in inherited if _key(obj) not in names]
    return DirectPlan(
        objects=(*wanted, *(serving if url is None else ())),
        url=url or (None if kept or serving else WITHDRAW),
        status=_status(state, answer, health, url),
    )


def _status(
    state: RouteState, answer: ProviderData | None, health: RouteHealth, url: str | None
) -> Status:
    workload = state.workload
    if url is not None:
        return active(f"{workload} at {url}")
    if health.rejected:
        return blocked(
            f"the controller refused the route of {workload}: {health.rejected}; see: "
            f"kubectl -n {state.namespace} describe httproute {state.route_name}"
        )
    for item in state.refused:
        if item.reason == RefusalReason.PENDING_CERTIFICATE and not item.fix:
            return waiting(f"the certificate of {item.hostname} for {workload}")
        fix = item.fix or _fix(item.hostname)
        return blocked(f"{workload} cannot be served: {item.message}; {fix}")
    if answer is None or not state.attachments:
        return waiting(f"a listener for {workload}")
    return waiting(f"traffic to flow to {workload} ({health.waiting or 'controller'})")


def _fix(hostname: str) -> str:
    if hostname:
        return "the gateway's operator must make room for it"
    return "set the gateway's hostname; run: juju config <gateway> external-hostname=<name>"


def _not_ours(names: list[str], namespace: str | None) -> Status:
    kind, _, name = names[0].partition(" ")
    command = f"kubectl -n {namespace} delete {kind.lower()} {name.rpartition('/')[2]}"
    return blocked(
        f"{', '.join(names)} exists and is not managed by the gateway: the direct workload "
        f"is not served until its owner deletes or renames it; if stale, run: {command}"
    )


def _reserved(workload: str, names: list[str]) -> Status:
    return blocked(
        f"workload {workload} would be served under the name of the gateway's own "
        f"{', '.join(names)}: deploy it under another name (juju deploy <charm> <another name>), "
        f"or serve it through a {CONFIGURATOR}"
    )


def _marked(obj: dict) -> dict:
    metadata = dict(obj["metadata"])
    metadata["labels"] = {**(metadata.get("labels") or {}), DIRECT_LABEL: "direct"}
    return {**obj, "metadata": metadata}


def _owned(listing: Listing) -> tuple[dict, ...]:
    """The direct workload's objects as they are (kept while its data is being fixed)."""
    return tuple(
        _as_is(obj)
        for kind in ("Service", "HTTPRoute")
        for obj in listing.of(kind).values()
        if _labels(obj).get(DIRECT_LABEL) == "direct"
    )


def _inherited(listing: Listing, owner: Owner) -> tuple[dict, ...]:
    """A predecessor's Services and routes here, as they are."""
    return tuple(
        _as_is(obj)
        for kind in ("Service", "HTTPRoute")
        for obj in listing.of(kind).values()
        if owner.inherited(kind, obj) and DIRECT_LABEL not in _labels(obj)
    )


def _key(obj: dict) -> tuple[str, str]:
    return obj["kind"], obj["metadata"]["name"]


def _labels(obj: dict) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def _as_is(obj: dict) -> dict:
    """A listed object as a desired one: its spec and labels, nothing the server added."""
    metadata = obj.get("metadata") or {}
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "metadata": {
            "name": metadata["name"],
            "namespace": metadata.get("namespace"),
            "labels": _labels(obj),
        },
        "spec": obj.get("spec") or {},
    }


def _taken(listing: Listing, obj: dict) -> bool:
    return listing.taken(str(obj["kind"]), str(obj["metadata"]["name"]))
