"""The model being measured: one gateway app, N configurators with one hostname each.

Both charms run for real under ops.testing; the gateway-route answers the configurators get are
the ones the integrator wrote, so the configurators attach to the listeners (and ListenerSets)
the integrator really made.

Two worlds: "tls", the default deployment (enforce-https, a certificates relation, every
certificate issued), and "http" (enforce-https off, no certificates relation).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from unittest.mock import patch

from charmlibs.interfaces.tls_certificates import (
    CertificateSigningRequest,
    PrivateKey,
    TLSCertificatesRequiresV4,
)
from charmlibs.interfaces.tls_certificates._tls_certificates import (
    LIBID,
    _CertificateSigningRequest,
    _RequirerData,
)
from ops import EventBase, testing

from charmspecs import context
from gateway_route import RequirerData, encode
from integrator.certificates import certificate_request
from integrator.observe import MODEL_UUID_ANNOTATION
from kubedouble import KubeDouble
from modelsim.model import model_uuid
from modelsim.workload import statefulset
from tls_provider import REQUIRER_KEY_LABEL, TLSProvider

GATEWAY_APP = "gateway"
GATEWAY_MODEL = "infra"
ROUTE_APP = "route"
GATEWAY_CLASS = "cilium"
CERTIFICATES_ID = 100_000
"""The certificates relation's id: clear of the tenants' (1..N)."""
WORLDS = ("tls", "http")


def tenant_model(index: int) -> str:
    """Configurator `index` lives in its own model (namespace), with its workload."""
    return f"t{index:04}"


def tenant_hostname(index: int, generation: int = 0) -> str:
    """The hostname configurator `index` asks for (a new generation is a tenant's change)."""
    suffix = f"-v{generation}" if generation else ""
    return f"app{index:04}{suffix}.example.com"


def integrator_context() -> testing.Context:
    """A Context for gateway-api-integrator, as charmcraft.yaml declares it."""
    return context("gateway-api-integrator", app_name=GATEWAY_APP)


def configurator_context() -> testing.Context:
    """A Context for gateway-route-configurator (one per tenant model, same app name)."""
    return context("gateway-route-configurator", app_name=ROUTE_APP)


def seed_cluster(kube: KubeDouble, tenants: int) -> None:
    """Namespaces, Juju's StatefulSets, and the one GatewayClass, accepted.

    Juju annotates each model's namespace with the model's UUID; every application runs as a
    StatefulSet, which the charms' objects name as their owner.
    """
    kube.ensure_namespace(GATEWAY_MODEL)
    kube.seed(statefulset(GATEWAY_APP, GATEWAY_MODEL, 1))
    for index in range(1, tenants + 1):
        model = tenant_model(index)
        kube.ensure_namespace(model, {MODEL_UUID_ANNOTATION: model_uuid(model)})
        kube.seed(statefulset(ROUTE_APP, model, 1))
    kube.seed(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": GATEWAY_CLASS},
            "spec": {"controllerName": f"example.com/{GATEWAY_CLASS}"},
        }
    )
    # The controller runs: it accepts the class and says what it implements (ListenerSet).
    kube.controller.reconcile(addresses=[])


def route_relation(index: int, generation: int = 0) -> testing.Relation:
    """The integrator's view of configurator `index` (relation id = index)."""
    data = RequirerData(
        namespace=tenant_model(index),
        application=f"app{index:04}",
        hostnames=[tenant_hostname(index, generation)],
    )
    return testing.Relation(
        "gateway-route",
        id=index,
        remote_app_name=f"{ROUTE_APP}-{tenant_model(index)}",
        remote_app_data=encode(data),
        remote_model_uuid=model_uuid(tenant_model(index)),
    )


def integrator_state(tenants: int, world: str = "tls", *, issued: bool = True) -> testing.State:
    """The leader of the gateway app with `tenants` gateway-route relations, in `world`.

    Only what Juju holds: no stored state, as on a new pod. `issued=False`: the CSRs are sent,
    the provider has not answered yet.
    """
    routes = [route_relation(i) for i in range(1, tenants + 1)]
    if world == "http":
        return testing.State(
            leader=True,
            relations=routes,
            config={"enforce-https": False},
            model=testing.Model(name=GATEWAY_MODEL),
        )
    hostnames = [tenant_hostname(i) for i in range(1, tenants + 1)]
    return certified_state(routes, hostnames, issued=issued)


@functools.cache
def _tls() -> tuple[str, TLSProvider]:
    """The charm's private key and a CA, made once per process (key generation is slow)."""
    return str(PrivateKey.generate(key_size=2048)), TLSProvider()


def provider() -> TLSProvider:
    """The CA answering every world's CSRs (stable: the same CSR gets the same certificate)."""
    return _tls()[1]


def key_secret() -> testing.Secret:
    """The TLS library's private-key secret, seeded so that no world generates a key."""
    return testing.Secret({"private-key": _tls()[0]}, label=REQUIRER_KEY_LABEL, owner="app")


def certificates_relation(
    ours: dict[str, str] | None = None, theirs: dict[str, str] | None = None
) -> testing.Relation:
    """The certificates relation to self-signed-certificates, with both app databags."""
    return testing.Relation(
        "certificates",
        id=CERTIFICATES_ID,
        remote_app_name="self-signed-certificates",
        local_app_data=dict(ours or {}),
        remote_app_data=dict(theirs or {}),
    )


def certified_state(
    routes: list[testing.Relation], hostnames: list[str], *, issued: bool = True
) -> testing.State:
    """A deployment that has run for a while: CSRs sent and (if `issued`) every one answered.

    Built directly in the TLS library's own formats (its databag, one Juju secret per
    certificate) rather than by running its refresh, whose ~1.5·N² CSR parses take minutes at
    N = 1,000. The charm's own stored state is not built: the first hook makes it
    (`skipped_library_refresh`), and the sweep checks no later no-change hook refreshes.
    """
    key, ca = _tls()
    private_key = PrivateKey.from_string(key)
    ours: dict[str, str] = {}
    _RequirerData(
        certificate_signing_requests=[
            _CertificateSigningRequest(
                certificate_signing_request=str(
                    certificate_request(hostname).generate_csr(private_key=private_key)
                ).strip(),
                ca=False,
            )
            for hostname in hostnames
        ]
    ).dump(ours)
    theirs = ca.answer(ours) if issued else {}
    kept = [
        testing.Secret(
            {"certificate": entry["certificate"], "csr": entry["certificate_signing_request"]},
            label=f"{LIBID}-certificate-certificates-"
            + CertificateSigningRequest.from_string(
                entry["certificate_signing_request"]
            ).get_sha256_hex(),
            owner="app",
        )
        for entry in json.loads(theirs.get("certificates", "[]"))
    ]
    return testing.State(
        leader=True,
        relations=[*routes, certificates_relation(ours, theirs)],
        config={"enforce-https": True},
        model=testing.Model(name=GATEWAY_MODEL),
        secrets=[key_secret(), *kept],
    )


def answered(state: testing.State) -> testing.State:
    """`state` once the provider has answered every CSR in our certificates databag."""
    relation = state.get_relation(CERTIFICATES_ID)
    assert isinstance(relation, testing.Relation)
    theirs = provider().answer(relation.local_app_data)
    return with_relation(state, replace(relation, remote_app_data=theirs))


@contextmanager
def skipped_library_refresh() -> Iterator[None]:
    """The TLS library's refresh (`_configure`) does nothing inside the block.

    For the hook that seeds a world built in the library's formats, whose refresh would change
    nothing but cost ~1.5·N² CSR parses: the charm then keeps its own state of that hook.
    """
    with patch.object(TLSCertificatesRequiresV4, "_configure", _no_refresh):
        yield


def _no_refresh(self: TLSCertificatesRequiresV4, event: EventBase | None = None) -> None:
    del self, event


@contextmanager
def counted_library_refreshes() -> Iterator[list[str]]:
    """Every run of the TLS library's refresh inside the block, by the event that caused it."""
    runs: list[str] = []
    original = TLSCertificatesRequiresV4._configure

    def counted(self: TLSCertificatesRequiresV4, event: EventBase | None = None) -> None:
        runs.append(type(event).__name__ if event is not None else "sync")
        original(self, event)

    with patch.object(TLSCertificatesRequiresV4, "_configure", counted):
        yield runs


def without_relation(state: testing.State, relation_id: int) -> testing.State:
    """`state` once Juju has forgotten a relation (after its relation-broken hook)."""
    return replace(state, relations=[r for r in state.relations if r.id != relation_id])


def with_relations(state: testing.State, relations: list[testing.Relation]) -> testing.State:
    """`state` with `relations` added (or replacing those of the same id)."""
    ids = {relation.id for relation in relations}
    kept = [relation for relation in state.relations if relation.id not in ids]
    return replace(state, relations=[*kept, *relations])


def empty_state(world: str) -> testing.State:
    """The gateway app before any configurator relates (tls: related to its CA, key made)."""
    if world == "http":
        return integrator_state(0, "http")
    return testing.State(
        leader=True,
        relations=[certificates_relation()],
        config={"enforce-https": True},
        model=testing.Model(name=GATEWAY_MODEL),
        secrets=[key_secret()],
    )


def with_relation(state: testing.State, relation: testing.Relation) -> testing.State:
    """`state` with the relation of the same id replaced."""
    others = [rel for rel in state.relations if rel.id != relation.id]
    return replace(state, relations=[*others, relation])


@dataclass(frozen=True)
class Tenant:
    """What configurator `index` needs: the workload's ingress data and the gateway's answer."""

    index: int
    answer: dict[str, str]

    def state(self, config: dict[str, Any] | None = None) -> testing.State:
        """The configurator's leader, related to its workload and to the gateway."""
        model = tenant_model(self.index)
        ingress = testing.Relation(
            "ingress",
            id=1,
            remote_app_name="web",
            remote_app_data={"model": json.dumps(model), "name": '"web"', "port": "8080"},
            remote_units_data={0: {"host": json.dumps(f"web-0.web-endpoints.{model}.svc")}},
        )
        gateway = testing.Relation(
            "gateway-route",
            id=2,
            remote_app_name=GATEWAY_APP,
            remote_app_data=dict(self.answer),
        )
        return testing.State(
            leader=True,
            relations=[ingress, gateway],
            config={"hostname": tenant_hostname(self.index), **(config or {})},
            model=testing.Model(name=model),
        )


def answers(out: testing.State, tenants: int) -> list[Tenant]:
    """The integrator's answer to each configurator, from its output state."""
    found = []
    for index in range(1, tenants + 1):
        relation = out.get_relation(index)
        found.append(Tenant(index, dict(relation.local_app_data)))
    return found
