"""What the workload's routes must be: config, the workload's request and the gateway's answer."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from configurator.plan.config import Config
from gateway_route import ProviderData, RefusalReason, Refused, RequirerData, Serving
from http_routes import Attachment, nest_path, pod_selector, service_name
from ingress_v2 import IngressRequest, Scheme
from kube_objects.names import dns1123_subdomain


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


def gateway_request(config: Config, request: IngressRequest, namespace: str) -> RequirerData:
    """What we ask the gateway for."""
    return RequirerData(
        namespace=namespace,
        application=request.name,
        hostnames=list(config.hostnames),
        refusal_reasons=[reason.value for reason in RefusalReason],
    )


def route_state(
    config: Config,
    request: IngressRequest,
    answer: ProviderData | None,
    namespace: str,
    selectors: Mapping[str, Mapping[str, str]] | None = None,
) -> RouteState:
    """Combine the three inputs; `answer` None means the gateway has not answered yet.

    `selectors`: those of the Services in the namespace that are not ours, by name.
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
    config: Config, answer: ProviderData | None
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
