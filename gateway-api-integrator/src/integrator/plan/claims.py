"""What each configurator asks for, read leniently so one bad hostname spoils only itself.

The shared library refuses a whole request when one hostname is invalid; the gateway instead
serves the valid ones and refuses the rest with reason "invalid", so a typo in one hostname does
not take a tenant's other hostnames offline.
"""

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field

from gateway_route import (
    MAX_REQUESTED_HOSTNAMES,
    DataError,
    ProviderData,
    RequirerData,
    decode,
    validate_hostname,
)
from gateway_route.dialect import canonical_requirer
from integrator.plan.config import valid_external_hostname
from integrator.plan.policy import Policy, parse_policy
from integrator.plan.snapshot import RouteRequest

_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


class _LenientRequest(RequirerData):
    """RequirerData with hostnames as plain strings, each checked on its own afterwards."""

    hostnames: Annotated[list[str], Field(max_length=MAX_REQUESTED_HOSTNAMES)]  # type: ignore[assignment]


@dataclass(frozen=True)
class Claim:
    """One relation's request for hostnames in one namespace."""

    relation_id: int
    namespace: str
    application: str
    hostnames: tuple[str, ...] = ()
    """Valid hostnames, de-duplicated, in request order."""
    invalid: tuple[tuple[str, str], ...] = ()
    """(hostname as sent, why it is refused)."""
    answered: bool = True
    """False for kept claims that hold a broken requester's hostnames held (no answer)."""
    remote_app: str | None = None
    """The requester as Juju names it (`remote-<uuid>` across models)."""
    refusal_reasons: frozenset[str] | None = None
    """The refusal reasons it reads (None: those of library 1.0)."""

    @property
    def wants_default(self) -> bool:
        """The configurator set no hostname: it is served under the gateway's own one."""
        return not self.hostnames and not self.invalid


@dataclass(frozen=True)
class BrokenRequest:
    """A requester whose databag does not validate: reported, its last answer left alone."""

    relation_id: int
    application: str
    error: DataError
    previous: ProviderData | None = field(default=None)
    namespace: str | None = None
    """Its namespace when that key alone is still readable: narrows what its kept claims hold."""


@dataclass(frozen=True)
class Impostor:
    """A requester whose claimed namespace is not its own model: all it asks is refused."""

    claim: Claim
    problem: str
    """What Juju says against the claim, for statuses and the refusal."""


@dataclass(frozen=True)
class Stranger:
    """A requester speaking another dialect of the interface name (Canonical's)."""

    relation_id: int
    application: str
    dialect: str


@dataclass(frozen=True)
class Requests:
    """Every relation's request, sorted by what can be done with it."""

    claims: tuple[Claim, ...] = ()
    broken: tuple[BrokenRequest, ...] = ()
    empty: tuple[int, ...] = ()
    """Relations that ask for nothing (yet): any answer of ours there is withdrawn."""
    impostors: tuple[Impostor, ...] = ()
    strangers: tuple[Stranger, ...] = ()


NamespaceCheck = Callable[[RouteRequest, str], "str | None"]
"""Why a request's claimed namespace is not the requester's own (None: it is, or unknowable)."""


def read_requests(
    requests: Iterable[RouteRequest], check: NamespaceCheck | None = None
) -> Requests:
    """Sort every relation's request: claims, broken, empty, impostors and strangers."""
    found: dict[str, list] = {
        "claims": [],
        "broken": [],
        "empty": [],
        "impostors": [],
        "strangers": [],
    }
    for request in requests:
        result = read_claim(request)
        problem = check(request, result.namespace) if isinstance(result, Claim) and check else None
        if isinstance(result, Claim) and problem:
            found["impostors"].append(Impostor(result, problem))
        elif isinstance(result, Claim):
            found["claims"].append(result)
        elif isinstance(result, BrokenRequest):
            found["broken"].append(result)
        elif dialect := canonical_requirer(request.databag):
            app = request.remote_app or "unknown application"
            found["strangers"].append(Stranger(request.relation_id, app, dialect))
        else:
            found["empty"].append(request.relation_id)
    return Requests(**{name: tuple(items) for name, items in found.items()})


def read_claim(request: RouteRequest) -> Claim | BrokenRequest | None:
    """Turn one relation's request into a claim; None when it asked for nothing yet."""
    relation_id, data, databag = request.relation_id, request.data, request.databag
    if data is None:
        return None
    if isinstance(data, RequirerData):
        return Claim(
            relation_id,
            data.namespace,
            data.application,
            tuple(data.hostnames),
            remote_app=request.remote_app,
            refusal_reasons=_reasons(data.refusal_reasons),
        )
    lenient = (
        decode(_LenientRequest, databag)
        if data.field == "hostnames" and databag is not None
        else None
    )
    if not isinstance(lenient, _LenientRequest):
        return BrokenRequest(
            relation_id,
            request.remote_app or "unknown application",
            data,
            request.previous,
            _readable_namespace(databag),
        )
    valid: list[str] = []
    invalid: list[tuple[str, str]] = []
    for hostname in lenient.hostnames:
        try:
            validate_hostname(hostname)
        except ValueError as error:
            invalid.append((hostname, str(error)))
            continue
        if hostname not in valid:
            valid.append(hostname)
    return Claim(
        relation_id,
        lenient.namespace,
        lenient.application,
        tuple(valid),
        tuple(invalid),
        remote_app=request.remote_app,
        refusal_reasons=_reasons(lenient.refusal_reasons),
    )


def _reasons(listed: list[str] | None) -> frozenset[str] | None:
    return frozenset(listed) if listed is not None else None


def _readable_namespace(databag: Mapping[str, str] | None) -> str | None:
    try:
        value = json.loads((databag or {}).get("namespace", "null"))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, str) and _NAMESPACE.fullmatch(value) else None


def kept_claims(
    broken: BrokenRequest, tenancy: Mapping[str | None, frozenset[str]], external: str | None
) -> list[Claim]:
    """Stand-in claims that keep what a broken requester was last given.

    A bad databag must not take a tenant offline; its namespaces come from the tenancy recorded
    on the Gateway, since the last answer does not name them.
    """
    if broken.previous is None:
        return []
    claims: list[Claim] = []
    for accepted in broken.previous.accepted:
        name = accepted.hostname
        default = name is None or name == external
        hostnames = () if default or name is None else (name,)
        namespaces = tenancy.get(name, frozenset())
        if broken.namespace is not None:
            # A shared (default) listener also admits other configurators' namespaces: keep
            # only the broken requester's own, when its databag still says which it is.
            namespaces = namespaces & {broken.namespace}
        claims.extend(
            Claim(broken.relation_id, namespace, broken.application, hostnames, answered=False)
            for namespace in sorted(namespaces)
        )
    return claims


def certificate_hostnames(
    claims: Sequence[Claim], broken: Sequence[BrokenRequest], external: str | None
) -> list[str]:
    """Every hostname that may get an HTTPS listener, hence a certificate request.

    Pure (relation data and config only) because the TLS library resolves it in its own event
    handlers; hostnames refused for conflict are held by another namespace and so are wanted
    anyway, and hostnames over capacity get theirs ahead of time.
    """
    wanted = {hostname for claim in claims for hostname in claim.hostnames}
    for request in broken:
        if request.previous is not None:
            wanted.update(a.hostname for a in request.previous.accepted if a.hostname)
    if external:
        wanted.add(external)
    return sorted(wanted)


def wanted_certificates(
    config: Mapping[str, object],
    requests: Iterable[RouteRequest],
    check: NamespaceCheck | None = None,
) -> list[str]:
    """The hostnames to request certificates for, from config and relations alone.

    The TLS library asks for these in its own event handlers, before the reconcile runs; a
    config problem elsewhere must not withdraw them, so only `external-hostname` and the
    hostname policy are read. Impostors and hostnames the policy refuses their claimant get no
    certificate request: a certificate for a hostname is worth having for a squatter.
    """
    sorted_requests = read_requests(requests, check)
    policy = parse_policy(str(config.get("hostname-policy") or ""))
    allowed = policy if isinstance(policy, Policy) else Policy()
    claims = [
        dataclasses.replace(
            claim,
            hostnames=tuple(h for h in claim.hostnames if allowed.allows(h, claim.namespace)),
        )
        for claim in sorted_requests.claims
    ]
    return certificate_hostnames(claims, sorted_requests.broken, valid_external_hostname(config))
