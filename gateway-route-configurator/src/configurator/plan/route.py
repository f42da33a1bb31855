"""What the configurator asks the gateway for; the routes themselves are `http_routes.state`."""

from configurator.plan.config import Config
from gateway_route import RefusalReason, RequirerData
from ingress_v2 import IngressRequest


def gateway_request(config: Config, request: IngressRequest, namespace: str) -> RequirerData:
    """What we ask the gateway for."""
    return RequirerData(
        namespace=namespace,
        application=request.name,
        hostnames=list(config.hostnames),
        refusal_reasons=[reason.value for reason in RefusalReason],
    )
