"""The integrator's plan() on hand-made snapshots: no API double, no ops, one decision each."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from gateway_route import DataError, ProviderData, RefusalReason, RequirerData, encode
from integrator.plan import Certificates, Cluster, Observed, RouteRequest, plan
from integrator.plan.certificates import Issued
from integrator.plan.objects import TENANCY_ANNOTATION, secret_name
from kube_objects import Forbidden, Listing, Unavailable
from reconcile import STANDBY

APP, NAMESPACE = "gateway", "infra"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
CLASS = {
    "metadata": {"name": "cilium"},
    "spec": {"controllerName": "example.com/cilium"},
    "status": {"conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted"}]},
}
KINDS = ("Secret", "Gateway", "ListenerSet", "Service", "HTTPRoute")


def listing(owned: dict[str, list[dict]] | None = None, **foreign: set[str]) -> Listing:
    owned = owned or {}
    return Listing(
        NAMESPACE,
        owned={kind: tuple(owned.get(kind, ())) for kind in KINDS},
        foreign={kind: frozenset(foreign.get(kind, set())) for kind in KINDS},
    )


def cluster(**kwargs) -> Cluster:
    return Cluster(listing=listing(**kwargs), gateway_classes=(CLASS,))


def request(relation_id: int, namespace: str, hostnames: list[str]) -> RouteRequest:
    data = RequirerData(namespace=namespace, application=f"{namespace}-app", hostnames=hostnames)
    return RouteRequest(relation_id, f"{namespace}-route", data)


def issued(hostname: str, *, days: int = 30, revoked: bool = False) -> Issued:
    return Issued(
        hostname=hostname,
        certificate=f"LEAF {hostname}",
        ca="CA",
        chain=("CA",),
        expires=NOW + timedelta(days=days),
        revoked=revoked,
    )


def observed(
    *requests: RouteRequest,
    config: dict | None = None,
    certificates: Certificates | None = None,
    state: Cluster | Forbidden | Unavailable | None = None,
    leader: bool = True,
) -> Observed:
    return Observed(
        app=APP,
        namespace=NAMESPACE,
        leader=leader,
        config={"enforce-https": False, **(config or {})},
        requests=requests,
        certificates=certificates or Certificates(related=False),
        cluster=state if state is not None else cluster(),
        now=NOW,
    )


def objects_of(kind: str, result) -> list[dict]:
    return [obj for obj in result.objects or () if obj["kind"] == kind]


def test_a_non_leader_does_nothing_but_stand_by():
    result = plan(observed(request(1, "shop", ["shop.example.com"]), leader=False))
    assert result.status == STANDBY
    assert result.objects is None
    assert not result.answers


def test_bad_config_blocks_and_leaves_everything_as_it_is():
    result = plan(observed(request(1, "shop", ["a.example.com"]), config={"hsts-max-age": -1}))
    assert result.status.is_blocked
    assert "run: juju config gateway hsts-max-age=" in result.status.message
    assert result.objects is None
    assert not result.answers
    assert not result.withdrawn


def test_rbac_denial_asks_for_trust_in_the_api_servers_words():
    denial = Forbidden('secrets is forbidden: User "x" cannot list resource "secrets"', 403)
    result = plan(observed(request(1, "shop", ["a.example.com"]), state=denial))
    assert result.status.is_blocked
    assert "cannot list resource" in result.status.message
    assert result.status.message.endswith("run: juju trust gateway --scope=cluster")
    assert result.objects is None


def test_an_admission_webhook_denial_does_not_ask_for_trust():
    denial = Forbidden('admission webhook "policy.example.com" denied the request', 403)
    result = plan(observed(state=denial))
    assert result.status.is_blocked
    assert "juju trust" not in result.status.message
    assert "denied the request" in result.status.message


def test_an_unreachable_api_waits():
    result = plan(observed(state=Unavailable("connection refused")))
    assert result.status.level == "waiting"
    assert result.objects is None


def test_missing_gateway_api_blocks():
    state = Cluster(listing=Listing(NAMESPACE, unserved=frozenset(KINDS)), gateway_classes=None)
    result = plan(observed(state=state))
    assert result.status.is_blocked
    assert "Gateway API CRDs missing" in result.status.message
    assert result.objects is None


def test_a_foreign_gateway_under_our_name_is_never_touched():
    result = plan(observed(state=cluster(Gateway={APP})))
    assert result.status.is_blocked
    assert f"Gateway {NAMESPACE}/{APP} exists and is not managed by {APP}" in result.status.message
    assert result.objects is None


def test_several_gateway_classes_need_a_choice():
    other = {"metadata": {"name": "ck-gateway"}, "spec": {}}
    state = Cluster(listing=listing(), gateway_classes=(CLASS, other))
    result = plan(observed(state=state))
    assert result.status.is_blocked
    assert "several GatewayClasses (cilium, ck-gateway)" in result.status.message


def test_a_claim_gets_listeners_and_an_answer_naming_them():
    result = plan(observed(request(1, "shop", ["shop.example.com"])))
    (gateway,) = objects_of("Gateway", result)
    names = [listener["name"] for listener in gateway["spec"]["listeners"]]
    assert names == ["http-shop.example.com"]
    answer = result.answers[1]
    (accepted,) = answer.accepted
    assert accepted.hostname == "shop.example.com"
    assert [p.section_name for p in accepted.parents] == ["http-shop.example.com"]
    assert result.status.level == "waiting"  # no address reported yet


def programmed(*kinds: str) -> list[dict]:
    return [{"type": kind, "status": "True", "reason": kind} for kind in kinds]


def test_the_controllers_word_and_the_address_make_it_active():
    stored = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": APP, "namespace": NAMESPACE, "annotations": {}},
        "spec": {"gatewayClassName": "cilium", "listeners": []},
        "status": {
            "addresses": [{"type": "IPAddress", "value": "10.0.0.1"}],
            "conditions": programmed("Accepted", "Programmed"),
            "listeners": [
                {
                    "name": "http-shop.example.com",
                    "conditions": programmed("Accepted", "Programmed", "ResolvedRefs"),
                }
            ],
        },
    }
    result = plan(
        observed(
            request(1, "shop", ["shop.example.com"]), state=cluster(owned={"Gateway": [stored]})
        )
    )
    assert result.status.level == "active"
    assert result.status.message == "1 hostname(s) served at 10.0.0.1"
    assert result.answers[1].addresses == ["10.0.0.1"]


def test_enforced_https_with_a_certificate_serves_tls_and_redirects():
    certificates = Certificates(
        related=True, offered=(issued("shop.example.com"),), private_key="KEY"
    )
    result = plan(
        observed(
            request(1, "shop", ["shop.example.com"]),
            config={"enforce-https": True},
            certificates=certificates,
        )
    )
    (secret,) = objects_of("Secret", result)
    assert secret["metadata"]["name"] == secret_name(APP, "shop.example.com")
    assert base64.b64decode(secret["data"]["tls.key"]).decode() == "KEY"
    assert [r["metadata"]["name"] for r in objects_of("HTTPRoute", result)] == [
        "gateway-https-redirect"
    ]
    answer = result.answers[1]
    assert answer.https_mode == "enforced"
    assert [p.protocol for p in answer.accepted[0].parents] == ["HTTPS"]


def test_revoked_and_expired_certificates_are_not_served():
    certificates = Certificates(
        related=True,
        offered=(issued("a.example.com", revoked=True), issued("b.example.com", days=-1)),
        private_key="KEY",
    )
    result = plan(
        observed(
            request(1, "shop", ["a.example.com", "b.example.com"]),
            config={"enforce-https": True},
            certificates=certificates,
        )
    )
    assert objects_of("Secret", result) == []
    reasons = {r.hostname: r.reason for r in result.answers[1].refused}
    assert reasons == {
        "a.example.com": RefusalReason.PENDING_CERTIFICATE,
        "b.example.com": RefusalReason.PENDING_CERTIFICATE,
    }
    assert result.status.message.startswith(
        "waiting for the certificates of b.example.com and replacements of the revoked "
        "certificates of a.example.com"
    )


def test_a_foreign_secret_keeps_its_hostname_off_https():
    certificates = Certificates(
        related=True, offered=(issued("shop.example.com"),), private_key="KEY"
    )
    state = cluster(Secret={secret_name(APP, "shop.example.com")})
    result = plan(
        observed(
            request(1, "shop", ["shop.example.com"]),
            config={"enforce-https": True},
            certificates=certificates,
            state=state,
        )
    )
    assert objects_of("Secret", result) == []
    assert result.status.is_blocked
    assert "Secret infra/gateway-tls-shop.example.com exists and is not managed" in (
        result.status.message
    )


def test_the_first_claimant_keeps_a_hostname():
    result = plan(
        observed(
            request(1, "shop", ["shared.example.com"]), request(2, "blog", ["shared.example.com"])
        )
    )
    assert [a.hostname for a in result.answers[1].accepted] == ["shared.example.com"]
    (refused,) = result.answers[2].refused
    assert refused.reason == RefusalReason.CONFLICT
    assert "already served for namespace shop" in refused.message


def test_the_recorded_tenant_keeps_a_hostname_against_an_older_relation():
    stored = {
        "kind": "Gateway",
        "metadata": {
            "name": APP,
            "namespace": NAMESPACE,
            "annotations": {TENANCY_ANNOTATION: '{"shared.example.com":["blog"]}'},
        },
        "spec": {"listeners": []},
    }
    result = plan(
        observed(
            request(1, "shop", ["shared.example.com"]),
            request(2, "blog", ["shared.example.com"]),
            state=cluster(owned={"Gateway": [stored]}),
        )
    )
    assert result.answers[2].accepted[0].hostname == "shared.example.com"
    assert result.answers[1].refused[0].reason == RefusalReason.CONFLICT


def test_a_relation_that_asks_for_nothing_is_withdrawn():
    result = plan(observed(RouteRequest(3, "quiet-route", None)))
    assert result.withdrawn == (3,)
    assert 3 not in result.answers


def test_a_broken_request_keeps_what_it_was_last_given():
    previous = plan(observed(request(1, "shop", ["shop.example.com"]))).answers[1]
    gateway = objects_of("Gateway", plan(observed(request(1, "shop", ["shop.example.com"]))))[0]
    broken = RouteRequest(
        1,
        "shop-route",
        DataError("hostnames", "is missing"),
        databag={"version": "1", "namespace": '"shop"'},
        previous=previous,
    )
    result = plan(observed(broken, state=cluster(owned={"Gateway": [gateway]})))
    (kept,) = objects_of("Gateway", result)
    assert [entry["name"] for entry in kept["spec"]["listeners"]] == ["http-shop.example.com"]
    assert 1 not in result.answers  # its last answer is left as it was
    assert "invalid gateway-route data from shop-route (shop): hostnames: is missing" in (
        result.status.message
    )


def test_a_broken_cross_model_request_is_named_by_what_it_is():
    # Across models Juju names the requester remote-<uuid>: say which namespace it is too.
    remote = "remote-" + "ab" * 16
    broken = RouteRequest(
        1,
        remote,
        DataError("hostnames", "is missing"),
        databag={"version": "1", "namespace": '"shop"'},
    )
    result = plan(observed(broken))
    assert "invalid gateway-route data from shop (via remote-abababab…): hostnames" in (
        result.status.message
    )


def test_external_hostname_may_not_take_a_tenants_hostname():
    first = plan(observed(request(1, "shop", ["shop.example.com"])))
    gateway = objects_of("Gateway", first)[0]
    result = plan(
        observed(
            request(1, "shop", ["shop.example.com"]),
            config={"external-hostname": "shop.example.com"},
            state=cluster(owned={"Gateway": [gateway]}),
        )
    )
    assert result.status.is_blocked
    assert "already served for namespace shop" in result.status.message
    assert result.objects is None


def test_unreadable_tls_provider_data_blocks_and_changes_nothing():
    certificates = Certificates(related=True, problem="ValueError: not a certificate")
    result = plan(observed(request(1, "shop", ["a.example.com"]), certificates=certificates))
    assert result.status.is_blocked
    assert "unreadable data on certificates" in result.status.message
    assert result.objects is None


def test_enforced_https_without_a_certificates_relation_says_how_to_add_one():
    result = plan(observed(request(1, "shop", ["a.example.com"]), config={"enforce-https": True}))
    assert result.status.is_blocked
    assert "juju integrate gateway:certificates" in result.status.message


def test_every_answer_decodes_as_the_wire_model():
    result = plan(observed(request(1, "shop", ["a.example.com"]), request(2, "blog", [])))
    for answer in result.answers.values():
        assert isinstance(answer, ProviderData)
        assert encode(answer)["version"] == "1"


# ----- who is asking: claims checked against what Juju and the cluster say ------------------

OWN_UUID = "00000000-0000-4000-8000-000000000001"
SHOP_UUID = "11111111-1111-4111-8111-111111111111"
BLOG_UUID = "22222222-2222-4222-8222-222222222222"
REMOTE = "remote-" + "ab" * 16


def claim(
    relation_id: int, namespace: str, hostnames: list[str], *, model: str | None, app: str = REMOTE
) -> RouteRequest:
    data = RequirerData(namespace=namespace, application="web", hostnames=hostnames)
    return RouteRequest(relation_id, app, data, remote_model=model)


def juju_cluster(**kwargs) -> Cluster:
    namespaces = {NAMESPACE: OWN_UUID, "shop": SHOP_UUID, "blog": BLOG_UUID, "manual": None}
    return Cluster(listing=listing(**kwargs), gateway_classes=(CLASS,), namespaces=namespaces)


def judged(*requests: RouteRequest, config: dict | None = None):
    base = observed(*requests, config=config, state=juju_cluster())
    return plan(dataclasses.replace(base, model_uuid=OWN_UUID))


def test_a_requester_in_another_model_gets_what_its_own_namespace_asks():
    result = judged(claim(1, "shop", ["shop.example.com"], model=SHOP_UUID))
    assert [a.hostname for a in result.answers[1].accepted] == ["shop.example.com"]


def test_a_cross_model_requester_claiming_another_models_namespace_is_refused():
    # blog's configurator says it is shop, to take shop.example.com before shop does.
    result = judged(
        claim(1, "shop", ["shop.example.com"], model=BLOG_UUID),
        claim(2, "shop", ["shop.example.com"], model=SHOP_UUID),
    )
    assert result.answers[1].accepted == []
    (refusal,) = result.answers[1].refused
    assert refusal.reason == RefusalReason.INVALID
    assert "claims namespace shop" in refusal.message
    assert [a.hostname for a in result.answers[2].accepted] == ["shop.example.com"]
    assert result.status.is_blocked
    assert "shop/web (via remote-abababab…) refused: it claims namespace shop" in (
        result.status.message
    )
    (gateway,) = objects_of("Gateway", result)
    tenancy = gateway["metadata"]["annotations"][TENANCY_ANNOTATION]
    assert tenancy == '{"shop.example.com":["shop"]}'


def test_a_same_model_requester_may_claim_only_the_gateways_namespace():
    result = judged(claim(1, "shop", ["shop.example.com"], model=OWN_UUID, app="route"))
    assert result.answers[1].accepted == []
    assert "is in this model (infra) but claims shop" in result.status.message


def test_a_namespace_that_does_not_exist_cannot_be_claimed():
    result = judged(claim(1, "ghost", ["ghost.example.com"], model=SHOP_UUID))
    assert result.answers[1].accepted == []
    assert "claims namespace ghost, which does not exist" in result.status.message


@pytest.mark.parametrize("claimed", ["manual", "kube-system"])
def test_a_requester_cannot_claim_a_namespace_that_is_not_a_juju_model(claimed):
    # Routes in a namespace Juju does not manage may be written by anybody who can write there:
    # a requester whose own namespace is known may claim only that one.
    state = juju_cluster()
    state = dataclasses.replace(
        state, namespaces={**(state.namespaces or {}), "kube-system": None}
    )
    base = observed(claim(1, claimed, [f"{claimed}.example.com"], model=SHOP_UUID), state=state)
    result = plan(dataclasses.replace(base, model_uuid=OWN_UUID))
    assert result.answers[1].accepted == []
    assert f"claims namespace {claimed}, but Juju says the requester is in model" in (
        result.status.message
    )
    assert "namespace shop" in result.status.message


def test_without_relation_model_get_claims_cannot_be_checked_and_are_served():
    # Juju < 3.6.2 cannot say which model a requester is in.
    result = judged(claim(1, "shop", ["shop.example.com"], model=None))
    assert [a.hostname for a in result.answers[1].accepted] == ["shop.example.com"]


def test_a_requester_whose_model_has_no_annotated_namespace_cannot_be_checked():
    # No namespace carries the requester's model UUID (e.g. annotated by an older Juju): which
    # namespace is its own cannot be told, so only another model's namespace is refused.
    unknown = "c" * 32
    result = judged(claim(1, "manual", ["manual.example.com"], model=unknown))
    assert [a.hostname for a in result.answers[1].accepted] == ["manual.example.com"]


def test_canonicals_requirer_is_named_with_what_to_deploy_instead():
    canonical = RouteRequest(
        1,
        "ingress-configurator",
        None,
        databag={"hostname": '"app.example.com"', "additional_hostnames": "[]"},
    )
    result = judged(canonical)
    assert result.withdrawn == (1,)
    assert result.status.is_blocked
    assert (
        "ingress-configurator speaks Canonical's gateway-route v1, not this gateway's "
        "gateway-route" in result.status.message
    )
    assert "this project's gateway-route-configurator" in result.status.message


# ----- the hostname policy --------------------------------------------------------------------

POLICY = {"hostname-policy": "shop.example.com=shop,*.blog.example.com=blog|blog-staging"}


def test_the_policy_refuses_a_model_it_does_not_name():
    result = judged(claim(1, "blog", ["shop.example.com"], model=BLOG_UUID), config=POLICY)
    (refusal,) = result.answers[1].refused
    # A library 1.0 requirer reads no newer reason: it gets `invalid`, with the reason named.
    assert refusal.reason == RefusalReason.INVALID
    assert refusal.message.startswith("not-allowed: the gateway's hostname-policy lets only")


def test_a_requirer_that_reads_it_gets_not_allowed():
    data = RequirerData(
        namespace="blog",
        application="web",
        hostnames=["shop.example.com", "a.blog.example.com"],
        refusal_reasons=[reason.value for reason in RefusalReason],
    )
    result = judged(RouteRequest(1, REMOTE, data, remote_model=BLOG_UUID), config=POLICY)
    (refusal,) = result.answers[1].refused
    assert refusal.reason == RefusalReason.NOT_ALLOWED
    assert refusal.fix is not None
    assert "hostname-policy" in refusal.fix
    assert [a.hostname for a in result.answers[1].accepted] == ["a.blog.example.com"]


def test_a_wildcard_matches_any_depth_but_not_its_own_domain():
    result = judged(
        claim(1, "blog", ["x.y.blog.example.com", "blog.example.com"], model=BLOG_UUID),
        config=POLICY,
    )
    assert [a.hostname for a in result.answers[1].accepted] == ["x.y.blog.example.com"]
    assert [r.hostname for r in result.answers[1].refused] == ["blog.example.com"]


def test_a_released_hostname_goes_only_to_a_claimant_the_policy_allows():
    # blog asked first (lower relation id) but may not have it; shop may.
    result = judged(
        claim(1, "blog", ["shop.example.com"], model=BLOG_UUID),
        claim(2, "shop", ["shop.example.com"], model=SHOP_UUID),
        config=POLICY,
    )
    assert [a.hostname for a in result.answers[2].accepted] == ["shop.example.com"]
    assert result.answers[1].accepted == []


def test_a_bad_policy_entry_is_named_with_the_fix():
    result = judged(config={"hostname-policy": "shop.example.com=shop,oops"})
    assert result.status.is_blocked
    assert result.status.message.startswith("this charm's config hostname-policy='oops' must be")
    assert "run: juju config gateway hostname-policy=" in result.status.message
    assert result.objects is None


# ----- what the status tells the operator --------------------------------------------------


def test_a_broken_request_ends_with_the_refresh_of_that_configurator():
    broken = RouteRequest(1, "shop-route", DataError("hostnames", "is missing"))
    result = plan(observed(broken))
    assert result.status.message.endswith(
        "its operator must fix or upgrade it: juju refresh shop-route"
    )


def test_a_broken_cross_model_request_names_the_model_to_refresh_it_in():
    remote = "remote-" + "ab" * 16
    broken = RouteRequest(
        1, remote, DataError("hostnames", "is missing"), databag={"namespace": '"shop"'}
    )
    result = plan(observed(broken))
    assert result.status.message.endswith(
        "its operator must fix or upgrade it, in model shop: juju refresh <configurator>"
    )
    assert f"juju refresh {remote}" not in result.status.message


def test_a_configurator_speaking_a_newer_version_asks_to_upgrade_this_charm():
    newer = DataError("version", "2 is newer than 1; upgrade this charm", newer=True)
    result = plan(observed(RouteRequest(1, "shop-route", newer)))
    assert result.status.message.endswith(f"run: juju refresh {APP}")


def test_an_impostor_is_refused_with_the_command_that_ends_its_relation():
    result = judged(claim(7, "shop", ["shop.example.com"], model=BLOG_UUID))
    assert result.status.message.endswith("or run: juju remove-relation 7")


def test_a_revoked_certificate_is_refused_as_revoked_to_its_configurator():
    certificates = Certificates(
        related=True, offered=(issued("a.example.com", revoked=True),), private_key="KEY"
    )
    result = plan(
        observed(
            request(1, "shop", ["a.example.com"]),
            config={"enforce-https": True},
            certificates=certificates,
        )
    )
    (refusal,) = result.answers[1].refused
    assert "was revoked; its replacement has not arrived yet" in refusal.message


def test_many_gateway_classes_are_named_up_to_three_and_counted():
    classes = tuple({**CLASS, "metadata": {"name": name}} for name in ("a", "b", "c", "d", "e"))
    result = plan(observed(state=Cluster(listing=listing(), gateway_classes=classes)))
    assert result.status.message == (
        "several GatewayClasses (a, b, c and 2 more): this charm's config must choose one; "
        f"run: juju config {APP} gateway-class=<name>"
    )
