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


LEGACY_SELECTOR_LABEL = "juju-app"
"""The pod label of models made by older Juju, which Juju's own `<app>` Service selects on."""


def pod_selector(application: str, juju_service: Mapping[str, str] | None) -> dict[str, str]:
    """How the application's pods are selected: as Juju's own `<application>` Service does.

    Models made by older Juju label pods `juju-app`, newer ones `app.kubernetes.io/name`; the
    selector Juju gave its own Service says which. Only those two forms, naming `application`,
    are copied: a Service a workload charm rewrote to select other pods is not followed.
    Otherwise, the label every current Juju puts on the pods.
    """
    legacy = {LEGACY_SELECTOR_LABEL: application}
    if juju_service is not None and dict(juju_service) == legacy:
        return legacy
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
