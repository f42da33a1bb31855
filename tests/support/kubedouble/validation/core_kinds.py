"""Built-in kinds: the resource types served without CRDs, and kube-apiserver's code checks.

There is no schema for these: a handful of the checks the API server makes in Go, the ones that
matter to the charms, are written out here.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from . import names
from .records import ResourceType

CORE_TYPES = (
    ResourceType("", "v1", "Namespace", "namespaces", namespaced=False, has_status=True),
    ResourceType("", "v1", "Service", "services", namespaced=True, has_status=True),
    ResourceType("", "v1", "Secret", "secrets", namespaced=True, has_status=False),
    ResourceType("", "v1", "ConfigMap", "configmaps", namespaced=True, has_status=False),
    ResourceType("", "v1", "Endpoints", "endpoints", namespaced=True, has_status=False),
    ResourceType(
        "discovery.k8s.io",
        "v1",
        "EndpointSlice",
        "endpointslices",
        namespaced=True,
        has_status=False,
    ),
    # Juju runs each application as a StatefulSet named after it; the charms read its replicas.
    ResourceType("apps", "v1", "StatefulSet", "statefulsets", namespaced=True, has_status=True),
)

NAME_CHECKS: dict[str, Callable[[str], list[str]]] = {
    "Namespace": names.dns1123_label,
    "Service": names.dns1035_label,
}

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
PROTOCOLS = ("SCTP", "TCP", "UDP")
ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_MAX_SECRET_BYTES = 1024 * 1024


def defaulted(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy with the defaults kube-apiserver fills for these kinds (the ones charms see)."""
    out = copy.deepcopy(obj)
    kind = out.get("kind")
    if kind == "Secret":
        out.setdefault("type", "Opaque")
    elif kind == "Service" and isinstance(out.get("spec"), dict):
        spec = out["spec"]
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                if "port" in port:
                    port.setdefault("targetPort", port["port"])
    return out


def core_errors(obj: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    """kube-apiserver's code checks for a built-in kind (object already defaulted)."""
    kind = str(obj.get("kind"))
    errors = names.metadata_errors(
        obj.get("metadata"), NAME_CHECKS.get(kind, names.dns1123_subdomain)
    )
    check = _KIND_CHECKS.get(kind)
    if check is not None:
        errors += check(obj, old)
    return errors


def _service(obj: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    spec = obj.get("spec")
    if not isinstance(spec, Mapping):
        return ["spec: Required value"]
    errors: list[str] = []
    service_type = spec.get("type", "ClusterIP")
    if service_type not in SERVICE_TYPES:
        errors.append(
            f'spec.type: Unsupported value: "{service_type}": supported values: '
            + ", ".join(f'"{t}"' for t in SERVICE_TYPES)
        )
    ports = spec.get("ports") or []
    headless = spec.get("clusterIP") == "None"
    if not ports and service_type != "ExternalName" and not headless:
        errors.append("spec.ports: Required value")
    seen_names: set[str] = set()
    seen_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        path = f"spec.ports[{i}]"
        if not isinstance(port, Mapping):
            errors.append(f"{path}: Invalid value: must be an object")
            continue
        errors += _service_port(port, path, require_name=len(ports) > 1, service_type=service_type)
        name = port.get("name")
        if name:
            if name in seen_names:
                errors.append(f'{path}.name: Duplicate value: "{name}"')
            seen_names.add(name)
        key = (port.get("port"), port.get("protocol", "TCP"))
        if key in seen_ports:
            errors.append(f'{path}: Duplicate value: {{"port":{key[0]},"protocol":"{key[1]}"}}')
        seen_ports.add(key)
    for key, value in (spec.get("selector") or {}).items():
        errors += [
            f'spec.selector: Invalid value: "{key}": {e}' for e in names.qualified_name(key)
        ]
        errors += [
            f'spec.selector: Invalid value: "{value}": {e}' for e in names.label_value(str(value))
        ]
    return errors


def _port_number(value: Any, path: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        return [f"{path}: Invalid value: {value!r}: must be between 1 and 65535, inclusive"]
    return []


def _service_port(
    port: Mapping[str, Any], path: str, *, require_name: bool, service_type: str
) -> list[str]:
    errors: list[str] = []
    name = port.get("name")
    if not name:
        if require_name:
            errors.append(f"{path}.name: Required value")
    else:
        errors += [f'{path}.name: Invalid value: "{name}": {e}' for e in names.dns1123_label(name)]
    if "port" not in port:
        errors.append(f"{path}.port: Required value")
    else:
        errors += _port_number(port["port"], f"{path}.port")
    protocol = port.get("protocol", "TCP")
    if protocol not in PROTOCOLS:
        errors.append(
            f'{path}.protocol: Unsupported value: "{protocol}": supported values: '
            + ", ".join(f'"{p}"' for p in PROTOCOLS)
        )
    target = port.get("targetPort")
    if isinstance(target, str):
        errors += [
            f'{path}.targetPort: Invalid value: "{target}": {e}'
            for e in names.iana_svc_name(target)
        ]
    elif target is not None:
        errors += _port_number(target, f"{path}.targetPort")
    if "nodePort" in port:
        if service_type not in ("NodePort", "LoadBalancer"):
            errors.append(
                f"{path}.nodePort: Forbidden: may not be used when `type` is '{service_type}'"
            )
        else:
            errors += _port_number(port["nodePort"], f"{path}.nodePort")
    app_protocol = port.get("appProtocol")
    if app_protocol is not None:
        errors += [
            f'{path}.appProtocol: Invalid value: "{app_protocol}": {e}'
            for e in names.qualified_name(str(app_protocol))
        ]
    return errors


def _data_keys(data: Any, field: str) -> list[str]:
    if data is None:
        return []
    if not isinstance(data, Mapping):
        return [f"{field}: Invalid value: must be a map"]
    errors = []
    for key in data:
        if len(key) > 253 or not _CONFIG_KEY.match(key):
            errors.append(
                f'{field}[{key}]: Invalid value: "{key}": a valid config key must '
                "consist of alphanumeric characters, '-', '_' or '.'"
            )
        elif key in (".", ".."):
            errors.append(f"{field}[{key}]: Invalid value: \"{key}\": must not be '.' or '..'")
    return errors


def _secret(obj: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    data = obj.get("data") or {}
    errors = _data_keys(obj.get("data"), "data") + _data_keys(obj.get("stringData"), "stringData")
    size = 0
    for key, value in data.items() if isinstance(data, Mapping) else ():
        try:
            size += len(base64.b64decode(str(value), validate=True))
        except (binascii.Error, ValueError):
            errors.append(f"data[{key}]: Invalid value: illegal base64 data")
    if size > _MAX_SECRET_BYTES:
        errors.append(f"data: Too long: must have at most {_MAX_SECRET_BYTES} bytes")
    secret_type = obj.get("type", "Opaque")
    if secret_type == "kubernetes.io/tls":
        errors += [f"data[{k}]: Required value" for k in ("tls.crt", "tls.key") if k not in data]
    if old is not None and old.get("type", "Opaque") != secret_type:
        errors.append(f'type: Invalid value: "{secret_type}": field is immutable')
    if old is not None and old.get("immutable") and old.get("data") != obj.get("data"):
        errors.append("data: Forbidden: field is immutable when `immutable` is set")
    return errors


def _config_map(obj: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    errors = _data_keys(obj.get("data"), "data") + _data_keys(obj.get("binaryData"), "binaryData")
    overlap = set(obj.get("data") or {}) & set(obj.get("binaryData") or {})
    errors += [
        f'data[{k}]: Invalid value: "{k}": duplicate of key present in binaryData'
        for k in sorted(overlap)
    ]
    if old is not None and old.get("immutable") and old.get("data") != obj.get("data"):
        errors.append("data: Forbidden: field is immutable when `immutable` is set")
    return errors


def _endpoint_slice(obj: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    address_type = obj.get("addressType")
    if address_type is None:
        return ["addressType: Required value"]
    if address_type not in ADDRESS_TYPES:
        return [
            f'addressType: Unsupported value: "{address_type}": supported values: '
            + ", ".join(f'"{t}"' for t in ADDRESS_TYPES)
        ]
    if old is not None and old.get("addressType") != address_type:
        return [f'addressType: Invalid value: "{address_type}": field is immutable']
    return []


_KIND_CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any] | None], list[str]]] = {
    "Service": _service,
    "Secret": _secret,
    "ConfigMap": _config_map,
    "EndpointSlice": _endpoint_slice,
}
