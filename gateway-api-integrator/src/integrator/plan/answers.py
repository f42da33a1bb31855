"""The gateway-route answer to each configurator. Pure.

Built from the same listener plan as the Gateway, so a configurator is only ever told to attach
to a listener that exists.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gateway_route import Accepted, ParentRef, ProviderData, RefusalReason, Refused, Serving
from gateway_route.models import MAX_MESSAGE_LENGTH, REASONS_1_0
from integrator.plan.arbitration import Arbitration
from integrator.plan.claims import Claim, Impostor
from integrator.plan.listeners import HttpsMode, ListenerSpec, attachments


@dataclass(frozen=True)
class GatewayFacts:
    """Where the configurators attach, and the facts every answer shares."""

    name: str
    namespace: str
    mode: HttpsMode
    hsts_max_age: int
    addresses: tuple[str, ...]
    default_hostname: str | None
    other_gateways: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Addresses of our further Gateways (where the cluster has no ListenerSet), by name."""
    serving: Mapping[str | None, Serving] = field(default_factory=dict)
    """The controller's verdict on each served hostname's listeners."""
    features: tuple[str, ...] | None = None
    """What the controller advertises; None when it says nothing."""
    certificates_related: bool = True
    revoked: frozenset[str] = frozenset()
    """Hostnames whose certificate the TLS provider revoked; a replacement is requested."""

    def addresses_for(self, parents: Sequence[ParentRef]) -> list[str]:
        """The main Gateway's addresses, then those of further Gateways `parents` use."""
        found = list(self.addresses)
        for parent in parents:
            if parent.kind == "Gateway" and parent.name in self.other_gateways:
                found.extend(a for a in self.other_gateways[parent.name] if a not in found)
        return found


def answer(
    claim: Claim, arbitration: Arbitration, specs: Sequence[ListenerSpec], gateway: GatewayFacts
) -> ProviderData:
    """One configurator's answer: its attachments and why anything else is not served."""
    accepted: list[Accepted] = []
    refused: list[Refused] = list(arbitration.refused.get(claim.relation_id, ()))
    for served in arbitration.served_for(claim.relation_id):
        parents = [
            ParentRef(
                kind=spec.parent_kind,
                name=spec.parent_name or gateway.name,
                namespace=gateway.namespace,
                section_name=spec.name,
                protocol=spec.protocol,
                port=spec.port,
            )
            for spec in attachments(specs, served.hostname)
        ]
        if parents:
            serving = gateway.serving.get(served.hostname)
            accepted.append(Accepted(hostname=served.hostname, parents=parents, serving=serving))
        else:  # only enforcement withholds listeners from a served hostname
            refused.append(_pending_certificate(served.hostname or "", gateway))
    return _provider_data([_for(claim, item) for item in refused], accepted, gateway)


def _for(claim: Claim, refusal: Refused) -> Refused:
    """The refusal in words this requirer reads: a 1.0 reader refuses reasons it does not know."""
    known = claim.refusal_reasons if claim.refusal_reasons is not None else REASONS_1_0
    if refusal.reason in known:
        return refusal
    return refusal.model_copy(
        update={
            "reason": RefusalReason.INVALID,
            "message": f"{refusal.reason.value}: {refusal.message}"[:MAX_MESSAGE_LENGTH],
        }
    )


def refusal_answer(impostor: Impostor, gateway: GatewayFacts) -> ProviderData:
    """Everything an impostor asked for, refused, with why."""
    claim = impostor.claim
    fix = (
        "the configurator must be deployed in the model whose namespace it claims: "
        f"juju deploy gateway-route-configurator --trust -m {claim.namespace}"
    )
    refused = [
        Refused(
            hostname=hostname,
            reason=RefusalReason.INVALID,
            message=f"refused: the requester {impostor.problem}",
            fix=fix,
        )
        for hostname in claim.hostnames or ("",)
    ]
    return _provider_data(refused, [], gateway)


def _provider_data(
    refused: list[Refused], accepted: list[Accepted], gateway: GatewayFacts
) -> ProviderData:
    return ProviderData(
        gateway_name=gateway.name,
        gateway_namespace=gateway.namespace,
        https_mode=gateway.mode,
        # Strict-Transport-Security only makes sense once plain HTTP is gone.
        hsts_max_age=gateway.hsts_max_age if gateway.mode == "enforced" else 0,
        addresses=gateway.addresses_for([p for item in accepted for p in item.parents]),
        default_hostname=gateway.default_hostname,
        accepted=accepted,
        refused=refused,
        features=list(gateway.features) if gateway.features is not None else None,
    )


def _pending_certificate(hostname: str, gateway: GatewayFacts) -> Refused:
    """HTTPS is enforced and the hostname has no certificate: on its way, or it cannot come."""
    if not gateway.certificates_related:
        return Refused(
            hostname=hostname,
            reason=RefusalReason.PENDING_CERTIFICATE,
            message=f"HTTPS is enforced and the gateway {gateway.name} has no TLS provider",
            fix=(
                "the gateway's operator must run: "
                f"juju integrate {gateway.name}:certificates <a tls-certificates provider>"
            ),
        )
    if hostname in gateway.revoked:
        message = (
            f"HTTPS is enforced and the certificate for {hostname} was revoked; its replacement "
            "has not arrived yet"
        )
    else:
        message = f"HTTPS is enforced and the certificate for {hostname} has not arrived yet"
    return Refused(hostname=hostname, reason=RefusalReason.PENDING_CERTIFICATE, message=message)
