"""(d) Events from `juju integrate <workload> <configurator>` to the workload's URL, on modelsim.

The gateway and the configurator are deployed and related first; the count starts at the
integrate. The Gateway API controller writes status between rounds; nothing calls update-status
(on every unit, as Juju does) unless the URL cannot be published otherwise, and the count says
how many rounds of it were needed.
"""

from __future__ import annotations

import json
from tempfile import TemporaryDirectory
from typing import Any

from charmspecs import charmcraft_path
from configurator.charm import GatewayRouteConfiguratorCharm
from integrator.charm import GatewayApiIntegratorCharm
from kubedouble import KubeDouble
from modelsim import Simulation, WorkloadRequirer


def _url(workload: WorkloadRequirer) -> str | None:
    raw = workload.answer.get("ingress")
    return json.loads(raw).get("url") if raw else None


def events_to_url() -> dict[str, Any]:
    """Deploy, then count what one new workload costs until its URL is published."""
    with TemporaryDirectory(), KubeDouble("v1.6.1") as kube, Simulation(kube=kube) as sim:
        kube.seed(
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "GatewayClass",
                "metadata": {"name": "cilium"},
                "spec": {"controllerName": "example.com/cilium"},
            }
        )
        sim.between_rounds(lambda s: kube.controller.reconcile(addresses=["10.0.0.1"]))
        sim.add_app(
            "gateway",
            GatewayApiIntegratorCharm,
            charmcraft_path("gateway-api-integrator"),
            model="infra",
            config={"enforce-https": False},
        )
        sim.add_app(
            "route",
            GatewayRouteConfiguratorCharm,
            charmcraft_path("gateway-route-configurator"),
            model="apps",
            config={"hostname": "web.example.com"},
        )
        sim.relate("route", "gateway")
        sim.settle()
        workload = WorkloadRequirer(
            "ingress",
            "ingress",
            app_data={"name": '"web"', "model": '"apps"', "port": "8080"},
            unit_data=lambda n: {"host": json.dumps(f"web-{n}.web-endpoints.apps.svc")},
        )
        sim.add_participant("web", workload, model="apps")
        start = len(sim.trace)
        sim.relate("web", "route")
        rounds = sim.settle()
        update_status_needed = 0
        while _url(workload) is None and update_status_needed < 3:
            update_status_needed += 1
            # Juju runs update-status on every unit (every 5 minutes by default): the gateway
            # learns there that the controller programmed the listener, then the configurator.
            sim.update_status()
            rounds += sim.settle()
        delivered = sim.trace[start:]
        hooks = [e for e in delivered if e.event != "participant"]
        return {
            "url": _url(workload),
            "charm_hooks": len(hooks),
            "by_unit": _count(e.target for e in hooks),
            "by_event": _count(e.event for e in hooks),
            "settle_rounds": rounds,
            "update_status_needed": update_status_needed,
        }


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[str(item)] = counts.get(str(item), 0) + 1
    return dict(sorted(counts.items()))
