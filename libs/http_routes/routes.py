"""HTTPRoutes for one backend: which listeners, which hostnames, which rules.

Parents are grouped by what their rules must do, because rules apply to every parent of a route:
- serve: forward to the backend (HTTP listeners, and HTTPS ones when no HSTS is wanted);
- secure: forward and set `Strict-Transport-Security` (HTTPS listeners only: the header means
  nothing over plain HTTP, and `set` rather than `add` so a backend's own header is not doubled);
- redirect: answer 301 to https (HTTP listeners of hostnames that have an HTTPS listener).
Each group becomes as many routes as the CRD limits need (16 hostnames, 32 parentRefs, 16 rules).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from gateway_route.models import ParentRef
from kube_objects.kinds import GROUP
from kube_objects.limits import MAX_PARENT_REFS, MAX_ROUTE_HOSTNAMES, MAX_RULES
from kube_objects.names import dns1123_subdomain

HSTS_HEADER = "Strict-Transport-Security"

T = TypeVar("T")

_SERVE, _SECURE, _REDIRECT = "serve", "secure", "redirect"
_FLAVOUR_ORDER = {_SECURE: 0, _SERVE: 1, _REDIRECT: 2}


@dataclass(frozen=True)
class Attachment:
    """A hostname (None: any, on a hostname-less listener) and the listeners that serve it."""

    hostname: str | None
    parents: tuple[ParentRef, ...]

    @property
    def https_port(self) -> int | None:
        """The port of the first HTTPS listener, where plain HTTP is redirected to."""
        return next((p.port for p in self.parents if p.protocol == "HTTPS"), None)


@dataclass(frozen=True)
class Backend:
    """The Service (in the route's namespace) and port that traffic goes to."""

    name: str
    port: int


@dataclass(frozen=True)
class _GroupKey:
    hostless: bool
    flavour: str
    https_port: int  # redirect target; 0 for the other flavours

    def sort_key(self) -> tuple[bool, int, int]:
        return (self.hostless, _FLAVOUR_ORDER[self.flavour], self.https_port)


def parent_ref(parent: ParentRef) -> dict:
    """The `parentRefs` entry for `parent`.

    `namespace` and `sectionName` are always set: some controllers program a route on a
    listener whose `allowedRoutes` refused it (cilium/cilium#46359), so the route itself names
    the one listener it is meant for.
    """
    return {
        "group": parent.group,
        "kind": parent.kind,
        "name": parent.name,
        "namespace": parent.namespace,
        "sectionName": parent.section_name,
    }


def desired_routes(
    *,
    name: str,
    namespace: str,
    attachments: Sequence[Attachment],
    paths: Sequence[str],
    backend: Backend,
    strip_prefix: bool = False,
    redirect_https: bool = False,
    hsts_max_age: int = 0,
) -> list[dict]:
    """Every HTTPRoute needed; the first is called `name`, the others `name-2`, `name-3`, ...

    Args:
        name: base route name (an RFC 1123 subdomain).
        namespace: where the routes and `backend` live.
        attachments: accepted hostnames with their listeners, in the order they are preferred.
        paths: canonical path prefixes (see `normalise_path`), in order.
        backend: where traffic goes.
        strip_prefix: forward `/api/x` as `/x`.
        redirect_https: plain HTTP gets a 301 to https for hostnames that have HTTPS; hostnames
            without an HTTPS listener keep being served over HTTP rather than redirected to
            nothing.
        hsts_max_age: seconds for `Strict-Transport-Security` on HTTPS listeners; 0 for none.
    """
    groups: dict[_GroupKey, dict[str | None, list[ParentRef]]] = {}
    for attachment in attachments:
        for parent in attachment.parents:
            key = _group_key(attachment, parent, redirect_https=redirect_https, hsts=hsts_max_age)
            members = groups.setdefault(key, {})
            listeners = members.setdefault(attachment.hostname, [])
            if parent not in listeners:
                listeners.append(parent)

    specs: list[dict] = []
    for key in sorted(groups, key=_GroupKey.sort_key):
        rules = _rules(key, paths, backend, strip_prefix=strip_prefix, hsts_max_age=hsts_max_age)
        specs.extend(_split(groups[key], rules))
    return [
        {
            "apiVersion": f"{GROUP}/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": _route_name(name, index), "namespace": namespace},
            "spec": spec,
        }
        for index, spec in enumerate(specs)
    ]


def _route_name(base: str, index: int) -> str:
    # Juju application names never end in an all-digit part, so "<app>-2" can only be ours.
    return base if index == 0 else dns1123_subdomain(f"{base}-{index + 1}")


def _group_key(
    attachment: Attachment, parent: ParentRef, *, redirect_https: bool, hsts: int
) -> _GroupKey:
    hostless = attachment.hostname is None
    if parent.protocol == "HTTPS":
        return _GroupKey(hostless, _SECURE if hsts > 0 else _SERVE, 0)
    https_port = attachment.https_port
    if redirect_https and https_port is not None:
        return _GroupKey(hostless, _REDIRECT, https_port)
    return _GroupKey(hostless, _SERVE, 0)


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [items]


def _split(members: dict[str | None, list[ParentRef]], rules: list[dict]) -> list[dict]:
    """Route specs for one group, each inside the CRD's list limits."""
    specs = []
    for hostnames in _chunks(list(members), MAX_ROUTE_HOSTNAMES):
        parents: list[ParentRef] = []
        for hostname in hostnames:
            parents.extend(p for p in members[hostname] if p not in parents)
        for parent_chunk in _chunks(parents, MAX_PARENT_REFS):
            for rule_chunk in _chunks(rules, MAX_RULES):
                spec: dict = {"parentRefs": [parent_ref(p) for p in parent_chunk]}
                named = [hostname for hostname in hostnames if hostname is not None]
                if named:
                    spec["hostnames"] = named
                spec["rules"] = list(rule_chunk)
                specs.append(spec)
    return specs


def _rules(
    key: _GroupKey,
    paths: Sequence[str],
    backend: Backend,
    *,
    strip_prefix: bool,
    hsts_max_age: int,
) -> list[dict]:
    if key.flavour == _REDIRECT:
        return [_redirect_rule(path, key.https_port) for path in paths]
    extra = [_hsts_filter(hsts_max_age)] if key.flavour == _SECURE else []
    rules: list[dict] = []
    for path in paths:
        rules.extend(_serve_rules(path, backend, strip_prefix=strip_prefix, extra_filters=extra))
    return rules


def _serve_rules(
    path: str, backend: Backend, *, strip_prefix: bool, extra_filters: list[dict]
) -> list[dict]:
    backend_refs = [{"name": backend.name, "port": backend.port}]
    if not strip_prefix or path == "/":  # stripping "/" changes nothing
        return [_rule(_match("PathPrefix", path), extra_filters, backend_refs)]
    # ReplacePrefixMatch "/" on the prefix "/api" gives "//x" for "/api/x" on Envoy-based data
    # planes, which match "/api" path-separated and then cut only those four characters
    # (gateway-api#3592, envoyproxy/gateway#2976, #3807). Matching "/api/" instead makes every
    # data plane cut the slash too ("/api/x" -> "/x"); "/api" itself, which "/api/" does not
    # match literally, gets its own Exact rule rewritten to "/". Each rewrite stays alone in
    # its rule: ReplacePrefixMatch needs exactly one PathPrefix match there (CRD CEL rule).
    return [
        _rule(
            _match("PathPrefix", path + "/"),
            [_rewrite("ReplacePrefixMatch"), *extra_filters],
            backend_refs,
        ),
        _rule(_match("Exact", path), [_rewrite("ReplaceFullPath"), *extra_filters], backend_refs),
    ]


def _redirect_rule(path: str, https_port: int) -> dict:
    # scheme + 301 (303/307/308 are invalid under v1.2); the port is named because some
    # implementations kept ":80" when it was left out (aws-load-balancer-controller#4567).
    redirect = {"scheme": "https", "statusCode": 301, "port": https_port}
    return _rule(
        _match("PathPrefix", path), [{"type": "RequestRedirect", "requestRedirect": redirect}], []
    )


def _rule(match: dict, filters: list[dict], backend_refs: list[dict]) -> dict:
    rule: dict = {"matches": [match]}
    if filters:
        rule["filters"] = filters
    if backend_refs:  # a RequestRedirect rule must have none (CRD CEL rule)
        rule["backendRefs"] = backend_refs
    return rule


def _match(kind: str, value: str) -> dict:
    return {"path": {"type": kind, "value": value}}


def _rewrite(kind: Literal["ReplacePrefixMatch", "ReplaceFullPath"]) -> dict:
    field = "replacePrefixMatch" if kind == "ReplacePrefixMatch" else "replaceFullPath"
    return {"type": "URLRewrite", "urlRewrite": {"path": {"type": kind, field: "/"}}}


def _hsts_filter(max_age: int) -> dict:
    header = {"name": HSTS_HEADER, "value": f"max-age={max_age}"}
    return {"type": "ResponseHeaderModifier", "responseHeaderModifier": {"set": [header]}}
