"""The Kubernetes objects the configurator wants to exist, from its state (pure)."""

from configurator.plan.route import RouteState
from http_routes import Backend, backend_service, desired_routes


def desired_objects(state: RouteState) -> list[dict]:
    """Service (unless Juju's own one is used), then routes; `backend_tls.py` adds TLS ones.

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
