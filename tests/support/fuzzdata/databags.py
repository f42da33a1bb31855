"""One hypothesis strategy per remote databag the charms read, as raw `dict[str, str]` databags.

Each starts from a healthy databag and, key by key, keeps the healthy value, swaps in a hostile
one, writes raw non-JSON text, writes `null`, or leaves the key out; unknown keys are sprinkled
in too. So about half of all examples are valid-but-hostile (a 253-character hostname, port
65534, a parent on port 65535) and the rest are invalid in one or several keys at once.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from fuzzdata.hostile import (
    duplicate_keys,
    hostile_hostnames,
    hostile_paths,
    hostile_ports,
    huge_list,
    json_values,
    not_json,
    valid_hostnames,
)

KEEP, HOSTILE, ANY_JSON, RAW, NULL, ABSENT = range(6)
# Drawn per key: healthy twice as often as anything else, so valid examples stay common.
_MODES = st.sampled_from([KEEP, KEEP, KEEP, HOSTILE, HOSTILE, ANY_JSON, RAW, NULL, ABSENT])
_NESTED_MODES = st.sampled_from([KEEP, KEEP, KEEP, HOSTILE, HOSTILE, ANY_JSON, ABSENT])


def _value(draw: st.DrawFn, healthy: Any, hostile: st.SearchStrategy[Any]) -> Any:
    """A decoded value for a nested field; `ABSENT` (the sentinel) drops the field."""
    mode = draw(_NESTED_MODES)
    if mode == KEEP:
        return healthy
    if mode == HOSTILE:
        return draw(hostile)
    if mode == ANY_JSON:
        return draw(json_values)
    return _Absent


class _Absent:
    """Marks a nested field left out."""


def _object(draw: st.DrawFn, healthy: Mapping[str, Any], hostile: Mapping[str, Any]) -> dict:
    out = {}
    for key, value in healthy.items():
        chosen = _value(draw, value, hostile.get(key, json_values))
        if chosen is not _Absent:
            out[key] = chosen
    return out


def databag(
    draw: st.DrawFn, healthy: Mapping[str, Any], hostile: Mapping[str, st.SearchStrategy[Any]]
) -> dict[str, str]:
    """Mutate a healthy decoded databag into a raw (JSON-string) databag.

    Zero to three keys (sometimes all) are changed, so that examples with one bad key, where
    the error message must name exactly that key, are as common as wholesale garbage.
    """
    keys = list(healthy)
    count = draw(st.sampled_from([0, 1, 1, 1, 2, 2, 3, len(keys)]))
    changed = set(draw(st.permutations(keys))[:count])
    raw: dict[str, str] = {}
    for key, value in healthy.items():
        mode = draw(_MODES.filter(lambda m: m != KEEP)) if key in changed else KEEP
        if mode == KEEP:
            raw[key] = json.dumps(value)
        elif mode == HOSTILE:
            raw[key] = json.dumps(draw(hostile.get(key, json_values)))
        elif mode == ANY_JSON:
            raw[key] = json.dumps(draw(json_values))
        elif mode == RAW:
            raw[key] = draw(not_json)
        elif mode == NULL:
            raw[key] = "null"
    if draw(st.integers(0, 3)) == 0:
        # Unknown keys (newer writers) must be ignored, whatever they hold.
        extra = draw(st.dictionaries(st.text(min_size=1, max_size=12), not_json, max_size=3))
        raw.update({k: v for k, v in extra.items() if k not in healthy})
    return raw


# ----- ingress v2 (the configurator reads the workload's databags) ---------------------------

_BOOLEANS = st.one_of(st.booleans(), st.sampled_from(["true", "false", 1, 0, None, "yes"]))

_workload_names = st.one_of(
    st.sampled_from(["catalogue", "a", "a" * 63, "a" * 64, "app-2", "my-app-v2", "x-" + "b" * 60]),
    st.sampled_from(["Catalogue", "1app", "app_", "app.x", "-app", "app-", "", "ä"]),
    st.text(max_size=70),
)
_models = st.one_of(
    st.sampled_from(["shop", "edge", "Shop", "shop ", "a" * 64, "", "kube-system", "default"]),
    st.text(max_size=70),
)
_schemes = st.one_of(st.sampled_from(["http", "https", "h2c", "HTTP", "grpc", ""]), json_values)


@st.composite
def _healthcheck(draw: st.DrawFn) -> Any:
    choice = draw(st.integers(0, 3))
    if choice == 3:
        return draw(json_values)
    healthy = {"path": "/healthz", "scheme": "http", "port": 8080, "interval": "10s"}
    hostile = {
        "path": hostile_paths,
        "scheme": _schemes,
        "port": hostile_ports,
        "hostname": hostile_hostnames,
        "interval": st.one_of(st.just("1h"), json_values),
        "timeout": json_values,
    }
    return _object(draw, {**healthy, "hostname": "x.example.com", "timeout": "5s"}, hostile)


# Well-formed application names (ingress `ApplicationName`) and model names (RFC 1123 labels).
valid_app_names = st.from_regex(r"\A[a-z][a-z0-9]{0,8}(-[a-z][a-z0-9]{0,8}){0,2}\Z")
valid_model_names = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?\Z")

LIE_EVERY = 4
"""One example in LIE_EVERY (on average) is a well-formed lie rather than a mutation, so that
even the 20-example fixed-seed sample of `make test` tries several."""


def _lying(draw: st.DrawFn) -> bool:
    # The top value, not 0: hypothesis favours zeros (its simplest example is all zeros).
    return draw(st.integers(0, LIE_EVERY - 1)) == LIE_EVERY - 1


def _unknown_keys(draw: st.DrawFn, healthy: Mapping[str, Any]) -> dict[str, str]:
    """Sometimes a few keys a newer writer might add (ignored): a lie is well-formed with them."""
    if draw(st.integers(0, 3)) != 0:
        return {}
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=12), not_json, max_size=2))
    return {k: v for k, v in extra.items() if k not in healthy}


@st.composite
def ingress_app_databags(
    draw: st.DrawFn,
    model: str,
    workload: str,
    *,
    other_apps: Sequence[str] = (),
    other_models: Sequence[str] = (),
) -> dict[str, str]:
    """The workload leader's application databag (`model`/`workload`: the healthy values).

    With `other_apps` / `other_models`, about one example in LIE_EVERY is a lie: the healthy
    databag, well-formed, naming another application (mostly) or another model instead.
    """
    if (other_apps or other_models) and _lying(draw):
        lie = {"model": json.dumps(model), "name": json.dumps(workload), "port": "8080"}
        if other_models and (not other_apps or draw(st.integers(0, 3)) == 0):
            others = st.one_of(st.sampled_from(list(other_models)), valid_model_names)
            lie["model"] = json.dumps(draw(others.filter(lambda m: m != model)))
        else:
            others = st.one_of(st.sampled_from(list(other_apps)), valid_app_names)
            lie["name"] = json.dumps(draw(others.filter(lambda n: n != workload)))
        if draw(st.booleans()):
            lie["scheme"] = json.dumps(draw(st.sampled_from(["http", "https"])))
        return {**lie, **_unknown_keys(draw, lie)}
    healthy = {
        "model": model,
        "name": workload,
        "port": 8080,
        "scheme": "http",
        "strip-prefix": False,
        "redirect-https": False,
        "healthcheck_params": {"path": "/healthz"},
        "is_port_open": False,
    }
    hostile: dict[str, st.SearchStrategy[Any]] = {
        "model": _models,
        "name": _workload_names,
        "port": hostile_ports,
        "scheme": _schemes,
        "strip-prefix": _BOOLEANS,
        "redirect-https": _BOOLEANS,
        "healthcheck_params": _healthcheck(),
        "is_port_open": _BOOLEANS,
    }
    raw = databag(draw, healthy, hostile)
    if draw(st.integers(0, 9)) == 0:
        raw["healthcheck_params"] = duplicate_keys({"path": "/ok"}, {"path": 5})
    return raw


_unit_hosts = st.one_of(
    hostile_hostnames,
    st.sampled_from(
        ["catalogue-0.catalogue-endpoints.shop.svc.cluster.local", "10.1.2.3", "h" * 254]
    ),
)
_unit_ips = st.one_of(
    st.ip_addresses().map(str),
    st.sampled_from(["10.1.2.3", "::ffff:10.1.2.3", "010.1.2.3", "300.1.1.1", "fe80::1%eth0"]),
    hostile_hostnames,
)


@st.composite
def ingress_unit_databags(draw: st.DrawFn) -> dict[str, str]:
    """One workload unit's databag."""
    healthy = {"host": "catalogue-0.catalogue-endpoints.shop.svc.cluster.local", "ip": "10.1.2.3"}
    return databag(draw, healthy, {"host": _unit_hosts, "ip": _unit_ips})


# ----- gateway-route (integrator reads the requirer side, configurator the provider side) ---

_versions = st.one_of(st.sampled_from([1, 2, 0, -1, "1", 1.0, True, None, 2**64]), json_values)
_namespaces = st.one_of(
    st.sampled_from(["orders", "shop", "infra", "edge", "Orders", "a" * 64, "", "kube-system"]),
    st.text(max_size=70),
)


def _hostname_lists(healthy: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(hostile_hostnames, max_size=5),
        st.lists(st.sampled_from([*healthy, "x.example.com"]), min_size=2, max_size=4),
        huge_list(valid_hostnames),
        hostile_hostnames,  # a string where a list belongs
        st.lists(json_values, max_size=3),
    )


@st.composite
def requirer_databags(
    draw: st.DrawFn,
    namespace: str,
    application: str,
    hostnames: list[str],
    *,
    other_namespaces: Sequence[str] = (),
    coveted: Sequence[str] = (),
) -> dict[str, str]:
    """A configurator's request, as the integrator reads it.

    With `other_namespaces`, about one example in LIE_EVERY is a lie: a well-formed request
    claiming one of them (or another well-formed namespace) instead of `namespace`, for its own
    hostnames, for `coveted` ones (another tenant's, say) or for both.
    """
    if other_namespaces and _lying(draw):
        claimed = draw(
            st.one_of(st.sampled_from(list(other_namespaces)), valid_model_names).filter(
                lambda n: n != namespace
            )
        )
        wanted = draw(
            st.sampled_from([hostnames, list(coveted) or hostnames, [*hostnames, *coveted]])
        )
        lie = {
            "version": 1,
            "namespace": claimed,
            "application": draw(st.sampled_from([application, f"{claimed}-app"])),
            "hostnames": wanted,
        }
        raw = {key: json.dumps(value) for key, value in lie.items()}
        return {**raw, **_unknown_keys(draw, raw)}
    healthy = {
        "version": 1,
        "namespace": namespace,
        "application": application,
        "hostnames": hostnames,
    }
    hostile = {
        "version": _versions,
        "namespace": _namespaces,
        "application": st.one_of(_workload_names, st.just("x" * 254)),
        "hostnames": _hostname_lists(hostnames),
    }
    return databag(draw, healthy, hostile)


def _parent(draw: st.DrawFn, healthy: Mapping[str, Any]) -> dict:
    hostile = {
        "group": st.one_of(st.just("example.com"), json_values),
        "kind": st.sampled_from(["Gateway", "ListenerSet", "Service", "gateway", ""]),
        "name": st.one_of(hostile_hostnames, st.just("g" * 253), st.just("g" * 254)),
        "namespace": _namespaces,
        "section_name": st.one_of(hostile_hostnames, st.just("s" * 253)),
        "protocol": st.sampled_from(["HTTP", "HTTPS", "TCP", "http", ""]),
        "port": hostile_ports,
    }
    return _object(draw, healthy, hostile)


@st.composite
def _accepted(draw: st.DrawFn, healthy: list[dict[str, Any]]) -> Any:
    if not healthy or draw(st.integers(0, 5)) == 0:
        return draw(st.one_of(json_values, st.lists(json_values, max_size=3)))
    out: list[Any] = []
    for item in healthy:
        parents = [_parent(draw, parent) for parent in item["parents"]]
        if draw(st.integers(0, 4)) == 0:
            parents = parents * draw(st.integers(2, 20))  # duplicates and > 32 parentRefs
        hostname = _value(draw, item["hostname"], st.one_of(st.none(), hostile_hostnames))
        entry: dict[str, Any] = {"parents": parents}
        if hostname is not _Absent:
            entry["hostname"] = hostname
        out.append(entry)
    if draw(st.integers(0, 4)) == 0:
        out = out * 2  # the same hostname accepted twice
    return out


_refused = st.lists(
    st.fixed_dictionaries(
        {
            "hostname": st.one_of(hostile_hostnames, st.just("h" * 5000)),
            "reason": st.one_of(
                st.sampled_from(["invalid", "conflict", "pending-certificate", "capacity", "no"]),
                json_values,
            ),
            "message": st.one_of(st.text(max_size=30), st.just("m" * 5000), json_values),
        }
    ),
    max_size=3,
)


@st.composite
def provider_databags(draw: st.DrawFn, healthy: Mapping[str, Any]) -> dict[str, str]:
    """The gateway's answer as the configurator reads it (`healthy`: a decoded valid answer)."""
    hostile = {
        "version": _versions,
        "gateway_name": st.one_of(hostile_hostnames, st.just("g" * 254)),
        "gateway_namespace": _namespaces,
        "https_mode": st.one_of(st.sampled_from(["enforced", "disabled", "ENABLED", ""])),
        "hsts_max_age": st.one_of(hostile_ports, st.just(2**70)),
        "addresses": st.one_of(
            st.lists(st.one_of(st.ip_addresses().map(str), hostile_hostnames), max_size=4),
            huge_list(st.ip_addresses().map(str)),
        ),
        "default_hostname": st.one_of(st.none(), hostile_hostnames),
        "accepted": _accepted(healthy["accepted"]),
        "refused": _refused,
    }
    return databag(draw, healthy, hostile)


# ----- tls-certificates (the integrator reads the provider's application databag) -----------

# charmlibs-interfaces-tls-certificates 1.12.0 raises out of its own event handlers on these
# (see tests/fuzz/test_tls_library_crashes.py), so the property test keeps PEM strings real
# and JSON shallow, and the crashes are pinned down as strict xfails instead.
_SHALLOW_NOT_JSON = not_json.filter(lambda text: len(text) < 1000)


_NOT_STRINGS = json_values.filter(lambda value: not isinstance(value, str))


def _tls_entry(
    draw: st.DrawFn, entry: dict[str, Any], spare_pems: list[str], spare_csrs: list[str]
) -> dict[str, Any]:
    """One `certificates` entry with its PEMs swapped, dropped or mistyped, and `revoked` set."""
    mutated = dict(entry)
    for key in ("ca", "certificate_signing_request", "certificate"):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            spares = spare_csrs if key == "certificate_signing_request" else spare_pems
            mutated[key] = draw(st.sampled_from(spares))
        elif choice == 1:
            del mutated[key]
        elif choice == 2:
            mutated[key] = draw(_NOT_STRINGS)
    choice = draw(st.integers(0, 5))
    if choice == 0:
        mutated["chain"] = draw(st.lists(st.sampled_from(spare_pems), max_size=3))
    elif choice == 1:
        mutated["chain"] = draw(st.one_of(st.none(), _NOT_STRINGS))
    if draw(st.integers(0, 3)) == 0:
        mutated["revoked"] = draw(st.one_of(_BOOLEANS, _NOT_STRINGS))
    return mutated


@st.composite
def tls_provider_databags(
    draw: st.DrawFn, healthy: list[dict[str, Any]], spare_pems: list[str], spare_csrs: list[str]
) -> dict[str, str]:
    """The TLS provider's application databag.

    `healthy`: the provider's valid `certificates` entries; `spare_pems` / `spare_csrs`: real
    certificates and CSRs that are wrong in context (a CA, another hostname's CSR), to swap in.
    A string in a PEM field is always a real PEM of the right type (see the note above); other
    fields get any JSON.
    """
    entries: list[Any] = [_tls_entry(draw, entry, spare_pems, spare_csrs) for entry in healthy]
    if draw(st.integers(0, 3)) == 0:
        entries += draw(st.lists(st.one_of(_NOT_STRINGS, st.just(healthy[0])), max_size=3))
    if draw(st.integers(0, 9)) == 0:
        entries = entries * 60  # a huge list of repeats
    raw = {"certificates": json.dumps(entries)}
    mode = draw(st.integers(0, 9))
    if mode == 0:
        raw["certificates"] = draw(_SHALLOW_NOT_JSON)
    elif mode == 1:
        raw["certificates"] = json.dumps(draw(json_values))
    elif mode == 2:
        raw["certificates"] = duplicate_keys({"certificate": "x"}, {"certificate": 1})
    for key in ("request_errors", "capabilities"):
        if draw(st.integers(0, 3)) == 0:
            raw[key] = draw(st.one_of(_SHALLOW_NOT_JSON, json_values.map(json.dumps)))
    return raw
