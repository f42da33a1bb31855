"""The unit status: the operator's view of what is wrong, what is awaited, where traffic goes."""

from collections.abc import Sequence

import ops

from kube_apply import KubeError, MissingApi, Rejected, TrustRequired

STANDBY = ops.ActiveStatus("standby")


def integrate_certificates(app: str) -> str:
    """The command that gives the gateway certificates."""
    return (
        f"juju integrate {app}:certificates "
        "<a tls-certificates provider, e.g. self-signed-certificates>"
    )


def from_kube_error(app: str, error: KubeError) -> ops.StatusBase:
    """A Kubernetes API failure, with what to do about it."""
    if isinstance(error, TrustRequired):
        return ops.BlockedStatus(f"run: juju trust {app} --scope=cluster")
    if isinstance(error, MissingApi):
        return ops.BlockedStatus(
            "Gateway API CRDs missing from the cluster: install Gateway API v1.2 or later"
        )
    if isinstance(error, Rejected):
        return ops.BlockedStatus(f"Kubernetes rejected an object: {error.message}"[:400])
    return ops.WaitingStatus(
        f"Kubernetes API unavailable ({error.message[:120]}); retrying on the next event"
    )


def leader_status(
    *,
    blocked: Sequence[str],
    pending_certificates: int,
    addresses: Sequence[str],
    served: int,
    unaddressed: Sequence[str] = (),
) -> ops.StatusBase:
    """Blocked beats Waiting beats Active; every message says what to do or what is awaited.

    `unaddressed`: further Gateways (clusters without ListenerSet) that have no address yet.
    """
    if blocked:
        return ops.BlockedStatus("; ".join(blocked))
    waiting = []
    if pending_certificates:
        waiting.append(f"certificates for {pending_certificates} hostname(s)")
    if not addresses:
        waiting.append("the gateway address")
    if unaddressed:
        waiting.append(f"the address of Gateway {', '.join(unaddressed)}")
    if waiting:
        return ops.WaitingStatus("waiting for " + " and ".join(waiting))
    return ops.ActiveStatus(f"{served} hostname(s) served at {', '.join(addresses)}")
