"""Which listeners each parent (Gateway or ListenerSet) has, and which tenants attach to."""

import dataclasses
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from integrator.plan.arbitration import Served
from kube_objects.names import dns1123_subdomain

HTTP_PORT = 80
HTTPS_PORT = 443

HttpsMode = Literal["disabled", "enabled", "enforced"]
Protocol = Literal["HTTP", "HTTPS"]

BARE_LISTENER = "http"
PLACEHOLDER_LISTENER = "placeholder"


def listener_name(protocol: Protocol, hostname: str | None) -> str:
    """`http-<hostname>` / `https-<hostname>`: readable, unique, a valid SectionName.

    Hostnames contain dots, which SectionNames (RFC 1123 subdomains) allow; a name past 253
    characters is cut and suffixed with a hash of the full name, so it stays unique.
    """
    if hostname is None:
        return BARE_LISTENER
    return dns1123_subdomain(f"{protocol.lower()}-{hostname}")


@dataclass(frozen=True)
class ListenerSpec:
    """One listener, before it becomes a dict."""

    name: str
    protocol: Protocol
    hostname: str | None
    namespaces: frozenset[str] | None
    """Admitted namespaces; None admits only the gateway's own (`from: Same`)."""
    secret: str | None = None
    """The TLS Secret (HTTPS only)."""
    tenant: bool = True
    """Whether configurators attach to it (False: the redirect route's or a placeholder)."""
    parent_kind: Literal["Gateway", "ListenerSet"] = "Gateway"
    parent_name: str | None = None
    """The Gateway or ListenerSet it belongs to; None: the main Gateway."""

    @property
    def port(self) -> int:
        """80 or 443."""
        return HTTPS_PORT if self.protocol == "HTTPS" else HTTP_PORT


def https_mode(enforce_https: bool, certificates_related: bool) -> HttpsMode:
    """What configurators are told about HTTPS."""
    if enforce_https:
        return "enforced"
    return "enabled" if certificates_related else "disabled"


def placeholder(parent_kind: Literal["Gateway", "ListenerSet"], parent_name: str) -> ListenerSpec:
    """The one listener of a parent whose hostnames all await certificates (it needs one).

    A Gateway gets a bare HTTP listener. A ListenerSet gets one for a name under `.invalid`
    (RFC 2606, never resolves), so it cannot collide with the parent Gateway's bare listener.
    """
    if parent_kind == "Gateway":
        return ListenerSpec(BARE_LISTENER, "HTTP", None, None, tenant=False)
    return ListenerSpec(
        PLACEHOLDER_LISTENER,
        "HTTP",
        f"{parent_name}.invalid",
        None,
        tenant=False,
        parent_kind="ListenerSet",
        parent_name=parent_name,
    )


def plan_listeners(
    served: Sequence[Served],
    mode: HttpsMode,
    with_tls: Collection[str],
    secret_name: Callable[[str], str],
    empty: ListenerSpec | None = None,
) -> list[ListenerSpec]:
    """Listeners for everything served; `empty` (default: a bare HTTP one) when nothing is.

    Every hostname gets its own HTTP listener: a hostname-less HTTP listener stops matching
    once hostname-specific HTTPS listeners exist on Cilium (cilium/cilium#36750, #44123).
    Under enforcement the HTTP listener carries only our redirect route, and a hostname whose
    certificate is missing gets no listener at all rather than a redirect to nowhere.
    """
    specs: list[ListenerSpec] = []
    for item in served:
        hostname = item.hostname
        admitted = item.namespaces or None
        has_certificate = hostname is not None and hostname in with_tls
        if mode == "enforced" and not has_certificate:
            continue
        specs.append(
            ListenerSpec(
                listener_name("HTTP", hostname),
                "HTTP",
                hostname,
                None if mode == "enforced" else admitted,
                tenant=mode != "enforced" and admitted is not None,
            )
        )
        if has_certificate and hostname is not None:
            specs.append(
                ListenerSpec(
                    listener_name("HTTPS", hostname),
                    "HTTPS",
                    hostname,
                    admitted,
                    secret=secret_name(hostname),
                    tenant=admitted is not None,
                )
            )
    if not specs:
        specs.append(empty or ListenerSpec(BARE_LISTENER, "HTTP", None, None, tenant=False))
    return specs


def on_parent(
    specs: Sequence[ListenerSpec], kind: Literal["Gateway", "ListenerSet"], name: str
) -> list[ListenerSpec]:
    """`specs` marked as belonging to the parent `kind`/`name`."""
    return [dataclasses.replace(spec, parent_kind=kind, parent_name=name) for spec in specs]


def attachments(specs: Sequence[ListenerSpec], hostname: str | None) -> list[ListenerSpec]:
    """The listeners a tenant served under `hostname` attaches its route to."""
    return [spec for spec in specs if spec.tenant and spec.hostname == hostname]
