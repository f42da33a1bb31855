"""The configurator's Blocked and Waiting messages: what is wrong, who acts, the command."""

from __future__ import annotations

from configurator.plan import Observed, plan
from configurator.plan import status as messages
from configurator.plan.status import Context
from gateway_route import (
    Accepted,
    DataError,
    ParentRef,
    ProviderData,
    RefusalReason,
    Refused,
    decode,
)
from ingress_v2 import IngressRequest
from ingress_v2.databags import parse_app_databag
from kube_objects import Listing

APP, NAMESPACE = "shop-route", "shop"
WORKLOAD = IngressRequest(model=NAMESPACE, name="catalogue", port=8080)
KINDS = ("Service", "BackendTLSPolicy", "HTTPRoute")
CONTEXT = Context(APP, ("a.example.com", "b.example.com"))


def observed(**kwargs) -> Observed:
    listing = Listing(
        NAMESPACE,
        owned=dict.fromkeys(KINDS, ()),
        foreign={kind: frozenset() for kind in KINDS},
    )
    defaults = {
        "app": APP,
        "namespace": NAMESPACE,
        "leader": True,
        "config": {"hostname": "a.example.com"},
        "ingress": WORKLOAD,
        "ingress_related": True,
        "workload": "catalogue",
        "gateway_related": True,
        "gateway": "edge",
        "cluster": listing,
    }
    return Observed(**{**defaults, **kwargs})


def answer(*refused: Refused) -> ProviderData:
    parent = ParentRef(
        name="gateway", namespace="infra", section_name="http", protocol="HTTP", port=80
    )
    return ProviderData(
        gateway_name="gateway",
        gateway_namespace="infra",
        https_mode="enforced",
        hsts_max_age=0,
        addresses=["10.0.0.1"],
        accepted=[Accepted(hostname="z.example.com", parents=[parent])],
        refused=list(refused),
    )


def pending(hostname: str, message: str = "on its way") -> Refused:
    return Refused(hostname=hostname, reason=RefusalReason.PENDING_CERTIFICATE, message=message)


def test_no_gateway_offers_the_local_application_and_the_offer_url_forms():
    found = messages.no_gateway(APP)

    assert found.is_blocked
    assert found.message.endswith(
        f"run: juju integrate {APP} <gateway app | [<controller>:]<owner>/<model>.<offer>>"
    )
    assert "gateway-api-integrator" not in found.message


def test_bad_ingress_data_says_the_workloads_charm_must_fix_it():
    error = parse_app_databag(
        {"model": '"shop"', "name": '"catalogue"', "port": '"80"'},
        relation="ingress:1",
        databag="catalogue",
    )
    assert isinstance(error, list)

    result = plan(observed(ingress=error[0]))

    assert result.status.is_blocked
    assert result.status.message.startswith(
        "bad ingress data from the workload's charm: catalogue port: "
    )
    assert result.status.message.endswith("then run: juju refresh catalogue")


def test_too_deeply_nested_ingress_data_is_named_as_such_in_the_status():
    deep = "[" * 50_000 + "]" * 50_000
    error = parse_app_databag(
        {"model": '"shop"', "name": '"catalogue"', "port": deep},
        relation="ingress:1",
        databag="catalogue",
    )
    assert isinstance(error, list)

    result = plan(observed(ingress=error[0]))

    assert "catalogue port: is JSON nested too deeply to decode" in result.status.message
    assert "JSON-encoded" not in result.status.message


def test_a_gateway_speaking_a_newer_version_asks_to_upgrade_this_charm():
    error = decode(
        ProviderData,
        {"version": "2", "gateway_name": '"gateway"'},
    )
    assert isinstance(error, DataError)

    result = plan(observed(answer=error))

    assert result.status.is_blocked
    assert result.status.message.startswith(
        "unreadable gateway-route data from the gateway edge: field 'version'"
    )
    assert result.status.message.endswith(f"run: juju refresh {APP}")


def test_bad_gateway_data_asks_the_gateways_operator_in_its_model():
    found = messages.bad_gateway_data(DataError("addresses", "bad"), "edge", APP)

    assert found.message.endswith(
        "the gateway's operator must fix or upgrade it, in its model: juju refresh edge"
    )


def test_a_workload_in_another_model_ends_with_the_deploy_command_for_that_model():
    result = plan(observed(ingress=WORKLOAD.model_copy(update={"model": "elsewhere"})))

    assert result.status.message.endswith(
        "juju deploy gateway-route-configurator --trust -m elsewhere"
    )


def test_a_conflict_on_an_additional_hostname_names_that_option():
    refused = Refused(
        hostname="b.example.com", reason=RefusalReason.CONFLICT, message="taken by blog"
    )

    found = messages.refusal(refused, CONTEXT)

    assert found.message.endswith(
        f"run: juju config {APP} additional-hostnames=<another DNS name>"
    )


def test_a_refusal_with_the_gateways_fix_shows_that_fix():
    refused = Refused(
        hostname="a.example.com",
        reason=RefusalReason.NOT_ALLOWED,
        message="policy",
        fix="the gateway's operator decides: juju config edge hostname-policy=...",
    )

    found = messages.refusal(refused, CONTEXT)

    assert found.message.endswith("juju config edge hostname-policy=...")


def test_certificates_awaited_are_named_up_to_three_and_counted():
    hosts = [f"h{i}.example.com" for i in range(5)]
    config = {"hostname": hosts[0], "additional-hostnames": ",".join(hosts[1:])}

    result = plan(observed(config=config, answer=answer(*(pending(h) for h in hosts))))

    assert result.status.level == "waiting"
    assert result.status.message == (
        "waiting for the certificates of h0.example.com, h1.example.com, h2.example.com and 2 "
        "more from the gateway's TLS provider"
    )


def test_a_revoked_certificate_awaited_says_a_replacement_is_requested():
    revoked = pending("a.example.com", "the certificate for a.example.com was revoked; ...")

    result = plan(observed(answer=answer(revoked)))

    assert result.status.message == (
        "waiting for the certificate of a.example.com from the gateway's TLS provider "
        "(a.example.com revoked: a replacement is requested)"
    )


def test_waiting_for_the_gateway_names_it():
    result = plan(observed(answer=None))

    assert result.status.message == "waiting for the gateway edge to answer"
