"""Wire models of the gateway-route relation, one pydantic model per application databag.

Each top-level field is one databag key holding a JSON-encoded value (see `databag.py`).
Adding a field with a default keeps `VERSION`; anything else a reader of this version would
misread bumps it.
"""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from gateway_route.hostnames import Address, Hostname

VERSION = 1
"""The wire version this library writes and the highest it reads."""

MAX_REQUESTED_HOSTNAMES = 64
"""Hostnames one configurator may ask for (each becomes listeners and a certificate)."""
MAX_REFUSED_HOSTNAME_LENGTH = 256
MAX_MESSAGE_LENGTH = 1024
MAX_REASON_LENGTH = 128

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"

WireVersion = Annotated[int, Field(ge=1, le=VERSION)]
DnsLabel = Annotated[str, Field(min_length=1, max_length=63, pattern=_DNS_LABEL)]
"""A Kubernetes namespace name (RFC 1123 label)."""
ObjectName = Annotated[str, Field(min_length=1, max_length=253, pattern=_DNS_SUBDOMAIN)]
"""A Kubernetes object name or Gateway API SectionName (RFC 1123 subdomain)."""


def _capped(limit: int) -> BeforeValidator:
    """Truncate over-long strings from the other side instead of refusing them."""

    def cap(value: object) -> object:
        if isinstance(value, str) and len(value) > limit:
            return value[: limit - 3] + "..."
        return value

    return BeforeValidator(cap)


def _unique(values: list[str | None]) -> list[str | None]:
    seen: set[str | None] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate hostname {value!r}")
        seen.add(value)
    return values


def _hostnames_unique(items: "list[Accepted]") -> "list[Accepted]":
    _unique([item.hostname for item in items])
    return items


def _omit_none(data: dict, *keys: str) -> dict:
    """Leave out fields added after 1.0 while they hold nothing.

    So 1.0 data reads back as it was written, and an unchanged answer stays byte-for-byte the same.
    """
    return {key: value for key, value in data.items() if not (key in keys and value is None)}


class _Wire(BaseModel):
    # strict: "8080" is not a port and true is not 1; the JSON already carries the types.
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")


class RequirerData(_Wire):
    """What gateway-route-configurator asks for."""

    version: WireVersion = VERSION
    namespace: DnsLabel
    """The configurator's Juju model, which is the namespace its HTTPRoute lives in."""
    application: Annotated[str, Field(min_length=1, max_length=253)]
    """The workload application served (informational: logs, statuses)."""
    hostnames: Annotated[
        list[Hostname], Field(max_length=MAX_REQUESTED_HOSTNAMES), AfterValidator(_unique)
    ]
    """Hostnames to serve; empty means the gateway's default hostname or bare address."""
    refusal_reasons: list[str] | None = None
    """The refusal reasons this requirer reads (library 1.1+); None: those of 1.0. A gateway
    sends a newer reason only to requirers that list it."""

    @model_serializer(mode="wrap")
    def _without_unknowns(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _omit_none(handler(self), "refusal_reasons")


class ParentRef(_Wire):
    """One listener a route attaches to, as an HTTPRoute `parentRefs` entry needs it."""

    group: Literal["gateway.networking.k8s.io"] = "gateway.networking.k8s.io"
    kind: Literal["Gateway", "ListenerSet"] = "Gateway"
    name: ObjectName
    namespace: DnsLabel
    section_name: ObjectName
    protocol: Literal["HTTP", "HTTPS"]
    port: Annotated[int, Field(ge=1, le=65535)]


class ServingState(StrEnum):
    """Whether the gateway's controller carries traffic for a hostname's listeners."""

    PROGRAMMED = "programmed"
    """Every listener the requirer attaches to is accepted and programmed."""
    PENDING = "pending"
    """The controller has not programmed them yet; this clears by itself."""
    FAILED = "failed"
    """The controller refused them (for example an invalid certificate); somebody must act."""


class Serving(_Wire):
    """The controller's verdict on the listeners of one accepted hostname."""

    state: Annotated[ServingState, Field(strict=False)]
    reason: Annotated[str, _capped(MAX_REASON_LENGTH)] = ""
    """The controller's condition reason (`Pending`, `InvalidCertificateRef`, ...)."""
    message: Annotated[str, _capped(MAX_MESSAGE_LENGTH)] = ""
    """The controller's words, or the gateway's, for humans."""
    fix: Annotated[str, _capped(MAX_MESSAGE_LENGTH)] = ""
    """Who must act and how, when somebody must; empty when it clears by itself."""


class Accepted(_Wire):
    """A hostname the gateway serves for this requirer, and where to attach for it."""

    hostname: Hostname | None
    """None: no hostname, reached by the gateway's address on a plain-HTTP listener."""
    parents: Annotated[list[ParentRef], Field(min_length=1)]
    serving: Serving | None = None
    """The controller's verdict on those listeners; None from gateways before library 1.1
    (the requirer then judges by its routes' status alone)."""

    @model_serializer(mode="wrap")
    def _without_unknowns(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _omit_none(handler(self), "serving")

    @property
    def programmed(self) -> bool:
        """Whether traffic flows through these listeners, as far as the gateway knows."""
        return self.serving is None or self.serving.state == ServingState.PROGRAMMED

    @property
    def has_https(self) -> bool:
        """Whether traffic for this hostname can arrive over TLS."""
        return any(parent.protocol == "HTTPS" for parent in self.parents)


class RefusalReason(StrEnum):
    """Why a hostname is not (yet) served."""

    INVALID = "invalid"
    """Not a hostname the gateway can serve; the operator must fix the configurator's config."""
    CONFLICT = "conflict"
    """Another application already holds it; it must be released there first."""
    PENDING_CERTIFICATE = "pending-certificate"
    """HTTPS is enforced and the certificate has not arrived yet; this clears by itself."""
    CAPACITY = "capacity"
    """The gateway has no listener left for it."""
    NOT_ALLOWED = "not-allowed"
    """The gateway's hostname policy does not let this requirer's model claim it (library 1.1;
    sent only to requirers that list it in `refusal_reasons`)."""


REASONS_1_0 = frozenset(
    {
        RefusalReason.INVALID,
        RefusalReason.CONFLICT,
        RefusalReason.PENDING_CERTIFICATE,
        RefusalReason.CAPACITY,
    }
)
"""What a library 1.0 requirer reads; a newer reason makes its decoder refuse the answer."""


class Refused(_Wire):
    """A requested hostname the gateway does not serve, and why."""

    hostname: Annotated[str, _capped(MAX_REFUSED_HOSTNAME_LENGTH)]
    """As requested (possibly invalid); empty when the request carried no hostname."""
    reason: Annotated[RefusalReason, Field(strict=False)]  # strict enums want instances
    message: Annotated[str, _capped(MAX_MESSAGE_LENGTH)]
    """For humans: shown in the requirer's status."""
    fix: Annotated[str, _capped(MAX_MESSAGE_LENGTH)] | None = None
    """Who must act and how; None when it clears by itself (e.g. a certificate on its way).
    A `pending-certificate` refusal with a fix will not clear by itself."""

    @model_serializer(mode="wrap")
    def _without_unknowns(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _omit_none(handler(self), "fix")


class ProviderData(_Wire):
    """What gateway-api-integrator answers to one requirer."""

    version: WireVersion = VERSION
    gateway_name: ObjectName
    gateway_namespace: DnsLabel
    https_mode: Literal["disabled", "enabled", "enforced"]
    hsts_max_age: Annotated[int, Field(ge=0)]
    """Seconds for `Strict-Transport-Security` on HTTPS attachments; 0 means no header."""
    addresses: list[Address]
    """The Gateway's external addresses (IPs or DNS names), empty until it has any."""
    default_hostname: Hostname | None = None
    """The hostname given to requirers that asked for none, if the gateway has one."""
    accepted: Annotated[list[Accepted], AfterValidator(_hostnames_unique)]
    refused: list[Refused]
    features: list[Annotated[str, _capped(MAX_REASON_LENGTH)]] | None = None
    """Gateway API features the Gateway's controller advertises (its GatewayClass
    `status.supportedFeatures`), e.g. `BackendTLSPolicy`; None from gateways before library 1.1
    or while the controller says nothing."""

    def accepted_for(self, hostname: str | None) -> Accepted | None:
        """The acceptance of `hostname` (None: the hostname-less one), if any."""
        return next((item for item in self.accepted if item.hostname == hostname), None)

    def attachments_for(self, hostname: str | None) -> list[ParentRef]:
        """Where a route for `hostname` attaches; empty when it is not accepted."""
        accepted = self.accepted_for(hostname)
        return list(accepted.parents) if accepted else []

    def has_https(self, hostname: str | None) -> bool:
        """Whether `hostname` is accepted with at least one HTTPS listener."""
        accepted = self.accepted_for(hostname)
        return accepted is not None and accepted.has_https

    def refusal_for(self, hostname: str) -> Refused | None:
        """Why `hostname` was refused, if it was."""
        return next((item for item in self.refused if item.hostname == hostname), None)

    def url_for(self, hostname: str | None) -> str | None:
        """The root URL clients use for an accepted hostname, or None when there is none.

        A hostname-less acceptance is reached at the Gateway's first address, if it has one.
        """
        accepted = self.accepted_for(hostname)
        if accepted is None:
            return None
        host = hostname or (self.addresses[0] if self.addresses else None)
        if host is None:
            return None
        if ":" in host:
            host = f"[{host}]"
        scheme = "https" if accepted.has_https else "http"
        return f"{scheme}://{host}/"
