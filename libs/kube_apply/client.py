"""The one way both charms build their Kubernetes client."""

from __future__ import annotations

import logging
import os

import httpx2
from lightkube import Client, ConfigError

from kube_objects.failures import ApiFailure, Unavailable

# Under Juju every log record a charm emits is a `juju-log` hook-tool call (ops sends the root
# logger to Juju at DEBUG). The HTTP client logs each request's phases at DEBUG: thousands of
# calls in one hook at a thousand tenants. Its warnings still get through.
for _name in ("httpx2", "httpcore2"):
    logging.getLogger(_name).setLevel(logging.WARNING)

TIMEOUT_ENV = "KUBE_APPLY_TIMEOUT"
DEFAULT_TIMEOUT_S = 10.0
"""lightkube's own default: a hook waiting on an unreachable API should give up and retry."""


def timeout_seconds() -> float:
    """The client timeout: $KUBE_APPLY_TIMEOUT seconds when set to a positive number, else 10.

    Juju does not set it, so deployed charms keep the default. Test suites set it high so that
    a loaded machine, not the code under test, is never what fails a request.
    """
    try:
        value = float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S)
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if value > 0 else DEFAULT_TIMEOUT_S


def connect(application: str, namespace: str) -> Client:
    """A client acting as the application: the field manager of everything it applies.

    Configuration comes from the pod's service account (or KUBECONFIG, which is how the tests
    reach the API double). Without either, the hook reports it instead of failing.
    """
    try:
        return Client(
            field_manager=application,
            namespace=namespace,
            timeout=httpx2.Timeout(timeout_seconds()),
        )
    except ConfigError as error:
        raise Unavailable(f"no Kubernetes API configuration: {error}") from error


def try_connect(application: str, namespace: str) -> Client | ApiFailure:
    """`connect`, with a missing configuration returned rather than raised."""
    try:
        return connect(application, namespace)
    except ApiFailure as failure:
        return failure
