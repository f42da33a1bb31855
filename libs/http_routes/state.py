"""What one workload's routes must be: what is wanted, its ingress request, the gateway's answer.

Pure. gateway-route-configurator plans with it for a workload in its model, and
gateway-api-integrator for the workload related to it directly, so both build the same routes
for the same request.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from gateway_route.models import ProviderData, Refused, Serving
from http_routes.paths import nest_path
from http_routes.routes import Attachment, Backend, desired_routes
from http_routes.service import backend_service, pod_selector, service_name
from ingress_v2.models import IngressRequest, Scheme
from kube_objects.names import dns1123_subdomain


class Wanted(Protocol):
    """What the operator asked for: hostnames (empty: the gateway's default) and paths."""

    @property
    def hostnames(self) -> tuple[str, ...]:
        """Hostnames asked for, first one first; empty: served on the gateway's default."""
        ...

    @property
    def paths(self) -> tuple[str, ...]:
        """Canonical path prefixes, never empty."""
        ...


@dataclass(frozen=True)
class RouteState:
    """The workload's wishes, the operator's config and the gateway's answer, combined."""

    namespace: str
    workload: str
    port: int
    scheme: Scheme
    own_service: bool
    """False: route to Juju's own `<workload>` Service (the workload set `is_port_open`)."""
    service: str
    """The Service the routes point at."""
    route_name: str
    paths: tuple[str, ...]
    """Path prefixes as served: under `/<model>-<workload>` when no hostname is configured."""
    strip_prefix: bool
    redirect_https: bool
    hsts_max_age: int
    """0 unless the gateway enforces HTTPS and asks for HSTS."""
    attachments: tuple[Attachment, ...]
    """Accepted hostnames we asked for, in config order, with their listeners."""
    refused: tuple[Refused, ...]
    pending: tuple[str, ...]
    """Hostnames the gateway has neither accepted nor refused yet."""
    urls: Mapping[str | None, str] = field(default_factory=dict)
    """Where the workload is reachable through each attachment, once traffic flows there."""
    serving: Mapping[str | None, Serving | None] = field(default_factory=dict)
    """The gateway's word on each attachment's listeners (None: it says nothing)."""
    selector: Mapping[str, str] = field(default_factory=dict)
    """How our Service selects the workload's pods (`http_routes.pod_selector`)."""

    @property
    def url(self) -> str | None:
        """The URL of the first attachment (in config order) that has one."""
        return next(iter(self.urls.values()), None)


def path_prefix(namespace: str, workload: str) -> str:
    """Where a workload lives on a gateway that gives it no hostname of its own."""
    return f"/{namespace}-{workload}"


def route_state(
    config: Wanted,
    request: IngressRequest,
    answer: ProviderData | None,
    namespace: str,
    selectors: Mapping[str, Mapping[str, str]] | None = None,
) -> RouteState:
    """Combine the three inputs; `answer` None means the gateway has not answered yet.

    `selectors`: those of the Services in the namespace that are not ours, by name. Without
    hostnames of its own the workload shares the gateway's default hostname, so its paths go
    under `/<model>-<workload>`.
    """
    # h2c needs appProtocol on the Service port, which Juju's own Service does not carry.
    own_service = not request.is_port_open or request.scheme == "h2c"
    service = service_name(request.name, request.port) if own_service else request.name
    paths = config.paths
    if not config.hostnames:
        prefix = path_prefix(namespace, request.name)
        paths = tuple(nest_path(prefix, path) for path in config.paths)
    attachments, refused, pending = _answer_for(config, answer)
    hsts = answer.hsts_max_age if answer and answer.https_mode == "enforced" else 0
    return RouteState(
        namespace=namespace,
        workload=request.name,
        port=request.port,
        scheme=request.scheme,
        own_service=own_service,
        service=service,
        route_name=dns1123_subdomain(request.name),
        paths=paths,
        strip_prefix=request.strip_prefix,
        redirect_https=request.redirect_https,
        hsts_max_age=hsts,
        attachments=attachments,
        refused=refused,
        pending=pending,
        urls=_urls(attachments, answer, paths[0]),
        serving=_serving(attachments, answer),
        selector=pod_selector(request.name, (selectors or {}).get(request.name)),
    )


def _answer_for(
    config: Wanted, answer: ProviderData | None
) -> tuple[tuple[Attachment, ...], tuple[Refused, ...], tuple[str, ...]]:
    """The parts of the answer that concern what we ask for now (it may answer an older ask)."""
    if answer is None:
        return (), (), config.hostnames
    if not config.hostnames:
        # Asked for no hostname: served under the gateway's default hostname, or none at all.
        wanted: list[str | None] = [None, answer.default_hostname]
        accepted = [item for item in answer.accepted if item.hostname in wanted][:1]
        attachments = tuple(Attachment(a.hostname, tuple(a.parents)) for a in accepted)
        # A refusal of the default hostname itself (e.g. its certificate is pending) counts too.
        refusal = answer.refusal_for("") or (
            answer.refusal_for(answer.default_hostname) if answer.default_hostname else None
        )
        refused = (refusal,) if refusal is not None and not attachments else ()
        pending = () if attachments or refused else ("",)
        return attachments, refused, pending

    attachments_list: list[Attachment] = []
    refusals: list[Refused] = []
    pending_list: list[str] = []
    for hostname in config.hostnames:
        accepted_item = answer.accepted_for(hostname)
        refusal = answer.refusal_for(hostname)
        if accepted_item is not None:
            attachments_list.append(Attachment(hostname, tuple(accepted_item.parents)))
        elif refusal is not None:
            refusals.append(refusal)
        else:
            pending_list.append(hostname)
    return tuple(attachments_list), tuple(refusals), tuple(pending_list)


def _urls(
    attachments: tuple[Attachment, ...], answer: ProviderData | None, path: str
) -> dict[str | None, str]:
    """The URL through each attachment; a hostname-less one needs a Gateway address."""
    urls: dict[str | None, str] = {}
    for attachment in attachments:
        host = attachment.hostname or (
            answer.addresses[0] if answer and answer.addresses else None
        )
        if host is None or answer is None:
            continue
        if ":" in host:  # an IPv6 address
            host = f"[{host}]"
        scheme = "https" if attachment.https_port is not None else "http"
        urls[attachment.hostname] = f"{scheme}://{host}{path}"
    return urls


def _serving(
    attachments: tuple[Attachment, ...], answer: ProviderData | None
) -> dict[str | None, Serving | None]:
    found: dict[str | None, Serving | None] = {}
    for attachment in attachments:
        accepted = answer.accepted_for(attachment.hostname) if answer else None
        found[attachment.hostname] = accepted.serving if accepted else None
    return found


def desired_objects(state: RouteState) -> list[dict]:
    """Service (unless Juju's own one is used), then routes.

    The Service comes first so that a route never points at a Service that is not there yet.
    """
    objects: list[dict] = []
    if state.own_service:
        objects.append(
            backend_service(
                name=state.service,
                namespace=state.namespace,
                selector=state.selector,
                port=state.port,
                scheme=state.scheme,
            )
        )
    objects.extend(routes(state))
    return objects


def routes(state: RouteState) -> list[dict]:
    """The HTTPRoutes alone (none until the gateway accepts a hostname)."""
    return desired_routes(
        name=state.route_name,
        namespace=state.namespace,
        attachments=state.attachments,
        paths=state.paths,
        backend=Backend(state.service, state.port),
        strip_prefix=state.strip_prefix,
        redirect_https=state.redirect_https,
        hsts_max_age=state.hsts_max_age,
    )
