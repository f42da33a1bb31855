"""Whether traffic flows to a workload through its routes, as the controller reports it. Pure.

A URL is given to a workload only once it would reach it, and one it holds is kept only while
the controller is briefly catching up: both charms judge their workloads' URLs here.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from gateway_route.models import ServingState
from http_routes.state import RouteState
from kube_objects.route_health import ParentKey, RouteHealth, parent_key

# Pending reasons that clear by themselves: nothing reported yet, an older spec reported, or
# the spec's `Pending` (Accepted/Programmed Unknown: the controller has not reconciled it yet).
# Others, such as AddressNotAssigned or NoResources, mean traffic does not flow for a while.
CATCHING_UP = frozenset({"NotReported", "Stale", "Pending", ""})


def passing(held: str | None, state: RouteState, health: RouteHealth) -> bool:
    """Whether the URL the workload holds is only briefly not flowing: keep it, not wipe it.

    Brief: it is still one of ours (same host and path; the scheme may be changing), nobody
    refused it, and the controller is only catching up (see CATCHING_UP). A refusal, a gone
    attachment, or a condition that does not clear by itself wipes it.
    """
    if not held or health.rejected:
        return False
    hostname = next((h for h, url in state.urls.items() if same_place(url, held)), "")
    if hostname == "":
        return False
    serving = state.serving.get(hostname)
    if serving is None or serving.state == ServingState.PROGRAMMED:
        return True
    return serving.state == ServingState.PENDING and serving.reason in CATCHING_UP


def same_place(url: str, held: str) -> bool:
    """Same host and path, and the held scheme still served.

    `http://h/` held while `https://h/` is being programmed: the HTTP listener stays. Not the
    other way round: an `https://` URL dies with its listener.
    """
    new, old = urlsplit(url), urlsplit(held)
    scheme_kept = old.scheme in (new.scheme, "http")
    return scheme_kept and (new.hostname, new.port, new.path) == (old.hostname, old.port, old.path)


def flowing_url(state: RouteState, parents: Mapping[ParentKey, RouteHealth]) -> str | None:
    """The URL of the first attachment (config order) through which traffic flows.

    Traffic flows when the controller attached our routes on every listener of the attachment
    and the gateway reports those listeners programmed.
    """
    for attachment in state.attachments:
        url = state.urls.get(attachment.hostname)
        serving = state.serving.get(attachment.hostname)
        keys = [parent_key(p.model_dump(), state.namespace) for p in attachment.parents]
        attached = bool(keys) and all(k in parents and parents[k].attached for k in keys)
        programmed = serving is None or serving.state == ServingState.PROGRAMMED
        if url and attached and programmed and usable_url(url):
            return url
    return None


def usable_url(url: str | None) -> bool:
    """An absolute http(s) URL the workload can use; anything else is better not sent."""
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname)
