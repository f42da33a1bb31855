"""What the controller reports, judged: pure tests of plan/controller.py, condition by condition.

The conditions are written the way the Gateway API spec describes them (Gateway and listener
`Accepted`, `Programmed`, `ResolvedRefs`, `Conflicted`; GatewayClass `Accepted`), including the
`Unknown`/`Pending` defaults the CRDs give before any controller acts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway_route import ServingState
from integrator.plan.controller import (
    LISTENER_SET_PATIENCE,
    Controller,
    class_verdict,
    fix_for,
    listener_set_support,
)
from integrator.plan.listeners import ListenerSpec
from kube_objects import Listing

NOW = datetime(2026, 12, 1, tzinfo=UTC)
APP, NAMESPACE = "gateway", "infra"


def condition(kind: str, status: str, reason: str = "", message: str = "", gen: int = 1) -> dict:
    return {
        "type": kind,
        "status": status,
        "reason": reason or kind,
        "message": message,
        "observedGeneration": gen,
    }


def ok(*kinds: str) -> list[dict]:
    return [condition(kind, "True") for kind in kinds]


def gateway(listeners: list[dict] | None = None, conditions: list[dict] | None = None) -> dict:
    return {
        "kind": "Gateway",
        "metadata": {"name": APP, "namespace": NAMESPACE, "generation": 1},
        "status": {
            "conditions": ok("Accepted", "Programmed") if conditions is None else conditions,
            "listeners": listeners or [],
        },
    }


def listener(name: str, conditions: list[dict] | None = None) -> dict:
    return {
        "name": name,
        "conditions": ok("Accepted", "Programmed", "ResolvedRefs")
        if conditions is None
        else conditions,
    }


ACCEPTED_CLASS = {"metadata": {"name": "cilium"}, "status": {"conditions": ok("Accepted")}}
SPEC = ListenerSpec("https-a.example.com", "HTTPS", "a.example.com", frozenset({"shop"}))


def controller(*gateways: dict, sets: tuple[dict, ...] = ()) -> Controller:
    listing = Listing(NAMESPACE, owned={"Gateway": gateways, "ListenerSet": sets})
    return Controller(NAMESPACE, APP, listing, class_verdict(ACCEPTED_CLASS, "cilium"))


def test_a_programmed_listener_on_a_programmed_gateway_carries_traffic():
    verdict = controller(gateway([listener(SPEC.name)])).listener(SPEC)
    assert verdict.state == ServingState.PROGRAMMED


def test_a_listener_the_controller_has_not_reported_is_pending():
    verdict = controller(gateway([])).listener(SPEC)
    assert verdict.state == ServingState.PENDING
    assert verdict.reason == "NotReported"


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        ([condition("Accepted", "Unknown", "Pending")], "Pending"),
        ([condition("Accepted", "True"), condition("Programmed", "False", "Pending")], "Pending"),
        (ok("Accepted"), "NotReported"),
    ],
)
def test_a_gateway_not_yet_programmed_keeps_its_listeners_pending(conditions, reason):
    verdict = controller(gateway([listener(SPEC.name)], conditions)).listener(SPEC)
    assert verdict.state == ServingState.PENDING
    assert verdict.reason == reason
    assert verdict.where == "Gateway infra/gateway"


def test_a_gateway_programmed_for_an_older_spec_is_pending():
    stale = gateway([listener(SPEC.name)])
    stale["metadata"]["generation"] = 2
    verdict = controller(stale).listener(SPEC)
    assert verdict.state == ServingState.PENDING
    assert verdict.reason == "Stale"


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        (
            [
                *ok("Accepted", "Programmed"),
                condition("ResolvedRefs", "False", "InvalidCertificateRef"),
            ],
            "InvalidCertificateRef",
        ),
        (
            [
                *ok("Accepted", "Programmed", "ResolvedRefs"),
                condition("Conflicted", "True", "HostnameConflict"),
            ],
            "HostnameConflict",
        ),
        ([condition("Accepted", "False", "PortUnavailable")], "PortUnavailable"),
        ([*ok("Accepted"), condition("Programmed", "False", "Invalid")], "Invalid"),
    ],
)
def test_a_listener_the_controller_refuses_fails_with_its_reason(conditions, reason):
    verdict = controller(gateway([listener(SPEC.name, conditions)])).listener(SPEC)
    assert verdict.state == ServingState.FAILED
    assert verdict.reason == reason
    assert verdict.where == f"Gateway infra/gateway listener {SPEC.name}"


def test_a_gateway_class_the_controller_refuses_fails_every_listener():
    refused = {
        "metadata": {"name": "cilium"},
        "status": {
            "conditions": [condition("Accepted", "False", "UnsupportedVersion", "CRDs too old")]
        },
    }
    listing = Listing(NAMESPACE, owned={"Gateway": (gateway([listener(SPEC.name)]),)})
    verdict = Controller(NAMESPACE, APP, listing, class_verdict(refused, "cilium")).listener(SPEC)
    assert verdict.state == ServingState.FAILED
    assert verdict.reason == "UnsupportedVersion"
    assert "juju config gateway gateway-class=" in fix_for(
        verdict, APP, NAMESPACE, "a.example.com"
    )


def test_a_gateway_class_never_accepted_is_pending():
    unknown = {
        "metadata": {"name": "cilium"},
        "status": {"conditions": [condition("Accepted", "Unknown", "Pending")]},
    }
    assert class_verdict(unknown, "cilium").state == ServingState.PENDING
    assert class_verdict({"metadata": {"name": "cilium"}}, "cilium").state == ServingState.PENDING


def test_a_listener_on_a_listener_set_also_needs_the_gateway_and_the_set():
    spec = ListenerSpec(
        "https-b.example.com",
        "HTTPS",
        "b.example.com",
        frozenset({"blog"}),
        parent_kind="ListenerSet",
        parent_name="gateway-2",
    )
    pending_set = {
        "kind": "ListenerSet",
        "metadata": {"name": "gateway-2", "namespace": NAMESPACE, "generation": 1},
        "status": {"conditions": [condition("Accepted", "Unknown", "Pending")]},
    }
    verdict = controller(gateway(), sets=(pending_set,)).listener(spec)
    assert verdict.state == ServingState.PENDING
    assert verdict.where == "ListenerSet infra/gateway-2"


def test_an_invalid_certificate_tells_the_operator_to_look_at_it():
    conditions = [
        *ok("Accepted", "Programmed"),
        condition("ResolvedRefs", "False", "InvalidCertificateRef"),
    ]
    verdict = controller(gateway([listener(SPEC.name, conditions)])).listener(SPEC)
    fix = fix_for(verdict, APP, NAMESPACE, "a.example.com")
    assert fix.endswith("juju run gateway/leader get-certificate hostname=a.example.com")


# ----- ListenerSet: used only where the controller says it implements it ------------------


def class_with(*features: str) -> dict:
    return {
        "metadata": {"name": "cilium"},
        "status": {
            "conditions": ok("Accepted"),
            "supportedFeatures": [{"name": f} for f in features],
        },
    }


def listener_set(name: str, accepted: str, age: timedelta) -> dict:
    return {
        "kind": "ListenerSet",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "creationTimestamp": (NOW - age).isoformat(),
        },
        "status": {"conditions": [condition("Accepted", accepted)]},
    }


def test_a_crd_alone_is_not_support():
    listing = Listing(NAMESPACE, owned={"ListenerSet": ()})
    assert not listener_set_support(listing, class_with(), NOW).usable


def test_an_advertised_feature_is_support():
    listing = Listing(NAMESPACE, owned={"ListenerSet": ()})
    assert listener_set_support(listing, class_with("ListenerSet"), NOW).usable


def test_no_crd_no_listener_sets_whatever_is_advertised():
    listing = Listing(NAMESPACE, unserved=frozenset({"ListenerSet"}))
    assert not listener_set_support(listing, class_with("ListenerSet"), NOW).usable


def test_an_accepted_listener_set_of_ours_is_support_even_unadvertised():
    sets = (listener_set("gateway-2", "True", timedelta(hours=1)),)
    support = listener_set_support(
        Listing(NAMESPACE, owned={"ListenerSet": sets}), class_with(), NOW
    )
    assert support.usable
    assert support.gateway_slots == frozenset()


def test_unadvertised_and_never_accepted_sets_become_gateways_at_once():
    sets = (listener_set("gateway-2", "Unknown", timedelta(minutes=1)),)
    support = listener_set_support(
        Listing(NAMESPACE, owned={"ListenerSet": sets}), class_with(), NOW
    )
    assert not support.usable
    assert support.gateway_slots == {"gateway-2"}
    assert support.note is not None


def test_an_advertised_but_silent_controller_gets_a_bounded_wait():
    young = (listener_set("gateway-2", "Unknown", LISTENER_SET_PATIENCE - timedelta(minutes=1)),)
    old = (listener_set("gateway-2", "Unknown", LISTENER_SET_PATIENCE + timedelta(minutes=1)),)
    advertised = class_with("ListenerSet")
    waiting = listener_set_support(
        Listing(NAMESPACE, owned={"ListenerSet": young}), advertised, NOW
    )
    given_up = listener_set_support(
        Listing(NAMESPACE, owned={"ListenerSet": old}), advertised, NOW
    )
    assert waiting.usable
    assert waiting.gateway_slots == frozenset()
    assert not given_up.usable
    assert given_up.gateway_slots == {"gateway-2"}
    assert "not accepted after 10 minutes" in (given_up.note or "")
