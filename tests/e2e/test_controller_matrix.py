"""Every controller profile x (ListenerSet overflow or not) x (TLS or not) x (backend TLS or not).

The charms must never claim traffic that does not flow: whatever the controller implements or
refuses, no workload is given a URL, and no charm is Active, unless the data plane would carry
the request; and every workload whose hostname would carry it is given its URL. "Would carry" is
judged by `bundlesim.dataplane`, from the objects and the status the controller wrote, by the
spec's rules, not by the charms' code. Backend TLS is the third tenant of every cell: a workload
that serves https, with the CA from the TLS provider's `send-ca-cert`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest

from bundlesim import BundleRun, Deployer, unit_status
from bundlesim.dataplane import flows, gateway_hostnames
from bundlesim.scenario import parse_scenario
from bundlesim.views import APPLICATION_LABEL
from kubedouble.profiles import PROFILES

GATEWAY = "gateway-api-integrator"
TLS = "self-signed-certificates"
BACKEND_TLS_TENANT = 2  # the tenant whose workload serves https
TALLY: Counter[str] = Counter()


def _tenant_hostnames(overflow: bool, tls: bool) -> list[list[str]]:
    """Hostnames per tenant: past one Gateway's 64 listeners when `overflow`."""
    if not overflow:
        return [[f"t{t}.example.com"] for t in range(3)]
    # With TLS each hostname takes two listeners (HTTP and HTTPS), without it one.
    tenants, each = (4, 9) if tls else (7, 10)
    return [[f"h{h}.t{t}.example.com" for h in range(each)] for t in range(tenants)]


def _scenario(profile: str, overflow: bool, tls: bool) -> dict[str, Any]:
    applications: dict[str, Any] = {
        GATEWAY: {"charm": GATEWAY, "model": "infra", "config": {"enforce-https": tls}},
        TLS: {"charm": "tls-provider", "model": "infra"},
    }
    relations = [[f"{GATEWAY}:certificates", f"{TLS}:certificates"]] if tls else []
    for number, hostnames in enumerate(_tenant_hostnames(overflow, tls)):
        name, model = f"t{number}", f"t{number}"
        app: dict[str, Any] = {"port": 8080}
        if number == BACKEND_TLS_TENANT:
            app = {"port": 8443, "scheme": "https"}
        applications[name] = {"charm": "workload", "model": model, "ingress": {"app": app}}
        config = {"hostname": hostnames[0]}
        if hostnames[1:]:
            config["additional-hostnames"] = ",".join(hostnames[1:])
        applications[f"{name}-route"] = {
            "charm": "gateway-route-configurator",
            "model": model,
            "config": config,
        }
        relations += [
            [f"{name}:ingress", f"{name}-route:ingress"],
            [f"{name}-route:gateway-route", f"{GATEWAY}:gateway-route"],
        ]
        if number == BACKEND_TLS_TENANT:
            relations.append([f"{name}-route:receive-ca-cert", f"{TLS}:send-ca-cert"])
    return {
        "description": f"matrix: {profile}, overflow={overflow}, tls={tls}",
        "cluster": {"gateway-api": "v1.6.1"},
        "controller": {"profile": profile},
        "applications": applications,
        "relations": relations,
    }


def _refuse_a_certificate(run: BundleRun) -> None:
    """The controller finds tenant 0's certificate unusable (InvalidCertificateRef)."""
    gateway = run.kube.read("Gateway", GATEWAY, "infra")
    for listener in gateway["spec"]["listeners"]:
        if listener["protocol"] == "HTTPS" and listener["hostname"].endswith("t0.example.com"):
            secret = listener["tls"]["certificateRefs"][0]["name"]
            run.kube.controller.reject_certificate("infra", secret)
            TALLY["certificates refused"] += 1
            return


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "http"])
@pytest.mark.parametrize("overflow", [False, True], ids=["one-gateway", "overflow"])
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_nothing_is_claimed_that_does_not_flow(
    deploy: Deployer, profile: str, overflow: bool, tls: bool
) -> None:
    data = _scenario(profile, overflow, tls)
    run = deploy.run(parse_scenario(data, f"matrix-{profile}"))
    if profile == "strict-certificates" and tls:
        _refuse_a_certificate(run)
    # Charms read status a controller wrote at their next event (Juju sends none for it): one
    # more update-status tick, as the real timer gives, before the outcome is judged.
    run.apply("settle")
    TALLY["cells"] += 1

    flowing = flows(run.kube, tls_backends=[f"t{BACKEND_TLS_TENANT}"])
    tenants = _tenant_hostnames(overflow, tls)
    for number, hostnames in enumerate(tenants):
        namespace, workload = f"t{number}", f"t{number}"
        url = run.url(workload)
        status = unit_status(run, f"{workload}-route/0")
        mine = {(scheme, host) for scheme, host in flowing.get(namespace, set())}
        mine = {(s, h) for s, h in mine if h in hostnames and (s == "https" or not tls)}
        TALLY["tenants"] += 1
        if url is not None:
            parts = urlsplit(url)
            assert (parts.scheme, parts.hostname) in mine, (url, status, mine)
            TALLY["urls published, traffic flows"] += 1
        if status.startswith("active"):
            assert url is not None, status
        if mine:
            assert url is not None, (workload, status, mine)
        else:
            TALLY["tenants whose traffic would not flow (no URL, not active)"] += 1
            assert not status.startswith("active"), status

    served = gateway_hostnames(run.kube, APPLICATION_LABEL, GATEWAY)
    gateway_status = unit_status(run, f"{GATEWAY}/0")
    if gateway_status.startswith("active"):
        assert served, gateway_status
        assert all(served.values()), (gateway_status, served)
        TALLY["gateways active, every hostname programmed"] += 1
    else:
        TALLY["gateways not active"] += 1
    TALLY["hostnames flowing"] += sum(len(v) for v in flowing.values())
