"""Reads of the real cluster with lightkube: the objects the charms own, by kind and label.

The label keys are restated here rather than imported from `kube_apply`, so the suite checks
the documented contract (docs/reference/) instead of agreeing with the code by construction.
"""

from collections.abc import Iterator

from lightkube import Client
from lightkube.generic_resource import create_namespaced_resource
from lightkube.resources.core_v1 import Secret, Service

MANAGED_BY = "app.kubernetes.io/managed-by"
APPLICATION = "gateway-api.juju.is/application"
MODEL = "gateway-api.juju.is/model"
CHARMS = ("gateway-api-integrator", "gateway-route-configurator")

Gateway = create_namespaced_resource("gateway.networking.k8s.io", "v1", "Gateway", "gateways")
HTTPRoute = create_namespaced_resource(
    "gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"
)
OWNED_KINDS = (Gateway, HTTPRoute, Secret, Service)


def ownership_labels(charm: str, application: str, model: str) -> dict[str, str]:
    """The labels every object created by `application` (of `charm`) carries."""
    return {MANAGED_BY: charm, APPLICATION: application, MODEL: model}


def owned_objects(client: Client, namespace: str) -> Iterator[str]:
    """`Kind/name` of every object in `namespace` that either charm labels as its own."""
    for kind in OWNED_KINDS:
        for charm in CHARMS:
            for obj in client.list(kind, namespace=namespace, labels={MANAGED_BY: charm}):
                name = obj.metadata.name if obj.metadata else "?"
                yield f"{kind.__name__}/{name}"
