"""The get-certificate action's answer, from the snapshot. Pure; never the private key."""

from integrator.plan.certificates import usable
from integrator.plan.claims import wanted_certificates
from integrator.plan.objects import secret_name
from integrator.plan.snapshot import Observed
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
    if found is not None:
        return {
            "certificate": found.certificate,
            "ca": found.ca,
            "chain": "\n".join(found.chain),
            "not-after": found.expires.isoformat(),
            "sans": ",".join(found.sans),
            "sha256-fingerprint": found.fingerprint,
            "secret": f"{observed.namespace}/{secret_name(observed.app, hostname)}",
        }
    if hostname in wanted_certificates(observed.config, observed.requests):
        return (
            f"no usable certificate for {hostname} yet (not issued, revoked or expired); "
            "check the TLS provider"
        )
    return (
        f"unknown hostname {hostname!r}; hostnames with certificates: "
        f"{', '.join(sorted(issued)) or 'none'}"
    )
