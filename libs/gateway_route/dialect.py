"""Recognise Canonical's `gateway-route`: the same interface name, another wire format.

Canonical publishes charms with this interface name whose databags use other keys (library
`charms.gateway_api_integrator` v0 and v1). Neither side understands the other; without this, a
Canonical requirer reads here as "asks for nothing" and a Canonical provider as a missing
`version`. Pure: keys only, no decoding.
"""

from collections.abc import Mapping

from gateway_route.models import ProviderData, RequirerData

_OURS_REQUIRER = frozenset(RequirerData.model_fields)
_OURS_PROVIDER = frozenset(ProviderData.model_fields) - {
    "gateway_name",
    "https_mode",
    "hsts_max_age",
}
"""Our keys that Canonical's format never has (it shares a few names with ours)."""


def canonical_requirer(databag: Mapping[str, str] | None) -> str | None:
    """`Canonical's gateway-route v1` (or v0) when a requirer writes that format, else None.

    v1 writes `hostname` and `additional_hostnames`; v0 wrote `hostname`, `model`, `name`,
    `port` (and `paths`, `additional_hostnames` when not empty). An empty databag says nothing.
    """
    keys = set(databag or {})
    if not keys or keys & _OURS_REQUIRER:
        return None
    if {"model", "name", "port"} <= keys and "additional_hostnames" not in keys:
        return "Canonical's gateway-route v0"
    if keys & {"hostname", "additional_hostnames"}:
        return "Canonical's gateway-route v1"
    return None


def canonical_provider(databag: Mapping[str, str] | None) -> str | None:
    """`Canonical's gateway-route v1` (or v0) when a provider writes that format, else None.

    v1 writes `gateway_name`, `gateway_model` and `https_mode`; v0 wrote `endpoints`.
    """
    keys = set(databag or {})
    if not keys or keys & _OURS_PROVIDER:
        return None
    if "gateway_model" in keys:
        return "Canonical's gateway-route v1"
    if "endpoints" in keys:
        return "Canonical's gateway-route v0"
    return None
