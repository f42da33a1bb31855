"""A workload related straight to the gateway on `gateway` (ingress v2, issue 15 item 1).

The workload's databag is written in the wire format of ../shared/interfaces/ingress-v2.md. The
URL must wait for the controller (the API double's controller attaches routes and programs
listeners as the Gateway API spec's status conditions say), and bad or lying data must change
nothing that serves.
"""

from __future__ import annotations

import dataclasses
import json

import ops
import pytest
from ops import testing

from modelsim.model import model_uuid

MODEL, APP = "infra", "gateway"
HOST = "gw.example.com"
DIRECT = 300


def workload(
    name: str = "shop",
    model: str = MODEL,
    *,
    relation_id: int = DIRECT,
    remote_model: str | None = None,
    **extra: object,
) -> testing.Relation:
    """The workload's side of `gateway`, as the ingress v2 requirer library writes it."""
    data = {"model": json.dumps(model), "name": json.dumps(name), "port": "8080"}
    data.update({key: json.dumps(value) for key, value in extra.items()})
    return testing.Relation(
        "gateway",
        interface="ingress",
        id=relation_id,
        remote_app_name=name,
        remote_app_data=data,
        remote_units_data={0: {"host": json.dumps(f"{name}-0.{name}-endpoints.{model}")}},
        remote_model_uuid=remote_model or model_uuid(MODEL),
    )


def url_of(out: testing.State, relation_id: int = DIRECT) -> str | None:
    raw = out.get_relation(relation_id).local_app_data.get("ingress")
    return json.loads(raw)["url"] if raw else None


def route(cluster, name: str = "shop") -> dict | None:
    return cluster.kube.get("HTTPRoute", name, MODEL)


@pytest.fixture
def served(flow, cluster):
    """The workload related, the controller has reconciled, a second hook has seen it."""
    state = flow.state(workload(), config={"external-hostname": HOST})
    out = flow.changed(state, DIRECT)
    assert url_of(out) is None  # nothing flows before the controller says so
    cluster.publish_address()
    return flow.run(flow.ctx.on.update_status(), out)


def test_the_url_is_published_once_the_controller_attached_the_route(cluster_any, flow):
    state = flow.state(workload(), config={"external-hostname": HOST})
    out = flow.changed(state, DIRECT)
    assert url_of(out) is None
    assert isinstance(out.unit_status, ops.WaitingStatus)
    service = cluster_any.kube.get("Service", "shop-8080", MODEL)
    assert service is not None
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "shop"}
    found = route(cluster_any)
    assert found is not None
    assert found["spec"]["hostnames"] == [HOST]
    paths = [m["path"]["value"] for r in found["spec"]["rules"] for m in r["matches"]]
    assert paths == [f"/{MODEL}-shop"]
    assert {p["sectionName"] for p in found["spec"]["parentRefs"]} == {f"http-{HOST}"}
    cluster_any.publish_address()
    out = flow.run(flow.ctx.on.update_status(), out)
    assert url_of(out) == f"http://{HOST}/{MODEL}-shop"
    assert isinstance(out.unit_status, ops.ActiveStatus)
    assert f"shop at http://{HOST}/{MODEL}-shop" in out.unit_status.message


def test_a_workload_in_another_model_is_refused_and_gets_nothing(cluster, flow):
    state = flow.state(workload(model="shop"), config={"external-hostname": HOST})
    out = flow.changed(state, DIRECT)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    message = out.unit_status.message
    assert "is in model shop, not infra" in message
    assert "juju deploy gateway-route-configurator --trust -m <its model>" in message
    assert route(cluster) is None
    assert url_of(out) is None


def test_a_workload_that_says_our_model_but_is_across_models_is_refused(cluster, flow):
    lying = workload(remote_model=model_uuid("elsewhere"))
    out = flow.changed(flow.state(lying, config={"external-hostname": HOST}), DIRECT)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "another model (Juju says so)" in out.unit_status.message
    assert route(cluster) is None


def test_bad_data_is_named_and_what_served_keeps_serving(cluster, flow, served):
    assert url_of(served) is not None
    relation = served.get_relation(DIRECT)
    bad = dataclasses.replace(relation, remote_app_data={**relation.remote_app_data, "port": "0"})
    out = flow.changed(flow.with_relation(served, bad), DIRECT)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "bad ingress data from shop on gateway" in out.unit_status.message
    assert "port" in out.unit_status.message
    assert route(cluster) is not None
    assert cluster.kube.get("Service", "shop-8080", MODEL) is not None
    assert url_of(out) == url_of(served)


def test_a_workload_asking_to_be_served_as_another_is_refused_and_changes_nothing(
    cluster, flow, served
):
    relation = served.get_relation(DIRECT)
    data = {**relation.remote_app_data, "name": json.dumps("bank")}
    out = flow.changed(
        flow.with_relation(served, dataclasses.replace(relation, remote_app_data=data)), DIRECT
    )
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "asks to be served as 'bank'" in out.unit_status.message
    assert cluster.kube.get("HTTPRoute", "bank", MODEL) is None
    assert route(cluster) is not None


def test_removing_the_relation_removes_the_route_and_the_service(cluster, flow, served):
    flow.run(flow.ctx.on.relation_broken(served.get_relation(DIRECT)), served)
    assert route(cluster) is None
    assert cluster.kube.get("Service", "shop-8080", MODEL) is None
    assert cluster.gateway() is not None  # the gateway stays


def test_the_direct_workload_and_a_configurator_share_the_default_hostname(cluster, flow, answer):
    tenant = flow.route(1, "blog")  # no hostname: served under the default one too
    state = flow.state(workload(), tenant, config={"external-hostname": HOST})
    out = flow.changed(state, DIRECT)
    cluster.publish_address()
    out = flow.run(flow.ctx.on.update_status(), out)
    assert url_of(out) == f"http://{HOST}/{MODEL}-shop"
    listener = cluster.listeners()[f"http-{HOST}"]
    admitted = listener["allowedRoutes"]["namespaces"]["selector"]["matchExpressions"][0]
    assert sorted(admitted["values"]) == ["blog", MODEL]
    accepted = answer(out, 1).accepted
    assert [a.hostname for a in accepted] == [HOST]


def test_with_https_enforced_and_no_hostname_the_operator_is_told_to_set_one(cluster, flow):
    state = flow.state(workload(), flow.certificates(), config={"enforce-https": True})
    out = flow.changed(state, DIRECT)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "external-hostname=<name>" in out.unit_status.message
    assert route(cluster) is None


def test_https_to_the_backend_points_at_the_configurator(cluster, flow):
    https = workload(scheme="https")
    out = flow.changed(flow.state(https, config={"external-hostname": HOST}), DIRECT)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "scheme https" in out.unit_status.message
    assert "gateway-route-configurator" in out.unit_status.message
    assert route(cluster) is None


def test_a_workload_named_like_the_gateways_own_route_is_refused(cluster, flow):
    name = f"{APP}-https-redirect"
    config = {"external-hostname": HOST, "enforce-https": True}
    out = flow.changed(flow.state(workload(name), flow.certificates(), config=config), DIRECT)
    out = flow.with_certificates(out)
    cluster.publish_address()
    out = flow.run(flow.ctx.on.update_status(), out)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert (
        f"under the name of the gateway's own HTTPRoute {MODEL}/{name}" in out.unit_status.message
    )
    redirect = cluster.kube.get("HTTPRoute", name, MODEL)
    assert redirect is not None
    filters = [f["type"] for rule in redirect["spec"]["rules"] for f in rule.get("filters", [])]
    assert filters == ["RequestRedirect"]  # ours, not the workload's
    assert url_of(out) is None
    before = cluster.writes()
    flow.run(flow.ctx.on.update_status(), out)
    assert cluster.writes() == before  # settled: nothing fights over the name
