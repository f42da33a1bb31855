"""Typed models of the ingress v2 databags (see docs/reference/ingress.md for the wire format).

The wire models (``*Data``) validate in strict mode: ingress v2 encodes every value as JSON, so a
port written as the JSON string ``"80"`` is a requirer bug and must not be coerced into 80.
Unknown keys are ignored so that newer requirer libraries keep working.
"""

import ipaddress
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ingress_v2.errors import IngressDataError

Scheme = Literal["http", "https", "h2c"]

# Kubernetes namespace = RFC 1123 label: the Juju model name becomes the namespace.
NamespaceName = Annotated[
    str, StringConstraints(max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
]

# Juju application names: lowercase letters, digits and hyphens, starting with a letter; every
# hyphen-separated part after the first holds a letter (so "app-2" is never read as a unit).
# 63 is Kubernetes' limit for the Service that Juju names after the application.
ApplicationName = Annotated[
    str,
    StringConstraints(max_length=63, pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$"),
]

BackendPort = Annotated[int, Field(ge=1, le=65534)]
HealthcheckPort = Annotated[int, Field(ge=1, le=65535)]

# A name or address at which a unit is reachable: a DNS name or an IP literal, no spaces.
UnitHost = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^\S+$")]


def _canonical_ip(value: str) -> str:
    return str(ipaddress.ip_address(value))


UnitIP = Annotated[str, AfterValidator(_canonical_ip)]


class _WireModel(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore", populate_by_name=True)


class HealthcheckParams(_WireModel):
    """The health check a requirer asks for; Gateway API has no standard way to express it."""

    path: str
    scheme: str | None = None
    hostname: str | None = None
    port: HealthcheckPort | None = None
    interval: str = "30s"
    timeout: str = "5s"


class IngressAppData(_WireModel):
    """What the requirer's leader writes in its application databag (values already decoded)."""

    model: NamespaceName
    name: ApplicationName
    port: BackendPort
    scheme: Scheme = "http"
    strip_prefix: bool = Field(default=False, alias="strip-prefix")
    redirect_https: bool = Field(default=False, alias="redirect-https")
    healthcheck_params: HealthcheckParams | None = None
    # Written by newer requirer libraries: when true, Juju's own `<name>` Service already
    # exposes the port, so the provider may route to it instead of creating its own.
    is_port_open: bool = False


class IngressUnitData(_WireModel):
    """What each requirer unit writes in its unit databag (values already decoded)."""

    host: UnitHost
    # Pod FQDNs are not always resolvable from the proxy, hence the address (traefik-k8s PR #220).
    ip: UnitIP | None = None


class UnitAddress(BaseModel):
    """Where one requirer unit can be reached."""

    model_config = ConfigDict(frozen=True)

    unit: str
    host: str
    ip: str | None = None


class IngressRequest(BaseModel):
    """A usable ingress request: the application's wishes and the units that can be reached.

    ``unit_problems`` lists units that wrote nothing yet or wrote bad data; they are left out of
    ``units`` but do not make the request unusable.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    name: str
    port: int
    scheme: Scheme = "http"
    strip_prefix: bool = False
    redirect_https: bool = False
    healthcheck_params: HealthcheckParams | None = None
    is_port_open: bool = False
    units: list[UnitAddress] = Field(default_factory=list)
    unit_problems: list[IngressDataError] = Field(default_factory=list)
