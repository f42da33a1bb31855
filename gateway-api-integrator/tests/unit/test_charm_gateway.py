"""The Gateway through the API (double, real server): creation, steady state, errors, removal."""

import ops
import pytest
from ops import testing

UNREPORTED = (
    "waiting for the Gateway API controller to program Gateway infra/gateway: "
    "NotReported: no status reported yet"
)
"""The status before the controller has written any status on a new Gateway."""

ADDRESS = "10.0.0.1"


def test_every_object_is_admitted_by_both_gateway_api_versions(flow, cluster_any):
    out = flow.with_certificates(
        flow.state(
            flow.route(1, "shop", ["shop.example.com"]),
            flow.route(2, "blog"),
            flow.certificates(),
            config={"enforce-https": True, "external-hostname": "gw.example.com"},
        )
    )
    # The API server defaulted the new Gateway's status (Accepted/Programmed Unknown, Pending).
    assert isinstance(out.unit_status, ops.WaitingStatus)
    assert out.unit_status.message.startswith(
        "waiting for the Gateway API controller to program Gateway infra/gateway: Pending"
    )
    assert set(cluster_any.listeners()) == {
        "http-shop.example.com",
        "https-shop.example.com",
        "http-gw.example.com",
        "https-gw.example.com",
    }
    assert cluster_any.kube.get("HTTPRoute", "gateway-https-redirect", "infra") is not None
    assert cluster_any.secret("shop.example.com") is not None
    assert not cluster_any.kube.warnings  # nothing we sent was pruned as unknown


LONG = ".".join(["a" * 60] * 4)  # 243 characters: listener and Secret names get hashed


def test_plain_http_objects_are_admitted_by_both_gateway_api_versions(flow, cluster_any):
    before = flow.state(
        flow.route(1, "shop", [LONG]), flow.route(2, "blog", [LONG]), flow.route(3, "shop")
    )
    out = flow.changed(before, 1)
    names = set(cluster_any.listeners())
    assert "http" in names
    assert len(names) == 2
    assert not isinstance(out.unit_status, ops.BlockedStatus)
    assert not cluster_any.kube.warnings


def test_objects_carry_the_owner_labels_and_app_field_manager(flow, cluster):
    flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    (gateway,) = cluster.owned()
    assert gateway["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "gateway-api-integrator",
        "gateway-api.juju.is/application": "gateway",
        "gateway-api.juju.is/model": "infra",
    }
    applies = [r for r in cluster.kube.requests if r.verb == "apply"]
    assert applies
    assert {r.field_manager for r in applies} == {"gateway"}


def test_gateway_address_is_awaited_then_published(flow, cluster, answer):
    out = flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    assert out.unit_status == ops.WaitingStatus(UNREPORTED)
    assert answer(out, 1).addresses == []
    cluster.publish_address(ADDRESS)
    out = flow.run(flow.ctx.on.update_status(), out)
    assert out.unit_status == ops.ActiveStatus(f"1 hostname(s) served at {ADDRESS}")
    assert answer(out, 1).addresses == [ADDRESS]


def test_answer_names_the_listeners_to_attach_to(flow, cluster, answer):
    out = flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    data = answer(out, 1)
    assert (data.gateway_name, data.gateway_namespace, data.https_mode) == (
        "gateway",
        "infra",
        "disabled",
    )
    (parent,) = data.attachments_for("shop.example.com")
    assert (parent.kind, parent.section_name, parent.protocol, parent.port) == (
        "Gateway",
        "http-shop.example.com",
        "HTTP",
        80,
    )
    assert parent.section_name in cluster.listeners()


def test_steady_state_reconcile_sends_no_writes(flow, cluster):
    out = flow.with_certificates(
        flow.state(
            flow.route(1, "shop", ["shop.example.com"]),
            flow.certificates(),
            config={"enforce-https": True},
        )
    )
    cluster.publish_address()
    out = flow.run(flow.ctx.on.update_status(), out)
    cluster.kube.reset_requests()
    flow.run(flow.ctx.on.update_status(), out)
    assert cluster.writes() == 0
    assert cluster.kube.count("get") + cluster.kube.count("list") > 0


def test_non_leader_is_standby_and_touches_nothing(flow, kube):
    out = flow.changed(flow.state(flow.route(1, "shop", ["a.example.com"]), leader=False), 1)
    assert out.unit_status == ops.ActiveStatus("standby")
    assert not kube.requests
    assert not out.get_relation(1).local_app_data


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"external-hostname": "Bad_Host"},
            "this charm's config external-hostname='Bad_Host' must be lowercase",
        ),
        ({"hsts-max-age": -5}, "this charm's config hsts-max-age='-5' must be a whole number"),
    ],
)
def test_invalid_config_is_blocked_without_touching_kubernetes(flow, kube, config, message):
    out = flow.run(flow.ctx.on.config_changed(), flow.state(config=config))
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert out.unit_status.message.startswith(message)
    assert "run: juju config gateway " in out.unit_status.message
    assert not [r for r in kube.requests if r.verb not in ("get", "list")]


# ----- GatewayClass -----------------------------------------------------------------------


def test_the_only_gateway_class_is_used(flow, cluster):
    flow.run(flow.ctx.on.config_changed(), flow.state())
    assert cluster.gateway()["spec"]["gatewayClassName"] == "cilium"


def test_no_gateway_class_is_blocked(flow, kube):
    kube.ensure_namespace("infra")
    out = flow.run(flow.ctx.on.config_changed(), flow.state())
    assert out.unit_status == ops.BlockedStatus(
        "no GatewayClass in the cluster: the cluster's administrator must install a Gateway "
        "API controller; on Canonical K8s run: sudo k8s enable gateway"
    )
    assert kube.get("Gateway", "gateway", "infra") is None


def test_two_gateway_classes_are_blocked_listing_them(flow, cluster):
    cluster.add_class("istio")
    out = flow.run(flow.ctx.on.config_changed(), flow.state())
    assert out.unit_status == ops.BlockedStatus(
        "several GatewayClasses (cilium, istio): this charm's config must choose one; "
        "run: juju config gateway gateway-class=<name>"
    )


def test_configured_gateway_class_is_used_among_several(flow, cluster):
    cluster.add_class("istio")
    flow.run(flow.ctx.on.config_changed(), flow.state(config={"gateway-class": "istio"}))
    assert cluster.gateway()["spec"]["gatewayClassName"] == "istio"


def test_configured_gateway_class_that_does_not_exist_is_blocked(flow, cluster):
    out = flow.run(flow.ctx.on.config_changed(), flow.state(config={"gateway-class": "nginx"}))
    assert out.unit_status == ops.BlockedStatus(
        "this charm's config gateway-class='nginx' names no GatewayClass of the cluster "
        "(available: cilium); run: juju config gateway gateway-class=cilium"
    )


def test_class_in_use_is_kept_when_a_second_class_appears(flow, cluster):
    out = flow.run(flow.ctx.on.config_changed(), flow.state())
    cluster.add_class("istio")
    out = flow.run(flow.ctx.on.update_status(), out)
    assert not isinstance(out.unit_status, ops.BlockedStatus)
    assert cluster.gateway()["spec"]["gatewayClassName"] == "cilium"


# ----- somebody else's Gateway, API errors ------------------------------------------------


def test_unowned_gateway_with_our_name_is_left_alone_and_blocked(flow, cluster):
    theirs = cluster.kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "gateway", "namespace": "infra", "labels": {"team": "web"}},
            "spec": {
                "gatewayClassName": "cilium",
                "listeners": [{"name": "web", "protocol": "HTTP", "port": 8080}],
            },
        }
    )
    out = flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    assert cluster.gateway() == theirs
    assert out.unit_status == ops.BlockedStatus(
        "Gateway infra/gateway exists and is not managed by gateway: its owner must delete or "
        "rename it (or deploy this charm under another name); if stale, run: "
        "kubectl -n infra delete gateway gateway"
    )
    assert cluster.writes() == 0
    assert not out.get_relation(1).local_app_data


@pytest.mark.parametrize(("verb", "kind"), [("list", "GatewayClass"), ("apply", "Gateway")])
def test_forbidden_asks_for_juju_trust(flow, double_cluster, verb, kind):
    cluster = double_cluster  # faults are injected by the double
    cluster.kube.deny(verb, kind)
    out = flow.run(flow.ctx.on.config_changed(), flow.state())
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert out.unit_status.message.startswith("no access to the Kubernetes API (")
    assert "cannot " in out.unit_status.message  # the API server's own words
    assert out.unit_status.message.endswith("; run: juju trust gateway --scope=cluster")


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"verb": "list", "kind": "GatewayClass", "status": 404}, "Gateway API CRDs missing"),
        ({"verb": "apply", "kind": "Gateway", "status": 422}, "Kubernetes rejected an object ("),
    ],
)
def test_api_errors_the_operator_must_fix_are_blocked(flow, double_cluster, fault, message):
    cluster = double_cluster  # faults are injected by the double
    cluster.kube.inject_fault(**fault)
    out = flow.run(flow.ctx.on.config_changed(), flow.state())
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert out.unit_status.message.startswith(message)


def test_api_failure_waits_and_the_next_event_recovers(flow, double_cluster):
    cluster = double_cluster  # faults are injected by the double
    cluster.kube.inject_fault(verb="apply", kind="Gateway", status=500)
    out = flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    assert isinstance(out.unit_status, ops.WaitingStatus)
    assert "retrying on the next event" in out.unit_status.message
    out = flow.run(flow.ctx.on.update_status(), out)
    assert out.unit_status == ops.WaitingStatus(UNREPORTED)
    assert "http-shop.example.com" in cluster.listeners()


def test_an_untrusted_gateway_is_blocked_with_the_trust_command_and_writes_nothing(
    flow, cluster, tmp_path, monkeypatch
):
    # Deployed without --trust: only what Juju grants every application, so the API server
    # (the double, or the real one with Juju's Role and ClusterRole) answers 403 in its words.
    token = cluster.kube.identity("infra", "gateway", trusted=False)
    monkeypatch.setenv("KUBECONFIG", str(cluster.kube.kubeconfig(tmp_path / "untrusted", token)))
    out = flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert out.unit_status.message.startswith("no access to the Kubernetes API (")
    assert "system:serviceaccount:infra:gateway" in out.unit_status.message
    assert out.unit_status.message.endswith("; run: juju trust gateway --scope=cluster")
    assert cluster.owned() == []
    assert not out.get_relation(1).local_app_data


# ----- removal ----------------------------------------------------------------------------


def test_application_removal_deletes_everything_owned(flow, cluster):
    out = flow.with_certificates(
        flow.state(
            flow.route(1, "shop", ["shop.example.com"]),
            flow.certificates(),
            config={"enforce-https": True},
        )
    )
    assert {o["kind"] for o in cluster.owned()} == {"Gateway", "Secret", "HTTPRoute"}
    other = cluster.kube.seed(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "someone-else", "namespace": "infra"},
            "data": {},
        }
    )
    flow.run(flow.ctx.on.remove(), testing.State(**{**out.__dict__, "planned_units": 0}))
    assert cluster.owned() == []
    assert cluster.kube.get("Secret", "someone-else", "infra") == other


def test_unit_removal_keeps_the_gateway(flow, cluster):
    out = flow.changed(flow.state(flow.route(1, "shop", ["shop.example.com"])), 1)
    flow.run(flow.ctx.on.remove(), out)
    assert cluster.gateway() is not None
