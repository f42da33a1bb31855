"""The ClusterIP Service an HTTPRoute's backendRef points at."""

from collections.abc import Mapping
from typing import Literal

from kube_objects.names import dns1035_label

Scheme = Literal["http", "https", "h2c"]

# Kubernetes-standard appProtocol value telling the data plane to speak cleartext HTTP/2
# (prior knowledge) to the backend (KEP-3726).
H2C_APP_PROTOCOL = "kubernetes.io/h2c"
WORKLOAD_SELECTOR_LABEL = "app.kubernetes.io/name"


def service_name(application: str, port: int) -> str:
    """The Service's name: `<application>-<port>`, a DNS-1035 label of at most 63 characters.

    Juju already owns a Service named `<application>` (and `<application>-endpoints`) in the
    model. A Juju application name never ends in an all-digit part, so `<app>-<port>` can
    collide with no other application's Service; long names are cut with a stable hash.
    """
    return dns1035_label(f"{application}-{port}")


def pod_selector(application: str, juju_service: Mapping[str, str] | None) -> dict[str, str]:
    """How the application's pods are selected: as Juju's own `<application>` Service does.

    Models made by older Juju label pods `juju-app`, newer ones `app.kubernetes.io/name`;
    copying the selector Juju gave its own Service fits either. Without that Service (or with
    an unusable selector), the label every current Juju puts on the pods.
    """
    if juju_service and all(
        isinstance(key, str) and isinstance(value, str) and key and value
        for key, value in juju_service.items()
    ):
        return dict(juju_service)
    return {WORKLOAD_SELECTOR_LABEL: application}


def backend_service(
    *,
    name: str,
    namespace: str,
    selector: Mapping[str, str],
    port: int,
    scheme: Scheme = "http",
) -> dict:
    """A Service selecting the workload's pods (see `pod_selector`) on `port`."""
    service_port: dict = {
        "name": f"tcp-{port}",
        "port": port,
        "targetPort": port,
        "protocol": "TCP",
    }
    if scheme == "h2c":
        service_port["appProtocol"] = H2C_APP_PROTOCOL
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "type": "ClusterIP",
            "selector": dict(selector),
            "ports": [service_port],
        },
    }
