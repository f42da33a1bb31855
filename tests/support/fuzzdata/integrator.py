"""gateway-api-integrator's world: its Context, a TLS provider that signs, one healthy tenant.

The baseline is made once per session by running the real charm: tenant `shop` (relation 1)
is served `shop.example.com` over HTTP and HTTPS with a certificate from the TLS provider
(relation 100), and the gateway controller has given the Gateway an address. Every example
starts from a fresh double holding exactly the baseline's objects and from the baseline's
output State.
"""

import dataclasses
import functools
import json
from typing import Any

from charmlibs.interfaces.tls_certificates import CertificateRequestAttributes, PrivateKey
from ops import testing

import charmspecs
from fuzzdata.cluster import comparable, fresh_double, replay
from gateway_route import RequirerData, encode
from kubedouble import KubeDouble
from modelsim.model import model_uuid, namespace_annotations
from tls_provider import REQUIRER_KEY_LABEL, TLSProvider

APP = "gateway"
MODEL = "infra"
GATEWAY_CLASS = "cilium"
ADDRESS = "10.0.0.1"
TENANT_NAMESPACE = "shop"
TENANT_HOST = "shop.example.com"
TENANT_RELATION = 1
FUZZED_RELATION = 2
FUZZED_APP = "configurator-2"
FUZZED_MODEL = "orders"
"""The model (and namespace) of the fuzzed requester: an honest one claims this namespace."""
FUZZED_HOST = "orders.example.com"
NON_JUJU_NAMESPACES = ("kube-system", "default")
"""Namespaces no Juju model owns (the double makes them, like a cluster does)."""
CERTIFICATES_RELATION = 100
OWNER_LABELS = {
    "app.kubernetes.io/managed-by": "gateway-api-integrator",
    "gateway-api.juju.is/application": APP,
    "gateway-api.juju.is/model": MODEL,
}


def context() -> testing.Context:
    return charmspecs.context("gateway-api-integrator", app_name=APP)


@functools.cache
def tls() -> TLSProvider:
    return TLSProvider()


@functools.cache
def private_key() -> str:
    return str(PrivateKey.generate(key_size=2048))


def key_secret() -> testing.Secret:
    return testing.Secret({"private-key": private_key()}, label=REQUIRER_KEY_LABEL, owner="app")


def route(
    relation_id: int, namespace: str, hostnames: list[str], remote_app: str | None = None
) -> testing.Relation:
    data = RequirerData(namespace=namespace, application=f"{namespace}-app", hostnames=hostnames)
    return testing.Relation(
        "gateway-route",
        id=relation_id,
        remote_app_name=remote_app or f"configurator-{relation_id}",
        remote_app_data=encode(data),
        remote_model_uuid=model_uuid(namespace),
    )


def raw_route(
    relation_id: int, databag: dict[str, str], remote_app: str, model: str = TENANT_NAMESPACE
) -> testing.Relation:
    """A relation to a configurator in `model` that wrote `databag`, whatever it says."""
    return testing.Relation(
        "gateway-route",
        id=relation_id,
        remote_app_name=remote_app,
        remote_app_data=databag,
        remote_model_uuid=model_uuid(model),
    )


def with_relation(state: testing.State, relation: testing.Relation) -> testing.State:
    others = [rel for rel in state.relations if rel.id != relation.id]
    return dataclasses.replace(state, relations=[*others, relation])


def seed_class(kube: KubeDouble) -> None:
    kube.ensure_namespace(MODEL, namespace_annotations(MODEL))
    kube.ensure_namespace(TENANT_NAMESPACE, namespace_annotations(TENANT_NAMESPACE))
    kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": GATEWAY_CLASS},
            "spec": {"controllerName": f"example.com/{GATEWAY_CLASS}"},
        }
    )
    kube.controller.reconcile(addresses=())  # the controller accepts the class


def initial_state(*extra: testing.Relation) -> testing.State:
    """Tenant `shop` and a TLS provider that has not answered yet."""
    return testing.State(
        leader=True,
        relations=[
            route(TENANT_RELATION, TENANT_NAMESPACE, [TENANT_HOST]),
            testing.Relation(
                "certificates",
                id=CERTIFICATES_RELATION,
                remote_app_name="self-signed-certificates",
            ),
            *extra,
        ],
        config={"enforce-https": False},
        model=testing.Model(name=MODEL),
        secrets=[key_secret()],
    )


def certify(state: testing.State) -> testing.State:
    """The certificates relation with the provider's answer to our CSRs in it."""
    relation = state.get_relation(CERTIFICATES_RELATION)
    assert isinstance(relation, testing.Relation)
    answered = dataclasses.replace(relation, remote_app_data=tls().answer(relation.local_app_data))
    return with_relation(state, answered)


def settle(ctx: testing.Context, kube: KubeDouble, state: testing.State) -> testing.State:
    """CSRs out, certificates in, the controller's address, then a quiet update-status."""
    state = ctx.run(ctx.on.config_changed(), state)
    state = certify(state)
    state = ctx.run(ctx.on.relation_changed(state.get_relation(CERTIFICATES_RELATION)), state)
    kube.controller.reconcile(addresses=(ADDRESS,))
    return ctx.run(ctx.on.update_status(), state)


@dataclasses.dataclass(frozen=True)
class Baseline:
    state: testing.State
    """The charm's output State once the tenant is served."""
    objects: tuple[dict[str, Any], ...]
    """Every object in the double apart from namespaces, with status, in creation order."""


@functools.cache
def baseline() -> Baseline:
    with fresh_double() as kube:
        seed_class(kube)
        state = settle(context(), kube, initial_state())
        objects = [
            obj
            for kind in ("GatewayClass", "Secret", "Gateway", "HTTPRoute")
            for obj in kube.objects(kind)
        ]
        kept = []
        for obj in objects:
            status = obj.get("status")
            clean = comparable(obj)
            if status is not None:
                clean["status"] = status
            kept.append(clean)
        return Baseline(state=state, objects=tuple(kept))


def seed_baseline(kube: KubeDouble) -> None:
    """The GatewayClass as a cluster admin made it; our objects as the charm applied them.

    The fuzzed requester's model has its namespace too, annotated by Juju like every model's.
    """
    seed_class(kube)
    kube.ensure_namespace(FUZZED_MODEL, namespace_annotations(FUZZED_MODEL))
    ours = [obj for obj in baseline().objects if obj["kind"] != "GatewayClass"]
    replay(kube, ours, field_manager=APP)


def tenant_listeners(gateway: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The tenant's listeners on the Gateway (by hostname)."""
    listeners = ((gateway or {}).get("spec") or {}).get("listeners") or []
    return [entry for entry in listeners if entry.get("hostname") == TENANT_HOST]


def tenant_csr(state: testing.State) -> str:
    """The CSR we sent for the tenant's hostname."""
    relation = state.get_relation(CERTIFICATES_RELATION)
    requests = json.loads(relation.local_app_data["certificate_signing_requests"])
    (csr,) = [item["certificate_signing_request"] for item in requests]
    return csr


def tls_healthy_entries() -> list[dict[str, Any]]:
    """The provider's valid `certificates` entries in the baseline."""
    relation = baseline().state.get_relation(CERTIFICATES_RELATION)
    assert isinstance(relation, testing.Relation)
    return json.loads(relation.remote_app_data["certificates"])


@functools.cache
def spare_pems() -> tuple[str, ...]:
    """Real certificates that are wrong where they will be put: our CA, a stranger's CA."""
    other = TLSProvider()
    return (tls().ca, other.ca)


@functools.cache
def spare_csrs() -> tuple[str, ...]:
    """Real CSRs that are not the tenant's: another hostname's, the tenant's with another key."""
    ours = PrivateKey(raw=private_key())
    other = PrivateKey.generate(key_size=2048)
    return (
        str(CertificateRequestAttributes(common_name="other.example.com").generate_csr(ours)),
        str(CertificateRequestAttributes(common_name=TENANT_HOST).generate_csr(other)),
    )
