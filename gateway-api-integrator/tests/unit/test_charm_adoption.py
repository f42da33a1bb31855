"""`juju refresh` from Canonical's gateway-api-integrator (issue 15, item 3).

The cluster holds what Canonical's charm leaves for application `gateway` serving `shop` on
gateway.example.com with HTTPS enforced (names and its one label from its source, recorded in
the closing note of issue 15): Gateway `<app>` with listeners `<app>-http-listener` and
`<app>-https-listener`, Secret `<app>-secret-<hostname>`, Service `<app>-shop-service`,
HTTPRoutes `<app>-http` (redirect) and `<app>-https`, each labelled only
`gateway-api-integrator.charm.juju.is/managed-by=<app>`. Ours must take them over without a
listener or Secret going away, and touch nothing else.
"""

from __future__ import annotations

import base64
import dataclasses
import json

import ops
import pytest
from charmlibs.interfaces.tls_certificates import (
    CertificateRequestAttributes,
    CertificateSigningRequest,
    PrivateKey,
)
from lightkube import Client, codecs
from ops import testing

from modelsim.model import model_uuid

MODEL, APP, HOST = "infra", "gateway", "gateway.example.com"
PREDECESSOR = "gateway-api-integrator.charm.juju.is/managed-by"
OURS = {
    "app.kubernetes.io/managed-by": "gateway-api-integrator",
    "gateway-api.juju.is/application": APP,
    "gateway-api.juju.is/model": MODEL,
}
SECRET = f"{APP}-secret-{HOST}"
DIRECT = 300


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def canonical(kind: str, name: str, spec: dict, *, label: str = APP, **extra: object) -> dict:
    api = "v1" if kind in ("Secret", "Service") else "gateway.networking.k8s.io/v1"
    labels = {PREDECESSOR: label} if label else {}
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": MODEL, "labels": labels},
        **({"spec": spec} if spec else {}),
        **extra,
    }


def parent(section: str) -> dict:
    return {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": APP,
        "namespace": MODEL,
        "sectionName": section,
    }


def seed_canonical(kube, tls) -> None:
    key = PrivateKey.generate(key_size=2048)
    csr = CertificateSigningRequest.generate(
        CertificateRequestAttributes(common_name=HOST, sans_dns=frozenset({HOST})), key
    )
    issued = tls.sign(str(csr))
    chain = "\n".join([issued.certificate, issued.ca])
    tls_data = {"tls.crt": b64(chain), "tls.key": b64(str(key))}
    listeners = [
        {
            "name": f"{APP}-http-listener",
            "port": 80,
            "protocol": "HTTP",
            "hostname": HOST,
            "allowedRoutes": {"namespaces": {"from": "All"}},
        },
        {
            "name": f"{APP}-https-listener",
            "port": 443,
            "protocol": "HTTPS",
            "hostname": HOST,
            "allowedRoutes": {"namespaces": {"from": "All"}},
            "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": SECRET}]},
        },
    ]
    backend = {"name": f"{APP}-shop-service", "port": 8080}
    match = {"path": {"type": "PathPrefix", "value": f"/{MODEL}-shop"}}
    redirect = {
        "type": "RequestRedirect",
        "requestRedirect": {"scheme": "https", "statusCode": 301},
    }
    for obj in (
        canonical("Secret", SECRET, {}, type="kubernetes.io/tls", data=tls_data),
        canonical("Gateway", APP, {"gatewayClassName": "cilium", "listeners": listeners}),
        canonical(
            "Service",
            f"{APP}-shop-service",
            {
                "selector": {"app.kubernetes.io/name": "shop"},
                "ports": [{"name": "tcp-8080", "port": 8080, "targetPort": 8080}],
            },
        ),
        canonical(
            "HTTPRoute",
            f"{APP}-http",
            {
                "parentRefs": [parent(f"{APP}-http-listener")],
                "rules": [{"matches": [match], "filters": [redirect]}],
            },
        ),
        canonical(
            "HTTPRoute",
            f"{APP}-https",
            {
                "parentRefs": [parent(f"{APP}-https-listener")],
                "rules": [{"matches": [match], "backendRefs": [backend]}],
            },
        ),
        # Never ours: unlabelled, and another application's.
        canonical(
            "Secret",
            f"{APP}-secret-other.example.com",
            {},
            label="",
            type="Opaque",
            data={"x": b64("y")},
        ),
        canonical(
            "HTTPRoute",
            "someone-else",
            {"parentRefs": [parent(f"{APP}-https-listener")]},
            label="some-other-app",
        ),
    ):
        if obj["metadata"]["labels"].get(PREDECESSOR) == APP:
            # As Canonical's charm writes them: server-side apply, field manager `<app>`.
            client = Client(field_manager=APP)
            client.apply(codecs.from_dict(obj), field_manager=APP, force=True)
        else:
            kube.seed(obj)
    kube.controller.reconcile()  # Canonical's objects were serving


def workload() -> testing.Relation:
    data = {"model": json.dumps(MODEL), "name": json.dumps("shop"), "port": "8080"}
    return testing.Relation(
        "gateway",
        interface="ingress",
        id=DIRECT,
        remote_app_name="shop",
        remote_app_data=data,
        remote_model_uuid=model_uuid(MODEL),
    )


def deletes(kube, kind: str) -> list[str | None]:
    return [r.name for r in kube.requests if r.verb == "delete" and r.kind == kind]


def writes_naming(kube, name: str) -> list[str]:
    return [r.verb for r in kube.requests if r.name == name and r.verb not in ("get", "list")]


@pytest.fixture
def refreshed(cluster, flow, tls):
    """Canonical's objects serving; our charm's first hooks after `juju refresh`."""
    seed_canonical(cluster.kube, tls)
    untouched = {
        name: cluster.kube.get(kind, name, MODEL)
        for kind, name in (
            ("Secret", f"{APP}-secret-other.example.com"),
            ("HTTPRoute", "someone-else"),
        )
    }
    state = flow.state(
        workload(),
        flow.certificates(),
        config={"external-hostname": HOST, "enforce-https": True},
    )
    out = flow.run(flow.ctx.on.upgrade_charm(), state)
    return out, untouched


def test_the_gateway_and_secret_are_taken_over_in_place(cluster, refreshed):
    gateway = cluster.gateway()
    assert gateway is not None
    assert OURS.items() <= gateway["metadata"]["labels"].items()
    names = {entry["name"] for entry in gateway["spec"]["listeners"]}
    assert {f"{APP}-http-listener", f"{APP}-https-listener"} <= names
    https = cluster.listeners()[f"{APP}-https-listener"]
    assert https["tls"]["certificateRefs"][0]["name"] == SECRET
    secret = cluster.kube.get("Secret", SECRET, MODEL)
    assert secret is not None
    assert OURS.items() <= secret["metadata"]["labels"].items()
    assert deletes(cluster.kube, "Gateway") == []
    assert deletes(cluster.kube, "Secret") == []
    # Both charms apply as field manager `<app>`: the label ours does not set is gone.
    assert PREDECESSOR not in gateway["metadata"]["labels"]


def test_nothing_unlabelled_or_another_apps_is_touched(cluster, refreshed):
    _, untouched = refreshed
    for name, before in untouched.items():
        kind = "Secret" if name.startswith(APP) else "HTTPRoute"
        assert cluster.kube.get(kind, name, MODEL) == before
        assert writes_naming(cluster.kube, name) == []


def test_the_old_routes_serve_until_ours_carry_the_traffic(cluster, flow, refreshed):
    out, _ = refreshed
    # Ours are in place, not yet attached by the controller: the old ones stay.
    assert cluster.kube.get("HTTPRoute", "shop", MODEL) is not None
    old = cluster.kube.get("HTTPRoute", f"{APP}-https", MODEL)
    assert old is not None
    assert OURS.items() <= old["metadata"]["labels"].items()  # relabelled: ours now
    out = flow.with_certificates(out)
    cluster.publish_address()
    out = flow.run(flow.ctx.on.update_status(), out)
    url = out.get_relation(DIRECT).local_app_data.get("ingress")
    assert url is not None
    assert json.loads(url)["url"] == f"https://{HOST}/{MODEL}-shop"
    out = flow.run(flow.ctx.on.update_status(), out)
    assert cluster.kube.get("HTTPRoute", f"{APP}-https", MODEL) is None
    assert cluster.kube.get("Service", f"{APP}-shop-service", MODEL) is None
    assert isinstance(out.unit_status, ops.ActiveStatus), out.unit_status
    assert deletes(cluster.kube, "Secret") == []
    gateway = cluster.gateway()
    assert gateway is not None
    names = {entry["name"] for entry in gateway["spec"]["listeners"]}
    assert {f"{APP}-http-listener", f"{APP}-https-listener"} <= names


def test_while_a_name_of_ours_is_taken_the_predecessors_routes_keep_the_url(cluster, flow, tls):
    seed_canonical(cluster.kube, tls)
    cluster.kube.seed(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "shop-8080", "namespace": MODEL},
            "spec": {"ports": [{"port": 8080}]},
        }
    )
    held = {"ingress": json.dumps({"url": f"https://{HOST}/{MODEL}-shop"})}
    relation = dataclasses.replace(workload(), local_app_data=held)
    config = {"external-hostname": HOST, "enforce-https": True}
    out = flow.run(
        flow.ctx.on.upgrade_charm(), flow.state(relation, flow.certificates(), config=config)
    )
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert (
        "Service infra/shop-8080 exists and is not managed by the gateway"
        in out.unit_status.message
    )
    assert out.get_relation(DIRECT).local_app_data.get("ingress") == held["ingress"]
    assert cluster.kube.get("HTTPRoute", f"{APP}-https", MODEL) is not None
    assert cluster.kube.get("Service", f"{APP}-shop-service", MODEL) is not None
