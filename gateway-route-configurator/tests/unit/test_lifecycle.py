"""Leadership, relation and application removal, API failures, ownership, steady state."""

import dataclasses

from ops import testing

from modelsim.workload import statefulset

HOST = "catalogue.example.com"
WRITES = ("create", "update", "patch", "apply", "delete", "deletecollection")
OWNER_LABELS = {
    "app.kubernetes.io/managed-by": "gateway-route-configurator",
    "gateway-api.juju.is/application": "gateway-route-configurator",
    "gateway-api.juju.is/model": "shop",
}


def serving(world) -> testing.State:
    world.gateway([HOST])
    state = world.state(
        world.ingress(), world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
    )
    out = world.settle(state)
    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")
    return out


def owned(world) -> list[str]:
    return sorted(
        f"{o['kind']}/{o['metadata']['name']}" for o in world.kube.objects(labels=OWNER_LABELS)
    )


def test_objects_carry_the_owner_labels(world) -> None:
    serving(world)

    assert owned(world) == ["HTTPRoute/catalogue", "Service/catalogue-8080"]


def test_non_leader_is_standby_and_touches_nothing(world) -> None:
    state = world.state(world.ingress(), world.gateway_route(world.answer([HOST])), leader=False)

    out = world.run(state)

    assert out.unit_status == testing.ActiveStatus("standby")
    assert world.kube.requests == []
    assert world.request_of(out) == {}


def test_steady_state_reconcile_sends_no_writes(world) -> None:
    out = serving(world)
    world.kube.reset_requests()

    again = world.run(out, world.ctx.on.update_status())

    assert world.writes() == 0
    assert (
        again.get_relations("ingress")[0].local_app_data
        == out.get_relations("ingress")[0].local_app_data
    )
    assert again.unit_status == out.unit_status


def test_steady_state_reconcile_lists_each_kind_at_most_once(world) -> None:
    world.kube.seed(statefulset(world.app, world.model, 1))  # Juju runs the app as one
    out = serving(world)
    world.kube.reset_requests()

    world.run(out, world.ctx.on.update_status())

    listed = [r.kind for r in world.kube.requests if r.verb == "list"]
    assert sorted(listed) == sorted(set(listed))
    assert world.kube.count("get") == 0


def test_a_route_change_writes_only_the_route(world) -> None:
    out = serving(world)
    world.kube.reset_requests()

    changed = dataclasses.replace(out, config={**out.config, "paths": "/,/api"})
    world.run(changed)

    written = {(r.verb, r.kind) for r in world.kube.requests if r.verb in WRITES}
    assert written == {("apply", "HTTPRoute")}


def test_ingress_relation_removal_deletes_everything_owned(world) -> None:
    out = serving(world)
    ingress = out.get_relations("ingress")[0]

    out = world.run(out, world.ctx.on.relation_broken(ingress))

    assert owned(world) == []
    assert world.request_of(out) == {}
    assert out.unit_status == testing.BlockedStatus(
        "no workload: integrate one from this model; "
        "run: juju integrate <workload> gateway-route-configurator"
    )


def test_gateway_relation_removal_deletes_routes_and_wipes_the_url(world) -> None:
    out = serving(world)
    gateway = out.get_relations("gateway-route")[0]

    out = world.run(out, world.ctx.on.relation_broken(gateway))

    assert world.routes() == {}
    assert world.url(out) is None
    assert out.unit_status == testing.BlockedStatus(
        "no gateway: integrate one in this model, or the gateway's offer from its own model; "
        "run: juju integrate gateway-route-configurator "
        "<gateway app | [<controller>:]<owner>/<model>.<offer>>"
    )


def test_application_removal_deletes_everything_owned(world) -> None:
    out = serving(world)

    world.ctx.run(
        world.ctx.on.remove(), testing.State(leader=False, planned_units=0, model=out.model)
    )

    assert owned(world) == []


def test_unit_removal_on_scale_down_keeps_the_objects(world) -> None:
    out = serving(world)

    world.ctx.run(
        world.ctx.on.remove(), testing.State(leader=True, planned_units=2, model=out.model)
    )

    assert owned(world) == ["HTTPRoute/catalogue", "Service/catalogue-8080"]


def test_workload_that_has_not_asked_yet_waits(world) -> None:
    out = world.run(world.state(world.ingress(app_data={}), world.gateway_route(None)))

    assert out.unit_status == testing.WaitingStatus(
        "waiting for catalogue to send its ingress request"
    )


def test_bad_ingress_data_blocks_but_keeps_serving(world) -> None:
    out = serving(world)
    before = {name: world.kube.get(*name.split("/"), "shop") for name in owned(world)}
    ingress = out.get_relations("ingress")[0]
    bad = dataclasses.replace(
        ingress, remote_app_data={"model": '"shop"', "name": '"catalogue"', "port": '"80"'}
    )
    state = dataclasses.replace(
        out, relations=[r for r in out.relations if r.id != ingress.id] + [bad]
    )

    out = world.run(state)

    assert out.unit_status == testing.BlockedStatus(
        "bad ingress data from the workload's charm: catalogue port: must be an integer from "
        '1 to 65534, got "80" (a string); its owner must fix it, then run: '
        "juju refresh catalogue"
    )
    # Like a config typo: nothing that was serving is torn down because of one bad value.
    assert {name: world.kube.get(*name.split("/"), "shop") for name in owned(world)} == before
    assert world.url(out) == "https://catalogue.example.com/"


def test_bad_gateway_answer_blocks_but_keeps_routes_and_url(world) -> None:
    out = serving(world)
    before = {name: world.kube.get(*name.split("/"), "shop") for name in owned(world)}
    relation = out.get_relations("gateway-route")[0]
    assert isinstance(relation, testing.Relation)
    bad = dataclasses.replace(
        relation, remote_app_data={**relation.remote_app_data, "version": "2"}
    )
    state = dataclasses.replace(
        out, relations=[r for r in out.relations if r.id != relation.id] + [bad]
    )

    out = world.run(state)

    assert isinstance(out.unit_status, testing.BlockedStatus)
    assert out.unit_status.message.startswith(
        "unreadable gateway-route data from the gateway gateway-api-integrator: field 'version'"
    )
    assert {name: world.kube.get(*name.split("/"), "shop") for name in owned(world)} == before
    assert world.url(out) == "https://catalogue.example.com/"


def test_workload_in_another_model_is_blocked(world) -> None:
    ingress = world.ingress(
        app_data={"model": '"elsewhere"', "name": '"catalogue"', "port": "8080"}
    )

    out = world.run(world.state(ingress, world.gateway_route(None)))

    assert out.unit_status == testing.BlockedStatus(
        "workload catalogue is in model elsewhere, not shop: gateway-route-configurator "
        "cannot serve it; deploy a configurator there: "
        "juju deploy gateway-route-configurator --trust -m elsewhere"
    )


def test_no_gateway_relation_keeps_only_the_service(world) -> None:
    out = world.run(world.state(world.ingress()))

    assert out.unit_status == testing.BlockedStatus(
        "no gateway: integrate one in this model, or the gateway's offer from its own model; "
        "run: juju integrate gateway-route-configurator "
        "<gateway app | [<controller>:]<owner>/<model>.<offer>>"
    )
    assert owned(world) == ["Service/catalogue-8080"]


def test_an_untrusted_charm_is_blocked_with_the_trust_command_and_writes_nothing(
    world, tmp_path, monkeypatch
) -> None:
    # Deployed without --trust: the service account has only what Juju grants every
    # application (on the real server, Juju's own Role and ClusterRole, as realapi.juju_rbac
    # writes them), so the API server answers 403 in its own words.
    token = world.kube.identity(world.model, world.app, trusted=False)
    monkeypatch.setenv("KUBECONFIG", str(world.kube.kubeconfig(tmp_path / "untrusted", token)))

    out = world.run(
        world.state(
            world.ingress(), world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
        )
    )

    assert out.unit_status.name == "blocked"
    assert out.unit_status.message.startswith("no access to the Kubernetes API (")
    assert "cannot list" in out.unit_status.message  # the API server's own words
    assert "system:serviceaccount:shop:gateway-route-configurator" in out.unit_status.message
    assert out.unit_status.message.endswith(
        "; run: juju trust gateway-route-configurator --scope=cluster"
    )
    assert owned(world) == []
    assert world.url(out) is None


def test_server_error_waits_and_the_next_event_recovers(double_world) -> None:
    world = double_world
    world.gateway([HOST])
    world.kube.inject_fault(verb="apply", kind="HTTPRoute", status=500)
    state = world.state(
        world.ingress(), world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
    )

    failed = world.run(state)
    recovered = world.settle(failed)

    assert failed.unit_status.name == "waiting"
    assert failed.unit_status.message.startswith(
        "Kubernetes API unavailable (injected fault: InternalError on apply HTTPRoute); "
        "retrying on the next event"
    )
    assert recovered.unit_status == testing.ActiveStatus("https://catalogue.example.com/")


def test_unowned_route_with_our_name_is_left_alone_and_named(world) -> None:
    world.gateway([HOST])
    theirs = world.kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "catalogue", "namespace": "shop", "labels": {"team": "web"}},
            "spec": {
                "parentRefs": [{"name": "gateway", "namespace": "edge"}],
                "rules": [{"backendRefs": [{"name": "web", "port": 80}]}],
            },
        }
    )
    state = world.state(
        world.ingress(), world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
    )

    out = world.run(state)

    assert world.kube.get("HTTPRoute", "catalogue", "shop") == theirs
    assert out.unit_status == testing.BlockedStatus(
        "HTTPRoute shop/catalogue exists and is not managed by gateway-route-configurator: "
        "its owner must delete or rename it (or deploy this charm under another name); "
        "if stale, run: kubectl -n shop delete httproute catalogue"
    )
    assert world.url(out) is None
