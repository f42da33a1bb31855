"""The configurator's plan() on hand-made snapshots: no API double, no ops, one decision each."""

from __future__ import annotations

import dataclasses

import pytest

from configurator.plan import WITHDRAW, Observed, plan
from configurator.plan.config import Config
from gateway_route import (
    Accepted,
    DataError,
    ParentRef,
    ProviderData,
    RefusalReason,
    Refused,
    RequirerData,
    Serving,
    ServingState,
)
from http_routes.state import desired_objects, route_state, routes
from ingress_v2 import IngressDataError, IngressRequest
from kube_objects import Forbidden, Listing
from reconcile import STANDBY, active, waiting

APP, NAMESPACE, HOST = "shop-route", "shop", "shop.example.com"
KINDS = ("Service", "BackendTLSPolicy", "HTTPRoute")
WORKLOAD = IngressRequest(model=NAMESPACE, name="catalogue", port=8080)
PARENT = ParentRef(
    name="gateway",
    namespace="infra",
    section_name=f"https-{HOST}",
    protocol="HTTPS",
    port=443,
)
CONFIG = Config(hostnames=(HOST,), paths=("/",))
ANSWER = ProviderData(
    gateway_name="gateway",
    gateway_namespace="infra",
    https_mode="enforced",
    hsts_max_age=0,
    addresses=["10.0.0.1"],
    accepted=[Accepted(hostname=HOST, parents=[PARENT])],
    refused=[],
)


def listing(
    routes_stored: list[dict] | None = None,
    *,
    tls: bool = True,
    foreign: dict[str, set[str]] | None = None,
) -> Listing:
    return Listing(
        NAMESPACE,
        owned={"HTTPRoute": tuple(routes_stored or ()), "Service": (), "BackendTLSPolicy": ()},
        foreign={kind: frozenset((foreign or {}).get(kind, set())) for kind in KINDS},
        unserved=frozenset() if tls else frozenset({"BackendTLSPolicy"}),
    )


def observed(
    *,
    ingress: IngressRequest | IngressDataError | None = WORKLOAD,
    answer: ProviderData | DataError | None = ANSWER,
    state: Listing | Forbidden | None = None,
    config: dict | None = None,
    leader: bool = True,
    published: str | None = None,
) -> Observed:
    return Observed(
        app=APP,
        namespace=NAMESPACE,
        leader=leader,
        config={"hostname": HOST, **(config or {})},
        ingress=ingress,
        ingress_related=ingress is not None,
        published=published,
        workload="catalogue",
        gateway_related=True,
        answer=answer,
        cluster=state if state is not None else listing(),
    )


def accepted(route: dict, generation: int = 1) -> dict:
    """`route` as the API server holds it once the controller accepted it on every parent."""
    conditions = [
        {"type": t, "status": "True", "reason": t, "observedGeneration": generation}
        for t in ("Accepted", "ResolvedRefs")
    ]
    parents = [{"parentRef": ref, "conditions": conditions} for ref in route["spec"]["parentRefs"]]
    metadata = {**route["metadata"], "generation": generation}
    return {**route, "metadata": metadata, "status": {"parents": parents}}


def wanted_routes() -> list[dict]:
    return routes(route_state(CONFIG, WORKLOAD, ANSWER, NAMESPACE))


def test_a_non_leader_stands_by():
    result = plan(observed(leader=False))
    assert result.status == STANDBY
    assert result.objects is None
    assert result.request is None
    assert result.url is None


def test_bad_config_blocks_and_changes_nothing():
    result = plan(observed(config={"paths": "api"}))
    assert result.status.is_blocked
    assert result.status.message.endswith("run: juju config shop-route paths=/,/api")
    assert (result.objects, result.request, result.url) == (None, None, None)


def test_bad_workload_data_blocks_and_changes_nothing():
    problem = IngressDataError(relation="ingress:1", databag="catalogue", key="port", reason="bad")
    result = plan(observed(ingress=problem))
    assert result.status.is_blocked
    assert (result.objects, result.request, result.url) == (None, None, None)


def test_no_workload_withdraws_everything():
    result = plan(observed(ingress=None))
    assert result.objects == ()
    assert result.request == WITHDRAW
    assert result.url == WITHDRAW
    assert result.status.message == (
        "no workload: integrate one from this model; run: juju integrate <workload> shop-route"
    )


def test_a_workload_in_another_model_is_refused():
    other = IngressRequest(model="elsewhere", name="catalogue", port=8080)
    result = plan(observed(ingress=other))
    assert result.objects == ()
    assert result.url == WITHDRAW
    assert "is in model elsewhere" in result.status.message


def test_a_bad_gateway_answer_keeps_routes_and_url():
    result = plan(observed(answer=DataError("accepted", "is missing")))
    assert result.status.is_blocked
    assert result.objects is None
    assert result.url is None
    assert isinstance(result.request, RequirerData)


def test_new_routes_wait_for_the_controller_and_publish_no_url():
    result = plan(observed())
    kinds = [obj["kind"] for obj in result.objects or ()]
    assert kinds == ["Service", "HTTPRoute"]
    assert result.url == WITHDRAW
    assert result.status.level == "waiting"
    assert "waiting for the gateway controller to accept HTTPRoute catalogue" in (
        result.status.message
    )


def test_accepted_routes_publish_the_url():
    result = plan(observed(state=listing([accepted(r) for r in wanted_routes()])))
    assert result.url == f"https://{HOST}/"
    assert result.status.level == "active"


def test_a_route_whose_spec_changes_keeps_its_url_but_says_it_is_catching_up():
    stored = accepted(wanted_routes()[0])
    stored["spec"] = {**stored["spec"], "hostnames": ["old.example.com"]}
    result = plan(observed(state=listing([stored])))
    assert result.url == f"https://{HOST}/"
    assert "take in changes" in result.status.message


@pytest.mark.parametrize("published", [None, f"https://{HOST}/"], ids=["unpublished", "held"])
def test_a_rejected_route_withdraws_the_url_and_blocks(published):
    # Also when the workload holds the URL: a refusal is no brief gap, nothing will be served.
    route = accepted(wanted_routes()[0])
    for parent in route["status"]["parents"]:
        parent["conditions"][0] = {
            "type": "Accepted",
            "status": "False",
            "reason": "NotAllowedByListeners",
            "message": "namespace not admitted",
        }
    result = plan(observed(state=listing([route]), published=published))
    assert result.url == WITHDRAW
    assert result.status.is_blocked
    assert "not Accepted (NotAllowedByListeners): namespace not admitted" in result.status.message


def test_a_foreign_service_under_our_name_prunes_our_routes():
    result = plan(observed(state=listing(foreign={"Service": {"catalogue-8080"}})))
    assert result.objects == ()
    assert result.url == WITHDRAW
    assert "Service shop/catalogue-8080 exists and is not managed by shop-route" in (
        result.status.message
    )


def test_https_backends_need_backend_tls_policy():
    secure = IngressRequest(model=NAMESPACE, name="catalogue", port=8443, scheme="https")
    result = plan(observed(ingress=secure, state=listing(tls=False)))
    assert [obj["kind"] for obj in result.objects or ()] == ["Service"]
    assert result.url == WITHDRAW
    assert "no BackendTLSPolicy" in result.status.message


def test_rbac_denial_leaves_the_url_and_asks_for_trust():
    denial = Forbidden('services is forbidden: User "x" cannot list resource "services"', 403)
    result = plan(observed(state=denial))
    assert result.url is None
    assert result.objects is None
    assert result.status.message.endswith("run: juju trust shop-route --scope=cluster")


def test_desired_objects_put_the_service_before_its_routes():
    state = route_state(CONFIG, WORKLOAD, ANSWER, NAMESPACE)
    assert [obj["kind"] for obj in desired_objects(state)] == ["Service", "HTTPRoute"]


# ----- what the gateway says of its listeners (gateway-route library 1.1) -------------------


def answer_with(serving: Serving | None, hostname: str = HOST) -> ProviderData:
    return ANSWER.model_copy(
        update={"accepted": [Accepted(hostname=hostname, parents=[PARENT], serving=serving)]}
    )


def test_pending_listeners_keep_the_url_back_and_say_why():
    pending = Serving(
        state=ServingState.PENDING, reason="Pending", message="Gateway infra/gateway: Pending"
    )
    result = plan(
        observed(
            answer=answer_with(pending), state=listing([accepted(r) for r in wanted_routes()])
        )
    )
    assert result.url == WITHDRAW
    assert result.status == waiting(
        "waiting for the gateway's controller to program shop.example.com "
        "(Gateway infra/gateway: Pending)"
    )


@pytest.mark.parametrize("reason", ["NotReported", "Stale", "Pending"])
def test_a_held_url_is_kept_while_the_controller_catches_up(reason: str):
    pending = Serving(state=ServingState.PENDING, reason=reason, message=f"Gateway: {reason}")
    served = listing([accepted(r) for r in wanted_routes()])
    result = plan(
        observed(answer=answer_with(pending), state=served, published=f"https://{HOST}/")
    )
    assert result.url is None  # left as the workload holds it
    assert result.status.level == "waiting"


@pytest.mark.parametrize("reason", ["AddressNotAssigned", "NoResources", "AddressNotUsable"])
def test_a_held_url_is_wiped_when_the_listener_waits_for_something_that_may_not_come(
    reason: str,
):
    pending = Serving(state=ServingState.PENDING, reason=reason, message=f"Gateway: {reason}")
    served = listing([accepted(r) for r in wanted_routes()])
    result = plan(
        observed(answer=answer_with(pending), state=served, published=f"https://{HOST}/")
    )
    assert result.url == WITHDRAW


def test_a_held_http_url_is_kept_while_its_https_successor_is_programmed():
    pending = Serving(state=ServingState.PENDING, reason="Pending", message="Gateway: Pending")
    served = listing([accepted(r) for r in wanted_routes()])
    result = plan(observed(answer=answer_with(pending), state=served, published=f"http://{HOST}/"))
    assert result.url is None


def test_a_held_https_url_is_wiped_when_only_http_will_be_served():
    pending = Serving(state=ServingState.PENDING, reason="Pending", message="Gateway: Pending")
    http_parent = PARENT.model_copy(
        update={"section_name": f"http-{HOST}", "protocol": "HTTP", "port": 80}
    )
    http_only = ANSWER.model_copy(
        update={
            "https_mode": "disabled",
            "accepted": [Accepted(hostname=HOST, parents=[http_parent], serving=pending)],
        }
    )
    served = listing([accepted(r) for r in wanted_routes()])
    result = plan(observed(answer=http_only, state=served, published=f"https://{HOST}/"))
    assert result.url == WITHDRAW


def test_refused_listeners_block_with_the_gateways_fix():
    failed = Serving(
        state=ServingState.FAILED,
        reason="InvalidCertificateRef",
        message="listener https-shop.example.com: InvalidCertificateRef: bad PEM",
        fix="the gateway's operator must check the certificate",
    )
    result = plan(
        observed(answer=answer_with(failed), state=listing([accepted(r) for r in wanted_routes()]))
    )
    assert result.url == WITHDRAW
    assert result.status.is_blocked
    assert result.status.message.endswith("; the gateway's operator must check the certificate")


def test_programmed_listeners_publish_the_url():
    programmed = Serving(state=ServingState.PROGRAMMED)
    result = plan(
        observed(
            answer=answer_with(programmed), state=listing([accepted(r) for r in wanted_routes()])
        )
    )
    assert result.url == f"https://{HOST}/"
    assert result.status == active(f"https://{HOST}/")


def test_a_pending_certificate_that_cannot_come_blocks_naming_the_gateways_relation():
    refusal = Refused(
        hostname=HOST,
        reason=RefusalReason.PENDING_CERTIFICATE,
        message="HTTPS is enforced and the gateway gateway has no TLS provider",
        fix="the gateway's operator must run: juju integrate gateway:certificates <provider>",
    )
    result = plan(
        observed(answer=ANSWER.model_copy(update={"accepted": [], "refused": [refusal]}))
    )
    assert result.status.is_blocked
    assert "juju integrate gateway:certificates" in result.status.message


# ----- a workload can only ever expose itself ---------------------------------------------------


def test_a_workload_asking_to_be_served_as_another_app_gets_nothing():
    liar = IngressRequest(model=NAMESPACE, name="admin", port=8080)
    result = plan(dataclasses.replace(observed(ingress=liar), workload="catalogue"))
    assert result.status.is_blocked
    assert "workload catalogue asks to be served as 'admin'" in result.status.message
    # Nothing created, nothing changed for what was served before.
    assert (result.objects, result.request, result.url) == (None, None, None)


def test_a_workload_in_another_model_is_refused_whatever_its_data_says():
    base = observed(ingress=WORKLOAD)
    result = plan(dataclasses.replace(base, model_uuid="own", workload_model="elsewhere"))
    assert result.objects == ()
    assert result.url == WITHDRAW
    assert "is related from another model, not shop (Juju says so)" in result.status.message


def test_canonicals_gateway_is_named_and_our_request_withdrawn():
    base = observed(answer=DataError("version", "is missing"))
    result = plan(
        dataclasses.replace(
            base, gateway="gateway-api-integrator", gateway_dialect="Canonical's gateway-route v1"
        )
    )
    assert result.status.is_blocked
    assert result.status.message.startswith(
        "the gateway gateway-api-integrator speaks Canonical's gateway-route v1"
    )
    assert result.request == WITHDRAW
    assert result.objects is None


def test_not_allowed_shows_the_gateways_fix():
    refusal = Refused(
        hostname=HOST,
        reason=RefusalReason.NOT_ALLOWED,
        message="the gateway's hostname-policy lets only model(s) blog claim shop.example.com",
        fix="the gateway's operator decides: juju config gateway hostname-policy=...",
    )
    result = plan(
        observed(answer=ANSWER.model_copy(update={"accepted": [], "refused": [refusal]}))
    )
    assert result.status.is_blocked
    assert result.status.message.endswith("juju config gateway hostname-policy=...")


# ----- the URL the workload holds ---------------------------------------------------------
# The workload's ingress library keeps the last URL it was given, and never sees a wipe, until
# the relation ends: these decide from what it holds (`published`), not from what we wish.

OLD = "old.example.com"


def answer_for(*hosts: str, programmed: bool = True) -> ProviderData:
    state = ServingState.PROGRAMMED if programmed else ServingState.PENDING
    return ANSWER.model_copy(
        update={
            "accepted": [
                Accepted(
                    hostname=h,
                    parents=[PARENT.model_copy(update={"section_name": f"https-{h}"})],
                    serving=Serving(state=state),
                )
                for h in hosts
            ]
        }
    )


def stored_routes(config: Config, answer: ProviderData) -> list[dict]:
    return [accepted(r) for r in routes(route_state(config, WORKLOAD, answer, NAMESPACE))]


def test_a_new_hostname_keeps_the_old_one_served_until_it_flows():
    answer = answer_for(OLD)  # the gateway has not taken in the new hostname yet
    held = f"https://{OLD}/"
    state = listing(stored_routes(Config(hostnames=(OLD,), paths=("/",)), answer))
    result = plan(observed(answer=answer, state=state, published=held))
    assert isinstance(result.request, RequirerData)
    assert result.request.hostnames == [HOST, OLD], "the old hostname is still asked for"
    route = next(o for o in result.objects or () if o["kind"] == "HTTPRoute")
    assert OLD in route["spec"]["hostnames"]
    assert result.url == held
    assert result.status.level == "waiting"
    assert f"still serving {held} until {HOST} flows" in result.status.message


def test_an_old_hostname_briefly_pending_is_still_kept_while_the_new_one_comes():
    # The gateway's controller has not re-reported after the new listener was added: the old
    # hostname's listener reads pending. Dropping it now would leave the workload a dead URL.
    answer = answer_for(OLD, programmed=False)
    held = f"https://{OLD}/"
    state = listing(stored_routes(Config(hostnames=(OLD,), paths=("/",)), answer))
    result = plan(observed(answer=answer, state=state, published=held))
    assert isinstance(result.request, RequirerData)
    assert result.request.hostnames == [HOST, OLD]
    route = next(o for o in result.objects or () if o["kind"] == "HTTPRoute")
    assert OLD in route["spec"]["hostnames"]
    assert result.url is None, "left as the workload holds it"
    assert f"still serving {held} until {HOST} flows" in result.status.message


@pytest.mark.parametrize(
    ("published", "routed", "level"),
    [
        # The new hostname flows: its URL is published, the old one still routed, since the
        # workload reads the new URL only at its next relation-changed.
        (f"https://{OLD}/", [HOST, OLD], "active"),
        # The hook after: the new URL is what was published, so the old hostname goes (and
        # the controller has yet to take in the narrower route).
        (f"https://{HOST}/", [HOST], "waiting"),
    ],
)
def test_the_old_hostname_goes_the_hook_after_the_new_url_is_published(published, routed, level):
    answer = answer_for(HOST, OLD)
    both = Config(hostnames=(HOST, OLD), paths=("/",))
    state = listing(stored_routes(both, answer))
    result = plan(observed(answer=answer, state=state, published=published))
    assert isinstance(result.request, RequirerData)
    assert result.request.hostnames == routed
    assert result.url == f"https://{HOST}/"
    route = next(o for o in result.objects or () if o["kind"] == "HTTPRoute")
    assert route["spec"]["hostnames"] == routed
    assert result.status.level == level


def test_a_refused_new_hostname_leaves_the_old_one_served_and_says_so():
    refusal = Refused(hostname=HOST, reason=RefusalReason.CONFLICT, message="held by blog")
    refused = answer_for(OLD).model_copy(update={"refused": [refusal]})
    state = listing(stored_routes(Config(hostnames=(OLD,), paths=("/",)), refused))
    result = plan(observed(answer=refused, state=state, published=f"https://{OLD}/"))
    assert result.url == f"https://{OLD}/"
    assert "held by blog" in result.status.message
    assert f"still serving https://{OLD}/ until {HOST} flows" in result.status.message


def test_a_url_the_controller_has_not_re_reported_is_kept():
    # The controller restarted and has not written route status yet: a brief gap.
    stored = [dict(r, status={}) for r in wanted_routes()]
    result = plan(observed(state=listing(stored), published=f"https://{HOST}/"))
    assert result.url is None, "left as the workload holds it"
    assert result.status.level == "waiting"


def test_a_url_nobody_holds_is_not_published_before_it_flows():
    stored = [dict(r, status={}) for r in wanted_routes()]
    result = plan(observed(state=listing(stored), published=None))
    assert result.url == WITHDRAW


def test_without_a_gateway_the_url_is_wiped():
    result = plan(observed(answer=None, published=f"https://{HOST}/"))
    assert result.url == WITHDRAW
