"""The one way both charms build their Kubernetes client."""

from __future__ import annotations

from lightkube import Client, ConfigError

from kube_objects.failures import ApiFailure, Unavailable


def connect(application: str, namespace: str) -> Client:
    """A client acting as the application: the field manager of everything it applies.

    Configuration comes from the pod's service account (or KUBECONFIG, which is how the tests
    reach the API double). Without either, the hook reports it instead of failing.
    """
    try:
        return Client(field_manager=application, namespace=namespace)
    except ConfigError as error:
        raise Unavailable(f"no Kubernetes API configuration: {error}") from error


def try_connect(application: str, namespace: str) -> Client | ApiFailure:
    """`connect`, with a missing configuration returned rather than raised."""
    try:
        return connect(application, namespace)
    except ApiFailure as failure:
        return failure
