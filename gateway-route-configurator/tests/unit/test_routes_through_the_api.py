"""The charm through real lightkube against the API double, the controller deciding acceptance."""

import json

import pytest
from ops import testing

from gateway_route import RefusalReason

HOST = "catalogue.example.com"


def serving(world, hostnames=(HOST,), config=None, answer=None, **options) -> testing.State:
    """Gateway with listeners for `hostnames`, everything accepted, after one controller pass."""
    world.gateway(list(hostnames))
    state = world.state(
        world.ingress(**options),
        world.gateway_route(answer or world.answer(list(hostnames))),
        config=config
        or {"hostname": hostnames[0], "additional-hostnames": ",".join(hostnames[1:])},
    )
    return world.settle(state)


# ----- every wire example of ingress-v2.md ------------------------------------------------


def test_minimal_wire_example_is_served_and_url_published_as_on_the_wire(world) -> None:
    world.gateway([HOST])
    ingress = world.ingress(
        app_data={"model": '"shop"', "name": '"catalogue"', "port": "8080"},
        units={
            0: {
                "host": '"catalogue-0.catalogue-endpoints.shop.svc.cluster.local"',
                "ip": '"10.1.17.4"',
            }
        },
    )
    state = world.state(
        ingress, world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
    )

    out = world.settle(state)

    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")
    local = out.get_relations("ingress")[0].local_app_data
    assert local == {"ingress": '{"url": "https://catalogue.example.com/"}'}


CA = "-----BEGIN CERTIFICATE-----\nMIIB (the workload's CA)\n-----END CERTIFICATE-----"


def https_workload(world):
    world.workload = "api"
    world.gateway([HOST])
    return world.ingress(
        app_data={
            "model": '"shop"',
            "name": '"api"',
            "port": "9000",
            "scheme": '"https"',
            "strip-prefix": "true",
            "redirect-https": "true",
            "healthcheck_params": '{"path": "/healthz", "interval": "10s"}',
        }
    )


def test_options_wire_example_with_https_backend_needs_backend_tls_policy(world_any) -> None:
    world = world_any
    answer = world.answer([HOST], features=["BackendTLSPolicy"])
    state = world.state(
        https_workload(world),
        world.gateway_route(answer),
        world.ca(CA),
        config={"hostname": HOST},
    )

    out = world.settle(state)

    if not world.kube.serves("BackendTLSPolicy"):  # v1.2: the kind is not installed
        assert out.unit_status == testing.BlockedStatus(
            "workload asks for scheme https, but this cluster has no BackendTLSPolicy "
            "(Gateway API v1.4+): the cluster's administrator must install it, or the workload's "
            "charm must serve http"
        )
        assert world.routes() == {}
        assert world.url(out) is None
        return
    (policy,) = world.kube.objects("BackendTLSPolicy", namespace=world.model)
    assert [ref["name"] for ref in policy["spec"]["targetRefs"]] == ["api-9000"]
    validation = policy["spec"]["validation"]
    assert validation["hostname"] == "api.shop.svc.cluster.local"
    assert validation["caCertificateRefs"] == [
        {"group": "", "kind": "ConfigMap", "name": "api-ca"}
    ]
    assert "wellKnownCACertificates" not in validation
    (bundle,) = world.kube.objects("ConfigMap", namespace=world.model)
    assert bundle["data"] == {"ca.crt": CA + "\n"}
    assert sorted(world.routes()) == ["api", "api-2"]
    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")


def test_https_backend_without_the_ca_relation_says_which_to_add(world) -> None:
    answer = world.answer([HOST], features=["BackendTLSPolicy"])
    state = world.state(
        https_workload(world), world.gateway_route(answer), config={"hostname": HOST}
    )

    out = world.settle(state)

    assert out.unit_status.name == "blocked"
    assert out.unit_status.message.endswith(
        "run: juju integrate gateway-route-configurator:receive-ca-cert "
        "<the CA's provider, e.g. self-signed-certificates:send-ca-cert>"
    )
    assert world.routes() == {}
    assert world.url(out) is None


def test_https_backend_waits_for_the_ca_to_arrive(world) -> None:
    answer = world.answer([HOST], features=["BackendTLSPolicy"])
    state = world.state(
        https_workload(world), world.gateway_route(answer), world.ca(), config={"hostname": HOST}
    )

    out = world.settle(state)

    assert out.unit_status == testing.WaitingStatus(
        "waiting for the CA certificate on receive-ca-cert"
    )
    assert world.routes() == {}


def test_https_backend_needs_a_controller_that_implements_backend_tls_policy(world) -> None:
    # A CRD being installed is not support: the gateway's controller advertises nothing.
    state = world.state(
        https_workload(world),
        world.gateway_route(world.answer([HOST])),
        world.ca(CA),
        config={"hostname": HOST},
    )

    out = world.settle(state)

    assert out.unit_status.name == "blocked"
    assert "does not implement BackendTLSPolicy" in out.unit_status.message
    assert world.routes() == {}
    assert world.kube.objects("BackendTLSPolicy", namespace=world.model) == []


def test_https_backend_url_waits_for_the_controller_to_accept_the_policy(world) -> None:
    world.kube.controller.profile = "core-only"  # writes no BackendTLSPolicy status at all
    answer = world.answer([HOST], features=["BackendTLSPolicy"])
    state = world.state(
        https_workload(world), world.gateway_route(answer), world.ca(CA), config={"hostname": HOST}
    )

    out = world.settle(state)

    assert world.kube.objects("BackendTLSPolicy", namespace=world.model) != []
    assert world.url(out) is None
    assert out.unit_status == testing.WaitingStatus(
        "waiting for the gateway's controller to accept BackendTLSPolicy on Gateway edge/gateway"
    )


def test_healthcheck_params_are_accepted_and_logged_at_debug(world) -> None:
    serving(world, healthcheck_params='{"path": "/healthz"}')

    debug = [log.message for log in world.ctx.juju_log if log.level == "DEBUG"]
    assert any("healthcheck_params" in message and "/healthz" in message for message in debug)


# ----- names and units ----------------------------------------------------------------------


def test_workload_with_long_model_and_app_names(world) -> None:
    world.model = "m" * 10 + "-a-long-juju-model-name-for-the-shop-team-x"  # 52
    world.workload = "a-very-long-workload-application-name-for-the-catalogue-x"  # 57
    world.kube.ensure_namespace(world.model)
    world.gateway([], hostless=True)
    answer = world.answer([None])

    out = world.settle(world.state(world.ingress(), world.gateway_route(answer)))

    (service,) = world.services()
    assert len(service) <= 63
    assert world.routes()[world.workload]["spec"]["rules"][0]["matches"][0]["path"]["value"] == (
        f"/{world.model}-{world.workload}"
    )
    assert out.unit_status == testing.ActiveStatus(
        f"http://203.0.113.10/{world.model}-{world.workload}"
    )


def test_unit_without_host_yet_does_not_stop_serving(world) -> None:
    world.gateway([HOST])
    ingress = world.ingress(units={0: {"host": '"catalogue-0.x"'}, 1: {}})

    out = world.settle(
        world.state(ingress, world.gateway_route(world.answer([HOST])), config={"hostname": HOST})
    )

    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")


# ----- the gateway's answer -----------------------------------------------------------------


def test_gateway_refusing_one_of_three_hostnames_serves_the_other_two(world) -> None:
    hosts = ["a.example.com", "b.example.com", "c.example.com"]
    world.gateway(hosts)
    answer = world.answer(
        ["a.example.com", "c.example.com"], refused={"b.example.com": RefusalReason.CONFLICT}
    )
    config = {"hostname": "a.example.com", "additional-hostnames": "b.example.com,c.example.com"}

    out = world.settle(world.state(world.ingress(), world.gateway_route(answer), config=config))

    assert world.routes()["catalogue"]["spec"]["hostnames"] == ["a.example.com", "c.example.com"]
    assert out.unit_status == testing.BlockedStatus(
        "gateway refused b.example.com (conflict): b.example.com is not yours: conflict; "
        "this charm's config must name another; "
        "run: juju config gateway-route-configurator additional-hostnames=<another DNS name>"
    )
    assert world.url(out) == "https://a.example.com/"


def test_request_asks_for_hostname_and_additional_hostnames_for_our_namespace(world) -> None:
    config = {"hostname": "a.example.com", "additional-hostnames": "b.example.com,a.example.com"}

    out = world.run(world.state(world.ingress(), world.gateway_route(None), config=config))

    assert world.request_of(out) == {
        "version": "1",
        "namespace": '"shop"',
        "application": '"catalogue"',
        "hostnames": '["a.example.com", "b.example.com"]',
        # Library 1.1: every refusal reason it reads, so newer ones are sent only to it.
        "refusal_reasons": '["invalid", "conflict", "pending-certificate", "capacity", '
        '"not-allowed"]',
    }
    assert out.unit_status == testing.WaitingStatus(
        "waiting for the gateway gateway-api-integrator to answer"
    )


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (
            RefusalReason.PENDING_CERTIFICATE,
            testing.WaitingStatus(
                "waiting for the certificate of a.example.com from the gateway's TLS provider"
            ),
        ),
        (
            RefusalReason.INVALID,
            testing.BlockedStatus(
                "gateway refused a.example.com (invalid): a.example.com is not yours: invalid; "
                "this charm's config must change it; "
                "run: juju config gateway-route-configurator hostname=<a valid DNS name>"
            ),
        ),
        (
            RefusalReason.CAPACITY,
            testing.BlockedStatus(
                "gateway refused a.example.com (capacity): a.example.com is not yours: capacity; "
                "the gateway's operator must make room for it"
            ),
        ),
    ],
)
def test_refused_hostname_status(world, reason: RefusalReason, status) -> None:
    answer = world.answer([], refused={"a.example.com": reason})

    out = world.settle(
        world.state(
            world.ingress(), world.gateway_route(answer), config={"hostname": "a.example.com"}
        )
    )

    assert out.unit_status == status
    assert world.routes() == {}
    assert world.url(out) is None


def test_hostname_neither_accepted_nor_refused_waits(world) -> None:
    out = world.run(
        world.state(
            world.ingress(), world.gateway_route(world.answer([])), config={"hostname": HOST}
        )
    )

    assert out.unit_status == testing.WaitingStatus(f"waiting for the gateway to accept {HOST}")


def test_bad_gateway_data_blocks_naming_the_field(world) -> None:
    relation = testing.Relation(
        "gateway-route", remote_app_data={"version": "1", "gateway_name": '"Bad Name"'}
    )

    out = world.run(world.state(world.ingress(), relation, config={"hostname": HOST}))

    assert isinstance(out.unit_status, testing.BlockedStatus)
    assert out.unit_status.message.startswith(
        "unreadable gateway-route data from the gateway remote: field "
    )
    assert out.unit_status.message.endswith(
        "the gateway's operator must fix or upgrade it, in its model: juju refresh remote"
    )
    assert world.routes() == {}


# ----- route semantics through the API and the controller ------------------------------------


def test_route_attaches_with_namespace_and_section_name(world) -> None:
    serving(world)

    refs = world.routes()["catalogue"]["spec"]["parentRefs"]
    assert {(r["namespace"], r["sectionName"]) for r in refs} == {
        ("edge", "http-catalogue-example-com"),
        ("edge", "https-catalogue-example-com"),
    }


def test_strip_prefix_with_two_paths_is_admitted_and_accepted(world_any) -> None:
    out = serving(
        world_any, config={"hostname": HOST, "paths": "/api,/static"}, **{"strip-prefix": "true"}
    )

    rules = world_any.routes()["catalogue"]["spec"]["rules"]
    assert [
        (r["matches"][0]["path"]["type"], r["matches"][0]["path"]["value"]) for r in rules
    ] == [
        ("PathPrefix", "/api/"),
        ("Exact", "/api"),
        ("PathPrefix", "/static/"),
        ("Exact", "/static"),
    ]
    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/api")
    assert world_any.kube.warnings == []


def test_redirect_https_gives_http_listeners_a_redirect_route(world_any) -> None:
    out = serving(world_any, **{"redirect-https": "true"})

    routes = world_any.routes()
    assert sorted(routes) == ["catalogue", "catalogue-2"]
    redirect = routes["catalogue-2"]["spec"]
    assert [r["sectionName"] for r in redirect["parentRefs"]] == ["http-catalogue-example-com"]
    assert redirect["rules"][0]["filters"][0]["requestRedirect"] == {
        "scheme": "https",
        "statusCode": 301,
        "port": 443,
    }
    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")


def test_h2c_backend_gets_the_h2c_app_protocol(world) -> None:
    serving(world, scheme='"h2c"')

    assert (
        world.services()["catalogue-8080"]["spec"]["ports"][0]["appProtocol"]
        == "kubernetes.io/h2c"
    )


def test_is_port_open_routes_to_jujus_own_service(world) -> None:
    world.kube.seed(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "catalogue", "namespace": "shop"},
            "spec": {
                "selector": {"app.kubernetes.io/name": "catalogue"},
                "ports": [{"port": 8080}],
            },
        }
    )

    out = serving(world, is_port_open="true")

    assert list(world.services()) == ["catalogue"]
    backend = world.routes()["catalogue"]["spec"]["rules"][0]["backendRefs"][0]
    assert (backend["name"], backend["port"]) == ("catalogue", 8080)
    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")


def test_enforced_https_sets_hsts_on_https_attachments(world_any) -> None:
    answer = world_any.answer([HOST], https_mode="enforced", hsts=31536000)

    serving(world_any, answer=answer)

    (route,) = world_any.routes().values()
    assert [r["sectionName"] for r in route["spec"]["parentRefs"]] == [
        "https-catalogue-example-com"
    ]
    assert route["spec"]["rules"][0]["filters"] == [
        {
            "type": "ResponseHeaderModifier",
            "responseHeaderModifier": {
                "set": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}]
            },
        }
    ]


def test_seventeen_hostnames_split_into_accepted_routes(world) -> None:
    # One CRD version only: cel-python's quadratic parentRefs rule makes this the slowest test.
    hosts = [f"h{i}.example.com" for i in range(17)]
    world.gateway(hosts, https=False)
    answer = world.answer(hosts, https=False)
    config = {"hostname": hosts[0], "additional-hostnames": ",".join(hosts[1:])}

    out = world.settle(world.state(world.ingress(), world.gateway_route(answer), config=config))

    routes = world.routes()
    assert sorted(routes) == ["catalogue", "catalogue-2"]
    assert [len(r["spec"]["hostnames"]) for r in routes.values()] == [16, 1]
    assert out.unit_status == testing.ActiveStatus("http://h0.example.com/")


def test_seventeen_paths_split_into_accepted_routes(world_any) -> None:
    paths = ",".join(["/", *(f"/p{i}" for i in range(16))])

    out = serving(world_any, config={"hostname": HOST, "paths": paths})

    routes = world_any.routes()
    assert sorted(routes) == ["catalogue", "catalogue-2"]
    assert [len(r["spec"]["rules"]) for r in routes.values()] == [16, 1]
    assert out.unit_status == testing.ActiveStatus("https://catalogue.example.com/")


def test_hostname_less_attachment_serves_at_the_gateway_address(world) -> None:
    world.gateway([], hostless=True)

    out = world.settle(world.state(world.ingress(), world.gateway_route(world.answer([None]))))

    assert "hostnames" not in world.routes()["catalogue"]["spec"]
    assert out.unit_status == testing.ActiveStatus("http://203.0.113.10/shop-catalogue")
    assert json.loads(world.request_of(out)["hostnames"]) == []


# ----- URL publication follows route acceptance --------------------------------------------


def test_url_is_published_only_after_the_controller_accepts(world) -> None:
    world.gateway([HOST])
    state = world.state(
        world.ingress(), world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
    )

    before = world.run(state)
    world.kube.controller.reconcile()
    after = world.run(before, world.ctx.on.update_status())

    assert world.url(before) is None
    assert before.unit_status.name == "waiting"
    assert world.url(after) == "https://catalogue.example.com/"


def test_url_is_wiped_after_the_controller_rejects_the_route(world) -> None:
    out = serving(world)
    world.kube.controller.reject("shop", "catalogue", "NotAllowedByListeners", "not for you")
    world.kube.controller.reconcile()

    out = world.run(out, world.ctx.on.update_status())

    assert world.url(out) is None
    assert out.unit_status == testing.BlockedStatus(
        "HTTPRoute catalogue on edge/gateway/http-catalogue-example-com: "
        "not Accepted (NotAllowedByListeners): not for you; the gateway's operator must check "
        "its listeners and controller: kubectl -n shop describe httproute catalogue"
    )


def test_route_not_attached_when_listener_refuses_our_namespace(world) -> None:
    world.gateway([HOST])
    world.model = "other"
    world.kube.ensure_namespace("other")
    state = world.state(
        world.ingress(), world.gateway_route(world.answer([HOST])), config={"hostname": HOST}
    )

    out = world.settle(state)

    assert world.url(out) is None
    assert isinstance(out.unit_status, testing.BlockedStatus)
    assert "NotAllowedByListeners" in out.unit_status.message


@pytest.mark.parametrize(
    "pod_labels",
    [{"juju-app": "catalogue"}, {"app.kubernetes.io/name": "catalogue"}],
    ids=["legacy-model", "current-model"],
)
def test_our_service_selects_pods_as_jujus_own_service_does(world, pod_labels) -> None:
    """A Service keyed on the newer label selects nothing in a legacy model (route Accepted)."""
    world.kube.seed(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "catalogue", "namespace": "shop"},
            "spec": {"selector": pod_labels, "ports": [{"port": 8080}]},
        }
    )

    serving(world)

    assert world.services()["catalogue-8080"]["spec"]["selector"] == pod_labels


def test_without_jujus_service_pods_are_selected_by_the_standard_label(world) -> None:
    serving(world)

    assert world.services()["catalogue-8080"]["spec"]["selector"] == {
        "app.kubernetes.io/name": "catalogue"
    }
