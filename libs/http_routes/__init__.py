"""Pure builders for the objects that route Gateway API traffic to one workload.

Plain values in, plain dicts out, no API calls: gateway-route-configurator builds its `Service`
and `HTTPRoute`s with them, and gateway-api-integrator the same for the workload related to it
directly. `http_routes.state` combines what is wanted, the workload's ingress request and the
gateway's answer into those objects; `http_routes.flow` judges, from the controller's
conditions, whether traffic flows to the workload's URL.
Reference: docs/reference/gateway-route-configurator.md ("Route semantics").
"""

from http_routes.backend_tls import CA_KEY, backend_tls_policy, ca_config_map
from http_routes.paths import MAX_PATH_LENGTH, nest_path, normalise_path
from http_routes.routes import Attachment, Backend, desired_routes, parent_ref
from http_routes.service import backend_service, pod_selector, service_name

__version__ = "1.0.0"

__all__ = [
    "CA_KEY",
    "MAX_PATH_LENGTH",
    "Attachment",
    "Backend",
    "backend_service",
    "backend_tls_policy",
    "ca_config_map",
    "desired_routes",
    "nest_path",
    "normalise_path",
    "parent_ref",
    "pod_selector",
    "service_name",
]
