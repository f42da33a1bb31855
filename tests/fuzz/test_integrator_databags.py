"""Fuzz every databag gateway-api-integrator reads: gateway-route requests, TLS provider answers.

Per example, on a fresh API double holding the baseline (tenant `shop` served over HTTP and
HTTPS with a real certificate), the real charm runs relation-changed for the fuzzed databag.
Properties: (a) the hook never raises; (b) every write is admitted (no 400/422, no unknown-field
warning); (c) invalid data is reported (decided by the libraries' own parsers); (d) the healthy
tenant keeps its listeners, its TLS Secret and its answer; (e) a well-formed request claiming a
namespace other than its own model's (another model's, the gateway's, a non-Juju one, one that
does not exist) is refused: no hostname accepted, Blocked naming the requester, nothing made.
The fuzzed requester is in model `orders`, whose namespace Juju annotated: honest data claims
`orders` and is served.
"""

import base64
import dataclasses
import json
from typing import Any

import ops
import pytest
from charmlibs.interfaces.tls_certificates._tls_certificates import (
    DataValidationError,
    _ProviderApplicationData,
)
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from ops import testing

from fuzzdata import integrator as world
from fuzzdata import profiles, tally
from fuzzdata.cluster import fresh_double, key_of, refusals, stored, writes_to
from fuzzdata.databags import requirer_databags, tls_provider_databags
from gateway_route import DataError, ProviderData, RefusalReason, RequirerData, decode, encode
from integrator.plan.objects import secret_name
from kubedouble import KubeDouble
from modelsim.model import MODEL_UUID_ANNOTATION, model_uuid

SETTINGS = profiles.current()
SECRET_KEY = ("Secret", world.MODEL, secret_name(world.APP, world.TENANT_HOST))
CLASS_KEY = ("GatewayClass", "", world.GATEWAY_CLASS)

REQUIRER = "integrator/gateway-route-requirer"
LIE_OTHER_MODEL = f"{REQUIRER}: another model's namespace"
LIE_GATEWAY = f"{REQUIRER}: the gateway's own namespace"
LIE_NON_JUJU = f"{REQUIRER}: a non-Juju namespace"
LIE_MISSING = f"{REQUIRER}: a namespace that does not exist"
tally.lies.update(dict.fromkeys((LIE_OTHER_MODEL, LIE_GATEWAY, LIE_NON_JUJU, LIE_MISSING), 0))

LIES = [world.TENANT_NAMESPACE, world.MODEL, *world.NON_JUJU_NAMESPACES, "kube-public"]
"""Namespaces the fuzzed requester may lie with: the tenant's, the gateway's, non-Juju ones."""


@dataclasses.dataclass
class Outcome:
    out: testing.State
    kube: KubeDouble
    before: dict[tuple[str, str, str], dict]
    after: dict[tuple[str, str, str], dict]


def run(before_state: testing.State, relation_id: int) -> Outcome:
    with fresh_double() as kube:
        world.seed_baseline(kube)
        before = stored(kube)
        ctx = world.context()
        relation = before_state.get_relation(relation_id)
        out = ctx.run(ctx.on.relation_changed(relation, remote_unit=0), before_state)  # (a)
        return Outcome(out=out, kube=kube, before=before, after=stored(kube))


def assert_admitted(outcome: Outcome) -> None:
    assert refusals(outcome.kube.requests) == []  # (b)
    assert outcome.kube.warnings == []  # (b)
    assert writes_to(outcome.kube.requests, [CLASS_KEY]) == []  # not ours: never written
    for obj in outcome.after.values():  # everything new carries our labels
        if key_of(obj) not in outcome.before and obj["kind"] != "Namespace":
            labels = obj["metadata"].get("labels") or {}
            assert all(labels.get(k) == v for k, v in world.OWNER_LABELS.items()), key_of(obj)


def tenant_answer(state: testing.State) -> dict[str, str]:
    relation = state.get_relation(world.TENANT_RELATION)
    assert isinstance(relation, testing.Relation)
    return dict(relation.local_app_data)


def gateway_of(outcome: Outcome) -> dict[str, Any]:
    return outcome.after[("Gateway", world.MODEL, world.APP)]


# ----- gateway-route requirer databag (a configurator's request) -----------------------------


def _request(namespace: str, *hostnames: str) -> RequirerData:
    """A well-formed request from the fuzzed requester claiming `namespace`."""
    return RequirerData(
        namespace=namespace,
        application=f"{namespace}-app",
        hostnames=list(hostnames or [world.FUZZED_HOST]),
    )


@hypothesis_settings(SETTINGS)
@given(
    raw=requirer_databags(
        world.FUZZED_MODEL,
        f"{world.FUZZED_MODEL}-app",
        [world.FUZZED_HOST],
        other_namespaces=LIES,
        coveted=[world.TENANT_HOST, "free.example.com"],
    )
)
@example(raw=encode(_request(world.FUZZED_MODEL)))  # the honest path, in every sample
@example(raw=encode(_request(world.TENANT_NAMESPACE, world.TENANT_HOST)))  # squats the tenant
@example(raw=encode(_request(world.MODEL)))
@example(raw=encode(_request("kube-system")))
def test_gateway_route_request_databag(raw: dict[str, str]) -> None:
    tally.examples[REQUIRER] += 1
    base = world.baseline()
    state = world.with_relation(
        base.state,
        world.raw_route(world.FUZZED_RELATION, raw, world.FUZZED_APP, model=world.FUZZED_MODEL),
    )

    outcome = run(state, world.FUZZED_RELATION)

    assert_admitted(outcome)
    # (d) The healthy tenant: same listeners, same Secret (not even rewritten), same answer.
    assert world.tenant_listeners(gateway_of(outcome)) == world.tenant_listeners(
        outcome.before[("Gateway", world.MODEL, world.APP)]
    )
    assert outcome.after.get(SECRET_KEY) == outcome.before[SECRET_KEY]
    assert tenant_answer(outcome.out) == tenant_answer(base.state)

    status = outcome.out.unit_status
    relation = outcome.out.get_relation(world.FUZZED_RELATION)
    assert isinstance(relation, testing.Relation)
    reply = decode(ProviderData, relation.local_app_data)
    parsed = decode(RequirerData, raw)
    claimed = _claimed_namespace(parsed, raw)
    lie = _lie(claimed, outcome.after) if claimed is not None else None
    if parsed is None:  # asked for nothing: no answer
        assert reply is None
    elif lie is not None:  # (e)
        tally.lies[lie] += 1
        assert_refused_liar(outcome, base.state, claimed or "", reply, raw)
    elif _only_duplicates(parsed, raw):
        # Deliberately lenient (integrator/claims.py): a hostname asked for twice is served
        # once, as if asked for once.
        assert isinstance(reply, ProviderData), reply
        answered = {item.hostname for item in reply.accepted} | {
            item.hostname for item in reply.refused
        }
        assert set(json.loads(raw["hostnames"])) <= answered
    elif isinstance(parsed, DataError):  # (c)
        tally.invalid[REQUIRER] += 1
        # Bad hostnames are refused one by one through the relation (the configurator shows
        # it); anything else makes the whole request unusable and shows in our status.
        refused_invalid = isinstance(reply, ProviderData) and any(
            item.reason == RefusalReason.INVALID for item in reply.refused
        )
        named = (
            isinstance(status, ops.BlockedStatus)
            and f"invalid gateway-route data from {world.FUZZED_APP}" in status.message
            and f": {parsed.field}: " in status.message
        )
        assert refused_invalid or named, (status, reply)
    else:  # valid and honest: every hostname asked for is answered, accepted or refused
        assert isinstance(reply, ProviderData), reply
        answered = {item.hostname for item in reply.accepted} | {
            item.hostname for item in reply.refused
        }
        assert set(parsed.hostnames) <= answered
        assert not any(item.message.startswith("refused: the requester") for item in reply.refused)
        if parsed.hostnames == [world.FUZZED_HOST]:  # a free hostname: the honest path is served
            assert reply.accepted_for(world.FUZZED_HOST) is not None, reply


def _claimed_namespace(parsed: RequirerData | DataError | None, raw: dict[str, str]) -> str | None:
    """The namespace a usable request claims (one whose only fault is a duplicate included)."""
    if isinstance(parsed, RequirerData):
        return parsed.namespace
    if _only_duplicates(parsed, raw):
        return str(json.loads(raw["namespace"]))
    return None


def _lie(claimed: str, store: dict[tuple[str, str, str], dict]) -> str | None:
    """Which lie it is for the fuzzed requester to claim `claimed` (None: no lie).

    Judged as the integrator can: by the cluster's namespaces and their Juju annotations.
    """
    if claimed == world.FUZZED_MODEL:
        return None
    namespace = store.get(("Namespace", "", claimed))
    if namespace is None:
        return LIE_MISSING
    uuid = (namespace["metadata"].get("annotations") or {}).get(MODEL_UUID_ANNOTATION)
    if uuid is None:
        return LIE_NON_JUJU
    return LIE_GATEWAY if uuid == model_uuid(world.MODEL) else LIE_OTHER_MODEL


def assert_refused_liar(
    outcome: Outcome,
    base: testing.State,
    claimed: str,
    reply: ProviderData | DataError | None,
    raw: dict[str, str],
) -> None:
    """No hostname accepted, Blocked naming the liar and its claim, nothing made for it."""
    status = outcome.out.unit_status
    assert isinstance(reply, ProviderData), reply
    assert reply.accepted == [], reply.accepted
    asked = set(json.loads(raw["hostnames"]))
    assert {item.hostname for item in reply.refused} == asked, reply.refused
    assert all(item.reason == RefusalReason.INVALID for item in reply.refused), reply.refused
    assert isinstance(status, ops.BlockedStatus), status
    assert f"gateway-route from {world.FUZZED_APP}" in status.message, status
    assert f"claims namespace {claimed}" in status.message, status
    # Nothing is made for it: the Gateway, its routes and Secrets are as they were.
    assert outcome.after == outcome.before, sorted(
        str(key)
        for key in outcome.after.keys() | outcome.before.keys()
        if outcome.after.get(key) != outcome.before.get(key)
    )
    # The tenant's certificate request stands. (That the liar's hostnames get none is pinned
    # below as a known bug: test_no_certificate_is_requested_for_a_liar.)
    assert world.tenant_csr(base) in csr_requests(outcome.out)


def csr_requests(state: testing.State) -> list[str]:
    """The CSRs we have sent the TLS provider."""
    relation = state.get_relation(world.CERTIFICATES_RELATION)
    assert isinstance(relation, testing.Relation)
    requests = json.loads(relation.local_app_data.get("certificate_signing_requests", "[]"))
    return [item["certificate_signing_request"] for item in requests]


@pytest.mark.parametrize("claimed", LIES[:4])
def test_no_certificate_is_requested_for_a_liar(claimed: str) -> None:
    base = world.baseline()
    raw = encode(_request(claimed))
    state = world.with_relation(
        base.state,
        world.raw_route(world.FUZZED_RELATION, raw, world.FUZZED_APP, model=world.FUZZED_MODEL),
    )

    outcome = run(state, world.FUZZED_RELATION)

    assert isinstance(outcome.out.unit_status, ops.BlockedStatus)  # refused, as fuzzed above
    assert csr_requests(outcome.out) == csr_requests(base.state)


def _only_duplicates(parsed: RequirerData | DataError | None, raw: dict[str, str]) -> bool:
    """Whether the request's one fault is a hostname listed twice."""
    if not isinstance(parsed, DataError) or parsed.field != "hostnames" or "hostnames" not in raw:
        return False
    try:
        hostnames = json.loads(raw["hostnames"])
    except (ValueError, RecursionError):
        return False
    if not isinstance(hostnames, list) or not all(isinstance(h, str) for h in hostnames):
        return False
    deduplicated = {**raw, "hostnames": json.dumps(list(dict.fromkeys(hostnames)))}
    return isinstance(decode(RequirerData, deduplicated), RequirerData)


# ----- tls-certificates provider databag -----------------------------------------------------


def usable_for_tenant(raw: dict[str, str], csr: str, healthy: dict[str, Any]) -> bool:
    """Whether the tenant's certificate is in `raw`, unchanged and not revoked.

    The whole databag must pass the library's own model (it drops everything otherwise).
    """
    try:
        data = _ProviderApplicationData.load(raw)
    except DataValidationError:
        return False
    return any(
        entry.certificate_signing_request.strip() == csr.strip()
        and entry.certificate.strip() == healthy["certificate"].strip()
        and not entry.revoked
        for entry in data.certificates
    )


@hypothesis_settings(SETTINGS)
@given(
    raw=tls_provider_databags(
        world.tls_healthy_entries(), list(world.spare_pems()), list(world.spare_csrs())
    ),
)
def test_tls_provider_databag(raw: dict[str, str]) -> None:
    tally.examples["integrator/tls-certificates-provider"] += 1
    base = world.baseline()
    certificates = base.state.get_relation(world.CERTIFICATES_RELATION)
    assert isinstance(certificates, testing.Relation)
    state = world.with_relation(base.state, dataclasses.replace(certificates, remote_app_data=raw))

    outcome = run(state, world.CERTIFICATES_RELATION)

    assert_admitted(outcome)
    listeners = {e["name"]: e for e in world.tenant_listeners(gateway_of(outcome))}
    before = {
        e["name"]: e
        for e in world.tenant_listeners(outcome.before[("Gateway", world.MODEL, world.APP)])
    }
    # (d) Whatever the provider says, the tenant keeps its plain-HTTP listener and attachment.
    http = f"http-{world.TENANT_HOST}"
    assert listeners[http] == before[http]
    answer = decode(ProviderData, tenant_answer(outcome.out))
    assert isinstance(answer, ProviderData)
    assert "HTTP" in {p.protocol for p in answer.attachments_for(world.TENANT_HOST)}

    healthy = world.tls_healthy_entries()[0]
    secret = outcome.after.get(SECRET_KEY)
    status = outcome.out.unit_status
    if usable_for_tenant(raw, world.tenant_csr(base.state), healthy):
        assert secret is not None
        served = base64.b64decode(secret["data"]["tls.crt"]).decode()
        assert served.startswith(healthy["certificate"].strip())
        assert f"https-{world.TENANT_HOST}" in listeners
        assert "certificates" not in status.message, status
    else:  # (c): never install a revoked or foreign certificate; say what is awaited
        tally.invalid["integrator/tls-certificates-provider"] += 1
        # What was served may stay until the replacement arrives (never past its end), so
        # HTTPS outlives a revocation; nothing the provider sent now is ever put in its place.
        was = outcome.before.get(SECRET_KEY)
        assert secret is None or (was is not None and secret["data"] == was["data"]), secret
        assert (f"https-{world.TENANT_HOST}" in listeners) == (secret is not None)
        assert status.name == "waiting", status
        assert world.TENANT_HOST in status.message, status


def test_tls_healthy_entries_are_what_the_provider_signed() -> None:
    entries = world.tls_healthy_entries()
    assert len(entries) == 1
    assert json.loads(json.dumps(entries))[0]["certificate"].startswith("-----BEGIN CERTIFICATE")
