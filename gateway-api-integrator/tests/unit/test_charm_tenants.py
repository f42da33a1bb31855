"""Tenants: hostname conflicts, sharing, invalid requests and hostname-less asks."""

import dataclasses

import ops
from ops import testing

from gateway_route import encode
from modelsim.model import model_uuid

HOST = "shop.example.com"
SHOP_ONLY = {
    "from": "Selector",
    "selector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
}


def admitted(cluster, listener):
    return cluster.listeners()[listener]["allowedRoutes"]["namespaces"]


def fight(flow):
    """Shop (relation 2) is served first; blog (relation 1, the lower id) asks later."""
    out = flow.changed(flow.state(flow.route(2, "shop", [HOST])), 2)
    out = flow.with_relation(out, flow.route(1, "blog", [HOST]))
    return flow.changed(out, 1)


def test_second_namespace_is_refused_the_hostname_of_the_first(flow, cluster, answer):
    out = fight(flow)
    refusal = answer(out, 1).refusal_for(HOST)
    assert refusal.reason.value == "conflict"
    assert "namespace shop" in refusal.message
    assert answer(out, 1).accepted == []
    assert answer(out, 2).attachments_for(HOST)
    assert admitted(cluster, f"http-{HOST}") == SHOP_ONLY


def test_first_claimant_keeps_the_hostname_after_a_restart(flow, cluster, answer, fresh_context):
    fight(flow)
    # A new pod: no memory but the configurators' requests and the cluster.
    fresh = fresh_context()
    before = flow.state(flow.route(1, "blog", [HOST]), flow.route(2, "shop", [HOST]))
    out = fresh.run(fresh.on.start(), before)
    assert answer(out, 1).refusal_for(HOST).reason.value == "conflict"
    assert answer(out, 2).attachments_for(HOST)
    assert admitted(cluster, f"http-{HOST}") == SHOP_ONLY


def test_hostname_is_released_when_its_holder_leaves(flow, cluster):
    out = fight(flow)
    flow.run(flow.ctx.on.relation_broken(out.get_relation(2)), out)
    assert admitted(cluster, f"http-{HOST}")["selector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "blog"
    }


def test_configurators_in_one_namespace_share_a_hostname(flow, cluster, answer):
    before = flow.state(flow.route(1, "shop", [HOST]), flow.route(2, "shop", [HOST]))
    out = flow.changed(before, 2)
    assert answer(out, 1).attachments_for(HOST) == answer(out, 2).attachments_for(HOST)
    assert list(cluster.listeners()) == [f"http-{HOST}"]  # de-duplicated


def test_invalid_hostname_is_refused_and_the_rest_served(flow, cluster, answer):
    relation = flow.route(1, "shop", [HOST])
    bad = dict(relation.remote_app_data, hostnames=f'["{HOST}", "Bad.Example.com"]')
    out = flow.changed(flow.state(dataclasses.replace(relation, remote_app_data=bad)), 1)
    data = answer(out, 1)
    assert data.refusal_for("Bad.Example.com").reason.value == "invalid"
    assert data.attachments_for(HOST)


def test_broken_requester_keeps_its_answer_and_others_are_served(flow, cluster, answer):
    out = flow.changed(flow.state(flow.route(1, "shop", [HOST])), 1)
    first = answer(out, 1)
    broken = dataclasses.replace(
        out.get_relation(1), remote_app_data={"version": "1", "namespace": "42"}
    )
    out = flow.with_relation(out, broken)
    out = flow.with_relation(out, flow.route(2, "blog", ["blog.example.com"]))
    out = flow.changed(out, 1)
    assert answer(out, 1) == first
    assert f"http-{HOST}" in cluster.listeners()  # still served
    assert answer(out, 2).attachments_for("blog.example.com")
    assert isinstance(out.unit_status, ops.BlockedStatus)
    # Named by Juju's name and, where its namespace is still readable, by that too.
    assert out.unit_status.message.startswith("invalid gateway-route data from configurator-1")


def test_answer_is_withdrawn_when_the_request_is(flow, cluster):
    out = flow.changed(flow.state(flow.route(1, "shop", [HOST])), 1)
    emptied = dataclasses.replace(out.get_relation(1), remote_app_data={})
    out = flow.changed(flow.with_relation(out, emptied), 1)
    assert out.get_relation(1).local_app_data == {}
    assert set(cluster.listeners()) == {"http"}


# ----- configurators that ask for no hostname ---------------------------------------------


def test_hostnameless_requests_share_a_bare_http_listener(flow, cluster, answer):
    out = flow.changed(flow.state(flow.route(1, "shop"), flow.route(2, "blog")), 2)
    (parent,) = answer(out, 1).attachments_for(None)
    assert parent.section_name == "http"
    listener = cluster.listeners()["http"]
    assert "hostname" not in listener
    assert listener["allowedRoutes"]["namespaces"]["selector"]["matchExpressions"][0][
        "values"
    ] == [
        "blog",
        "shop",
    ]


def test_hostnameless_requests_are_served_under_external_hostname(flow, cluster, answer):
    out = flow.changed(
        flow.state(flow.route(1, "shop"), config={"external-hostname": "gw.example.com"}), 1
    )
    data = answer(out, 1)
    assert data.default_hostname == "gw.example.com"
    assert [p.section_name for p in data.attachments_for("gw.example.com")] == [
        "http-gw.example.com"
    ]


def test_hostnameless_request_under_enforcement_needs_external_hostname(flow, cluster, answer):
    before = flow.state(flow.route(1, "shop"), flow.certificates(), config={"enforce-https": True})
    out = flow.changed(before, 1)
    refusal = answer(out, 1).refused[0]
    assert (refusal.hostname, refusal.reason.value) == ("", "invalid")
    assert "external-hostname" in refusal.message


def test_requirer_data_written_with_the_library_is_read(flow, cluster, answer):
    from gateway_route import RequirerData

    data = RequirerData(namespace="shop", application="web", hostnames=[HOST])
    relation = testing.Relation(
        "gateway-route", id=1, remote_app_data=encode(data), remote_model_uuid=model_uuid("shop")
    )
    out = flow.changed(flow.state(relation), 1)
    assert answer(out, 1).attachments_for(HOST)


def test_external_hostname_cannot_take_a_tenants_hostname(flow, cluster, answer):
    served = flow.changed(flow.state(flow.route(1, "shop", [HOST])), 1)
    before_listeners = cluster.listeners()
    before_answer = answer(served, 1)

    out = flow.changed(flow.with_config(served, external_hostname=HOST))

    assert out.unit_status == ops.BlockedStatus(
        f"this charm's config external-hostname={HOST} is already served for namespace shop: "
        "choose another, or release it there first; "
        "run: juju config gateway external-hostname=<another DNS name>"
    )
    assert cluster.listeners() == before_listeners
    assert answer(out, 1) == before_answer
    assert admitted(cluster, f"http-{HOST}") == SHOP_ONLY


def test_external_hostname_already_shared_by_hostnameless_tenants_is_kept(flow, cluster, answer):
    config = {"external-hostname": "gw.example.com"}
    out = flow.changed(flow.state(flow.route(1, "shop"), config=config), 1)
    # A tenant of the same namespace also names it explicitly: refused, the gateway keeps going.
    out = flow.with_relation(out, flow.route(2, "shop", ["gw.example.com"]))
    out = flow.changed(out, 2)

    assert not isinstance(out.unit_status, ops.BlockedStatus)
    assert answer(out, 2).refusal_for("gw.example.com").reason.value == "conflict"
    assert answer(out, 1).attachments_for("gw.example.com")
