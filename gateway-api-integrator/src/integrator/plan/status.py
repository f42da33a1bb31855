"""The leader's status: what is wrong, what is awaited, where traffic goes. Pure."""

from collections.abc import Sequence

from reconcile import Status, active, blocked, waiting


def integrate_certificates(app: str) -> str:
    """The command that gives the gateway certificates."""
    return (
        f"juju integrate {app}:certificates "
        "<a tls-certificates provider, e.g. self-signed-certificates>"
    )


def leader_status(
    *,
    problems: Sequence[str],
    pending_certificates: int,
    addresses: Sequence[str],
    served: int,
    unaddressed: Sequence[str] = (),
) -> Status:
    """Blocked beats Waiting beats Active; every message says what to do or what is awaited.

    `unaddressed`: further Gateways (clusters without ListenerSet) that have no address yet.
    """
    if problems:
        return blocked("; ".join(problems))
    awaited = []
    if pending_certificates:
        awaited.append(f"certificates for {pending_certificates} hostname(s)")
    if not addresses:
        awaited.append("the gateway address")
    if unaddressed:
        awaited.append(f"the address of Gateway {', '.join(unaddressed)}")
    if awaited:
        return waiting("waiting for " + " and ".join(awaited))
    return active(f"{served} hostname(s) served at {', '.join(addresses)}")
