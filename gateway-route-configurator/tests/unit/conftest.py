"""The configurator's world in one fixture.

An ops.testing Context, the Kubernetes API double with a Gateway on it, and the gateway's
answer written with the gateway_route models.
"""

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from ops import testing

from charmspecs import context
from gateway_route import Accepted, ParentRef, ProviderData, RefusalReason, Refused, encode
from kubedouble import KubeDouble

APP = "gateway-route-configurator"
MODEL = "shop"
EDGE = "edge"
GATEWAY = "gateway"
WRITES = ("create", "update", "patch", "apply", "delete", "deletecollection")


def label(hostname: str) -> str:
    return hostname.replace(".", "-")


@dataclass
class World:
    """Helpers shared by the tests; `kube` is the double the charm talks to."""

    kube: KubeDouble
    app: str = APP
    model: str = MODEL
    workload: str = "catalogue"
    hostnames: list[str] = field(default_factory=list)
    ctx: testing.Context = field(init=False)

    def __post_init__(self) -> None:
        self.ctx = context("gateway-route-configurator", app_name=APP, app_trusted=False)
        self.kube.ensure_namespace(self.model)
        self.kube.ensure_namespace(EDGE)

    # ----- the gateway side ---------------------------------------------------------------

    def gateway(self, hostnames: list[str], *, https: bool = True, hostless: bool = False) -> None:
        """A Gateway in `edge` as gateway-api-integrator builds it.

        Per hostname an HTTP and (optionally) an HTTPS listener, admitting routes from our
        namespace only.
        """
        allowed = {
            "namespaces": {
                "from": "Selector",
                "selector": {"matchLabels": {"kubernetes.io/metadata.name": self.model}},
            }
        }
        listeners: list[dict] = []
        if hostless:
            listeners.append(
                {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": allowed}
            )
        for hostname in hostnames:
            listeners.append(
                {
                    "name": f"http-{label(hostname)}",
                    "hostname": hostname,
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": allowed,
                }
            )
            if https:
                listeners.append(
                    {
                        "name": f"https-{label(hostname)}",
                        "hostname": hostname,
                        "port": 443,
                        "protocol": "HTTPS",
                        "tls": {"certificateRefs": [{"name": f"tls-{label(hostname)}"}]},
                        "allowedRoutes": allowed,
                    }
                )
        if self.kube.get("GatewayClass", "gateway-class") is None:
            self.kube.seed(
                {
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": "gateway-class"},
                    "spec": {"controllerName": "example.com/gateway"},
                }
            )
        self.kube.seed(
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "Gateway",
                "metadata": {"name": GATEWAY, "namespace": EDGE},
                "spec": {"gatewayClassName": "gateway-class", "listeners": listeners},
            }
        )

    @staticmethod
    def parents(hostname: str | None, https: bool = True) -> list[ParentRef]:
        if hostname is None:
            return [
                ParentRef(
                    name=GATEWAY, namespace=EDGE, section_name="http", protocol="HTTP", port=80
                )
            ]
        refs = [
            ParentRef(
                name=GATEWAY,
                namespace=EDGE,
                section_name=f"http-{label(hostname)}",
                protocol="HTTP",
                port=80,
            )
        ]
        if https:
            refs.append(
                ParentRef(
                    name=GATEWAY,
                    namespace=EDGE,
                    section_name=f"https-{label(hostname)}",
                    protocol="HTTPS",
                    port=443,
                )
            )
        return refs

    def answer(
        self,
        accepted: list[str | None],
        *,
        https: bool = True,
        refused: dict[str, RefusalReason] | None = None,
        https_mode: str = "enabled",
        hsts: int = 0,
        addresses: tuple[str, ...] = ("203.0.113.10",),
        default_hostname: str | None = None,
        features: list[str] | None = None,
    ) -> ProviderData:
        """What gateway-api-integrator would answer (as library 1.0 did: no serving states)."""
        if https_mode == "enforced":
            parents = lambda h: [p for p in self.parents(h) if p.protocol == "HTTPS"]  # noqa: E731
        else:
            parents = lambda h: self.parents(h, https=https and h is not None)  # noqa: E731
        return ProviderData(
            gateway_name=GATEWAY,
            gateway_namespace=EDGE,
            https_mode=https_mode,  # type: ignore[arg-type]
            hsts_max_age=hsts,
            addresses=list(addresses),
            default_hostname=default_hostname,
            accepted=[Accepted(hostname=h, parents=parents(h)) for h in accepted],
            refused=[
                Refused(hostname=h, reason=reason, message=f"{h} is not yours: {reason.value}")
                for h, reason in (refused or {}).items()
            ],
            features=features,
        )

    # ----- relations and state ------------------------------------------------------------

    def ingress(
        self,
        app_data: dict[str, str] | None = None,
        units: dict[int, dict[str, str]] | None = None,
        **options: str,
    ) -> testing.Relation:
        """The workload's side: its wire databags (values JSON-encoded strings)."""
        data = (
            app_data
            if app_data is not None
            else {
                "model": f'"{self.model}"',
                "name": f'"{self.workload}"',
                "port": "8080",
                **options,
            }
        )
        return testing.Relation(
            "ingress",
            remote_app_name=self.workload,
            remote_app_data=data,
            remote_units_data=units
            if units is not None
            else {
                0: {
                    "host": json.dumps(
                        f"{self.workload}-0.{self.workload}-endpoints.{self.model}.svc.cluster.local"
                    )
                }
            },
        )

    @staticmethod
    def ca(*certificates: str) -> testing.Relation:
        """receive-ca-cert, as a certificate_transfer v1 provider writes it."""
        data = {"certificates": json.dumps(sorted(certificates)), "version": "1"}
        return testing.Relation(
            "receive-ca-cert",
            remote_app_name="self-signed-certificates",
            remote_app_data=data if certificates else {},
        )

    @staticmethod
    def gateway_route(answer: ProviderData | None) -> testing.Relation:
        return testing.Relation(
            "gateway-route",
            remote_app_name="gateway-api-integrator",
            remote_app_data=encode(answer) if answer is not None else {},
        )

    def state(
        self,
        *relations: testing.Relation,
        config: dict[str, str] | None = None,
        leader: bool = True,
        **kwargs: Any,
    ) -> testing.State:
        return testing.State(
            leader=leader,
            config=config or {},
            relations=list(relations),
            model=testing.Model(name=self.model),
            **kwargs,
        )

    def run(self, state: testing.State, event: Any = None) -> testing.State:
        return self.ctx.run(event or self.ctx.on.config_changed(), state)

    def settle(self, state: testing.State) -> testing.State:
        """Run once, let the gateway controller act, then run again (update-status)."""
        state = self.run(state)
        self.kube.controller.reconcile()
        return self.run(state, self.ctx.on.update_status())

    # ----- reading results ----------------------------------------------------------------

    def routes(self) -> dict[str, dict]:
        return {
            r["metadata"]["name"]: r for r in self.kube.objects("HTTPRoute", namespace=self.model)
        }

    def services(self) -> dict[str, dict]:
        return {
            s["metadata"]["name"]: s for s in self.kube.objects("Service", namespace=self.model)
        }

    def writes(self) -> int:
        return sum(self.kube.count(verb=verb) for verb in WRITES)

    @staticmethod
    def url(state: testing.State) -> str | None:
        """The URL the configurator published on the ingress relation, if any."""
        relations = state.get_relations("ingress")
        raw = relations[0].local_app_data.get("ingress") if relations else None
        return json.loads(raw)["url"] if raw else None

    @staticmethod
    def request_of(state: testing.State) -> dict[str, str]:
        """What the configurator asked the gateway for (its gateway-route databag)."""
        return dict(state.get_relations("gateway-route")[0].local_app_data)


@pytest.fixture
def world(api: KubeDouble) -> World:
    """The charm against the newest Gateway API release, on the double and the real server."""
    return World(api)


@pytest.fixture
def world_any(api_any: KubeDouble) -> World:
    """The same, once per supported Gateway API release and server."""
    return World(api_any)


@pytest.fixture
def double_world(kube: KubeDouble) -> World:
    """On the double only: for tests that inject faults or need the double's own records."""
    return World(kube)
