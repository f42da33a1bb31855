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
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from charmlibs.interfaces.tls_certificates import CertificateSigningRequest, PrivateKey
from charmlibs.interfaces.tls_certificates._tls_certificates import (
    LIBID,
    _CertificateSigningRequest,
    _RequirerData,
)
from ops import testing

from charmspecs import context
from gateway_route import RequirerData, encode
from integrator.certificates import certificate_request, refresh_inputs
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

    Every application runs as a StatefulSet, which the charms' objects name as their owner.
    """
    kube.ensure_namespace(GATEWAY_MODEL)
    kube.seed(statefulset(GATEWAY_APP, GATEWAY_MODEL, 1))
    for index in range(1, tenants + 1):
        kube.ensure_namespace(tenant_model(index))
        kube.seed(statefulset(ROUTE_APP, tenant_model(index), 1))
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


def integrator_state(tenants: int, world: str = "tls") -> testing.State:
    """The leader of the gateway app with `tenants` gateway-route relations, in `world`."""
    routes = [route_relation(i) for i in range(1, tenants + 1)]
    if world == "http":
        return testing.State(
            leader=True,
            relations=routes,
            config={"enforce-https": False},
            model=testing.Model(name=GATEWAY_MODEL),
        )
    return certified_state(routes, [tenant_hostname(i) for i in range(1, tenants + 1)])


@functools.cache
def _tls() -> tuple[str, TLSProvider]:
    """The charm's private key and a CA, made once per process (key generation is slow)."""
    return str(PrivateKey.generate(key_size=2048)), TLSProvider()


def certified_state(routes: list[testing.Relation], hostnames: list[str]) -> testing.State:
    """A deployment that has run for a while: CSRs sent, every certificate issued.

    Built directly rather than by running the TLS library's refresh, whose ~1.5·N² CSR parses
    take minutes at N = 1,000: our CSRs (the library's databag format, made with the charm's
    key), the provider's answer, the Juju secret the library keeps per certificate, and what
    the charm keeps of its last refresh (a digest of those inputs, the renewal check weeks
    away). The sweep checks the charm agrees: its first reconcile leaves the digest as it was,
    so the library's refresh did not run.
    """
    key, provider = _tls()
    private_key = PrivateKey.from_string(key)
    requests = [certificate_request(hostname) for hostname in hostnames]
    ours: dict[str, str] = {}
    _RequirerData(
        certificate_signing_requests=[
            _CertificateSigningRequest(
                certificate_signing_request=str(r.generate_csr(private_key=private_key)).strip(),
                ca=False,
            )
            for r in requests
        ]
    ).dump(ours)
    theirs = provider.answer(ours)
    certificates = testing.Relation(
        "certificates",
        id=CERTIFICATES_ID,
        remote_app_name="self-signed-certificates",
        local_app_data=ours,
        remote_app_data=theirs,
    )
    kept = [
        testing.Secret(
            {"certificate": entry["certificate"], "csr": entry["certificate_signing_request"]},
            label=f"{LIBID}-certificate-certificates-"
            + CertificateSigningRequest.from_string(
                entry["certificate_signing_request"]
            ).get_sha256_hex(),
            owner="app",
        )
        for entry in json.loads(theirs["certificates"])
    ]
    check_at = datetime.now(UTC) + provider.validity * 0.9 - timedelta(days=1)
    stored = testing.StoredState(
        "_stored",
        owner_path="GatewayApiIntegratorCharm",
        content={
            "tls_inputs": refresh_inputs(requests, ours, theirs),
            "tls_check_at": check_at.timestamp(),
        },
    )
    return testing.State(
        leader=True,
        relations=[*routes, certificates],
        config={"enforce-https": True},
        model=testing.Model(name=GATEWAY_MODEL),
        secrets=[
            testing.Secret({"private-key": key}, label=REQUIRER_KEY_LABEL, owner="app"),
            *kept,
        ],
        stored_states=[stored],
    )


def refresh_digest(state: testing.State) -> str | None:
    """The digest the integrator kept of the TLS library's last refresh (None: none kept)."""
    for stored in state.stored_states:
        if stored.name == "_stored" and stored.owner_path == "GatewayApiIntegratorCharm":
            return stored.content.get("tls_inputs")
    return None


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
