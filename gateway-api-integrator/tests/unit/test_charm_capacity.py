"""Past 64 listeners: ListenerSets where the cluster has them, further Gateways where not."""

import dataclasses

import ops

from modelsim.workload import statefulset

UNREPORTED = (
    "waiting for the Gateway API controller to program Gateway infra/gateway: "
    "NotReported: no status reported yet"
)
"""The status before the controller has written any status on a new Gateway."""

WRITE_VERBS = ("create", "update", "patch", "apply", "delete", "deletecollection")


def tenants(flow, count, *, start=1, per_relation=1):
    """`count` relations, each a namespace asking for `per_relation` hostnames."""
    return [
        flow.route(
            rid,
            f"ns{rid}",
            [f"h{rid:04}-{n}.example.com" for n in range(per_relation)],
        )
        for rid in range(start, start + count)
    ]


def host(rid, n=0):
    return f"h{rid:04}-{n}.example.com"


def serve(flow, relations, **kwargs):
    before = flow.state(*relations, **kwargs)
    return flow.changed(before, relations[-1].id)


def parents_of(answer, out, rid, n=0):
    return {(p.kind, p.name) for p in answer(out, rid).attachments_for(host(rid, n))}


def writes(kube):
    return [r for r in kube.requests if r.verb in WRITE_VERBS]


def test_hostnames_past_one_gateway_go_to_a_listener_set(flow, cluster, answer):
    out = serve(flow, tenants(flow, 33))
    assert len(cluster.listeners()) == 32
    listener_set = cluster.kube.read("ListenerSet", "gateway-2", "infra")
    assert listener_set["spec"]["parentRef"]["name"] == "gateway"
    assert [li["hostname"] for li in listener_set["spec"]["listeners"]] == [host(33)]
    assert cluster.gateway()["spec"]["allowedListeners"] == {"namespaces": {"from": "Same"}}
    assert parents_of(answer, out, 1) == {("Gateway", "gateway")}
    assert parents_of(answer, out, 33) == {("ListenerSet", "gateway-2")}
    assert not cluster.kube.warnings


def test_without_listener_sets_hostnames_go_to_further_gateways(flow, cluster_old, answer):
    out = serve(flow, tenants(flow, 33))
    further = cluster_old.kube.read("Gateway", "gateway-2", "infra")
    assert [li["hostname"] for li in further["spec"]["listeners"]] == [host(33)]
    assert "allowedListeners" not in cluster_old.gateway()["spec"]
    assert parents_of(answer, out, 33) == {("Gateway", "gateway-2")}
    assert not cluster_old.kube.warnings


def test_further_gateway_address_is_awaited_and_given_to_its_tenants(flow, cluster_old, answer):
    out = serve(flow, tenants(flow, 33))
    cluster_old.publish_address("10.0.0.1")  # programs every Gateway, with that address
    further = cluster_old.kube.read("Gateway", "gateway-2", "infra")["status"]
    cluster_old.kube.write_status("Gateway", "gateway-2", "infra", {**further, "addresses": []})
    out = flow.run(flow.ctx.on.update_status(), out)
    assert out.unit_status == ops.WaitingStatus("waiting for the address of Gateway gateway-2")
    cluster_old.publish_address("10.0.0.9")  # the double gives every Gateway this one
    out = flow.run(flow.ctx.on.update_status(), out)
    assert isinstance(out.unit_status, ops.ActiveStatus)
    assert answer(out, 33).addresses == ["10.0.0.9"]


def test_a_thousand_hostnames_are_all_served(flow, cluster, answer):
    out = serve(flow, tenants(flow, 50, per_relation=20))
    served = sum(len(answer(out, rid).accepted) for rid in range(1, 51))
    assert served == 1000
    assert not any(answer(out, rid).refused for rid in range(1, 51))
    sets = cluster.kube.objects("ListenerSet", "infra")
    assert len(sets) == 31
    assert all(len(s["spec"]["listeners"]) <= 64 for s in sets)
    assert out.unit_status == ops.WaitingStatus(UNREPORTED)


def test_tls_and_redirects_cover_every_holder_under_both_versions(flow, cluster_any, answer):
    relations = [*tenants(flow, 34), flow.certificates()]
    before = flow.state(*relations, config={"enforce-https": True})
    out = flow.with_certificates(before)
    kind = "ListenerSet" if cluster_any.kube.serves("ListenerSet") else "Gateway"
    second = cluster_any.kube.read(kind, "gateway-2", "infra")
    assert {li["name"] for li in second["spec"]["listeners"]} == {
        f"http-{host(rid)}" for rid in (33, 34)
    } | {f"https-{host(rid)}" for rid in (33, 34)}
    assert cluster_any.secret(host(34)) is not None
    route = cluster_any.kube.read("HTTPRoute", "gateway-2-https-redirect", "infra")
    assert {(p["kind"], p["name"]) for p in route["spec"]["parentRefs"]} == {(kind, "gateway-2")}
    main_route = cluster_any.kube.read("HTTPRoute", "gateway-https-redirect", "infra")
    assert len(main_route["spec"]["parentRefs"]) == 32
    assert parents_of(answer, out, 34) == {(kind, "gateway-2")}
    assert not cluster_any.kube.warnings


def test_routes_attach_to_a_listener_set_through_the_controller(flow, cluster, answer):
    out = serve(flow, tenants(flow, 33))
    (parent,) = answer(out, 33).attachments_for(host(33))
    cluster.kube.ensure_namespace("ns33")
    cluster.kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "web", "namespace": "ns33"},
            "spec": {
                "hostnames": [host(33)],
                "parentRefs": [
                    {
                        "group": parent.group,
                        "kind": parent.kind,
                        "name": parent.name,
                        "namespace": parent.namespace,
                        "sectionName": parent.section_name,
                    }
                ],
            },
        }
    )
    cluster.publish_address()
    route = cluster.kube.read("HTTPRoute", "web", "ns33")
    (status,) = route["status"]["parents"]
    accepted = next(c for c in status["conditions"] if c["type"] == "Accepted")
    assert (accepted["status"], accepted["reason"]) == ("True", "Accepted")


def test_placement_survives_a_restart_and_a_new_hostname_moves_nothing(
    flow, cluster, answer, fresh_context
):
    relations = tenants(flow, 40)
    out = serve(flow, relations)
    before = {rid: parents_of(answer, out, rid) for rid in range(1, 41)}
    flow.ctx = fresh_context()
    out = flow.changed(flow.with_relation(out, tenants(flow, 1, start=41)[0]), 41)
    assert {rid: parents_of(answer, out, rid) for rid in range(1, 41)} == before
    assert parents_of(answer, out, 41) == {("ListenerSet", "gateway-2")}


def test_released_holder_is_pruned_with_the_gateways_permission(flow, cluster):
    relations = tenants(flow, 33)
    out = serve(flow, relations)
    last = dataclasses.replace(out.get_relation(33), remote_app_data={})
    flow.changed(flow.with_relation(out, last), 33)
    assert cluster.kube.objects("ListenerSet", "infra") == []
    assert "allowedListeners" not in cluster.gateway()["spec"]


def test_removal_deletes_listener_sets_too(flow, cluster):
    out = serve(flow, tenants(flow, 33))
    flow.run(flow.ctx.on.remove(), dataclasses.replace(out, planned_units=0))
    assert cluster.owned() == []


# ----- what a reconcile costs --------------------------------------------------------------


def test_steady_state_over_several_holders_lists_each_kind_once_and_writes_nothing(flow, cluster):
    cluster.kube.seed(statefulset("gateway", "infra", 1))  # Juju runs the app as one
    relations = [*tenants(flow, 33), flow.certificates()]
    out = flow.with_certificates(flow.state(*relations, config={"enforce-https": True}))
    cluster.publish_address()
    out = flow.run(flow.ctx.on.update_status(), out)
    cluster.kube.reset_requests()
    flow.run(flow.ctx.on.update_status(), out)
    assert writes(cluster.kube) == []
    lists = [r.kind for r in cluster.kube.requests if r.verb == "list"]
    # Namespaces (whose model each requester's claimed namespace is) were listed by the hook
    # before and are remembered (integrator.memory): a model's annotation never changes.
    assert sorted(lists) == sorted(
        ["Secret", "Gateway", "ListenerSet", "Service", "HTTPRoute", "GatewayClass"]
    )
    assert cluster.kube.count("get") == 0


def test_one_tenant_change_writes_only_its_own_holder(flow, cluster):
    out = serve(flow, tenants(flow, 40))
    cluster.kube.reset_requests()
    moved = flow.route(36, "ns36", ["renamed.example.com"])
    flow.changed(flow.with_relation(out, moved), 36)
    assert sorted((r.verb, r.kind, r.name) for r in writes(cluster.kube)) == [
        ("apply", "ListenerSet", "gateway-2")
    ]
