"""Reads from the Kubernetes API the reconcile needs besides applying: thin, no decisions.

Every failure is raised as a kube_apply KubeError, which the charm turns into a status.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from lightkube import ApiError, Client

from kube_apply import Applier, Gateway, GatewayClass, ListenerSet, classify
from kube_apply.apply import ResourceType
from kube_apply.errors import API_ERRORS

T = TypeVar("T")


def guarded(call: Callable[[], T]) -> T:
    """Run an API call, turning its failure into a KubeError."""
    try:
        return call()
    except API_ERRORS as error:
        raise classify(error) from error


def _get_or_none(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ApiError as error:
        if error.status.code == 404:
            return None
        raise classify(error) from error
    except API_ERRORS as error:
        raise classify(error) from error


def read_gateway(client: Client, name: str, namespace: str) -> dict | None:
    """The Gateway under our name, ours or not, with its status; None when absent."""
    found = _get_or_none(lambda: client.get(Gateway, name, namespace=namespace))
    return found.to_dict() if found is not None else None


def taken_by_others(
    client: Client, kind: ResourceType, names: set[str], namespace: str, ours: set[str]
) -> set[str]:
    """Which of `names` already exist in `namespace` as objects we do not own.

    Only names missing from our own listing cost a GET, so a steady reconcile sends none.
    """
    resource: Any = kind
    return {
        name
        for name in sorted(names - ours)
        if _get_or_none(lambda name=name: client.get(resource, name, namespace=namespace))
        is not None
    }


def gateway_class_names(client: Client) -> list[str]:
    """Every GatewayClass in the cluster (cluster scope: needs `juju trust --scope=cluster`)."""
    listed: list[Any] = guarded(lambda: list(client.list(GatewayClass)))
    return sorted(str(item.metadata.name) for item in listed if item.metadata)


def gateway_class_exists(client: Client, name: str) -> bool:
    """Whether the configured GatewayClass is there."""
    return _get_or_none(lambda: client.get(GatewayClass, name)) is not None


def owned_listener_sets(applier: Applier, namespace: str) -> list[dict] | None:
    """Our ListenerSets; None when the cluster does not serve the kind (Gateway API < v1.5).

    The LIST we need anyway doubles as discovery: a 404 on the collection means no such CRD.
    """
    try:
        return applier.owned(ListenerSet, namespace)
    except ApiError as error:
        if error.status.code == 404:
            return None
        raise classify(error) from error
    except API_ERRORS as error:  # timeouts and resets: the reconcile reports and retries
        raise classify(error) from error
