"""The get-certificate action's answer, from the snapshot. Pure; never the private key."""

from integrator.plan.certificates import Issued, in_secret, usable
from integrator.plan.claims import wanted_certificates
from integrator.plan.objects import Names, names_in_use, served_chain
from integrator.plan.snapshot import Cluster, Observed
from integrator.plan.status import integrate_certificates


def certificate_result(observed: Observed, hostname: str) -> dict[str, str] | str:
    """The results to set, or the reason the action fails."""
    if not observed.leader:
        return "only the leader unit holds the certificates: run this on the leader"
    certificates = observed.certificates
    if not certificates.related:
        return f"no certificates relation; run: {integrate_certificates(observed.app)}"
    issued = usable(certificates.offered, observed.now) if observed.now else {}
    found = issued.get(hostname) if certificates.private_key else None
    secret = f"{observed.namespace}/{_names(observed).secret(hostname)}"
    if found is not None:
        return _results(found, secret, "issued")
    if hostname in wanted_certificates(observed.config, observed.requests):
        kept = _kept(observed, hostname)
        if kept is not None:
            return _results(kept, secret, "served until its replacement arrives")
        return (
            f"no usable certificate for {hostname} yet (not issued, revoked or expired); "
            "check the TLS provider"
        )
    return (
        f"unknown hostname {hostname!r}; hostnames with certificates: "
        f"{', '.join(sorted(issued)) or 'none'}"
    )


def _results(found: Issued, secret: str, state: str) -> dict[str, str]:
    return {
        "certificate": found.certificate,
        "ca": found.ca,
        "chain": "\n".join(found.chain),
        "not-after": found.expires.isoformat(),
        "sans": ",".join(found.sans),
        "sha256-fingerprint": found.fingerprint,
        "secret": secret,
        "state": state,
    }


def _kept(observed: Observed, hostname: str) -> Issued | None:
    """What the hostname's Secret still serves while the provider has no usable certificate."""
    cluster, now = observed.cluster, observed.now
    if not isinstance(cluster, Cluster) or now is None:
        return None
    stored = cluster.listing.of("Secret").get(_names(observed).secret(hostname))
    return in_secret(hostname, served_chain(stored), now) if stored else None


def _names(observed: Observed) -> Names:
    """The Secret names in use (an adopted Gateway's are kept)."""
    cluster, app = observed.cluster, observed.app
    if not isinstance(cluster, Cluster):
        return Names(app)
    listing = cluster.listing
    return names_in_use(app, listing.of("Gateway").get(app), listing.of("Secret"))
