"""Recognise Canonical's `gateway-route`: the same interface name, another wire format.

Canonical publishes charms with this interface name whose databags use other keys (library
`charms.gateway_api_integrator` v0 and v1). Neither side understands the other; without this, a
Canonical requirer reads here as "asks for nothing" and a Canonical provider as a missing
`version`. Pure: keys only, plus whether one value is the empty JSON list.
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
_V0_REQUIRER = frozenset({"model", "name", "port"})
"""Keys only Canonical's v0 requirer writes (with `hostname`, which v1 writes too)."""


def canonical_requirer(databag: Mapping[str, str] | None) -> str | None:
    """`Canonical's gateway-route v1` (or v0) when a requirer writes that format, else None.

    v1 writes `hostname` and `additional_hostnames`, always both. v0 wrote `hostname`, `model`,
    `name`, `port`, and `paths` and `additional_hostnames` only when not empty (each write
    cleared the databag first). A v1 requirer upgraded in place from v0 keeps the v0 keys
    beside its own: its `additional_hostnames` tells it apart when it is `[]`, which v0 never
    writes. With v0 keys and a non-empty `additional_hostnames` the databag is exactly what v0
    (LIBPATCH 6) writes, so v0 is named, though an upgraded v1 requirer with additional
    hostnames looks the same. An empty databag says nothing.
    """
    keys = set(databag or {})
    if not keys or keys & _OURS_REQUIRER:
        return None
    if keys >= _V0_REQUIRER:
        extra = (databag or {}).get("additional_hostnames")
        if extra is None or not _empty_list(extra):
            return "Canonical's gateway-route v0"
        return "Canonical's gateway-route v1"
    if keys & {"hostname", "additional_hostnames"}:
        return "Canonical's gateway-route v1"
    return None


def _empty_list(raw: str) -> bool:
    """Whether a databag value is the JSON empty list (`[]`, however spaced); not decoded."""
    return "".join(raw.split()) == "[]"


def canonical_provider(databag: Mapping[str, str] | None) -> str | None:
    """`Canonical's gateway-route v1` (or v0) when a provider writes that format, else None.

    v1 writes `gateway_name`, `gateway_model` and `https_mode`; v0 wrote `endpoints`, which a
    v1 provider upgraded in place from v0 keeps beside its own keys.
    """
    keys = set(databag or {})
    if not keys or keys & _OURS_PROVIDER:
        return None
    if "gateway_model" in keys:
        return "Canonical's gateway-route v1"
    if "endpoints" in keys:
        return "Canonical's gateway-route v0"
    return None
