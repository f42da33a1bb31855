"""How long the API double takes to admit its largest objects, and to start.

Speed goals live here, not in unit tests: a timed assertion fails on a busy machine for
reasons that have nothing to do with the code. The figures go into the benchmark's JSON.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable
from typing import Any

from lightkube.resources.core_v1 import Service

from kubedouble import KubeDouble
from kubedouble.validation import Validator

GW = "gateway.networking.k8s.io/v1"
# Admission memoises verdicts on content: every "first" admission gets content never seen.
_FRESH = itertools.count()


def _gateway() -> dict[str, Any]:
    run = next(_FRESH)
    listeners = [
        {
            "name": f"l{i}",
            "port": 443,
            "protocol": "HTTPS",
            "hostname": f"h{i}.run{run}.bench.example.com",
            "tls": {"certificateRefs": [{"name": f"s{i}"}]},
        }
        for i in range(64)
    ]
    spec = {"gatewayClassName": "bench", "listeners": listeners}
    return {"apiVersion": GW, "kind": "Gateway", "metadata": _meta(), "spec": spec}


def _route_16_rules() -> dict[str, Any]:
    run = next(_FRESH)
    rules = [
        {
            "matches": [{"path": {"type": "PathPrefix", "value": f"/run{run}/p{i}"}}],
            "filters": [
                {
                    "type": "ResponseHeaderModifier",
                    "responseHeaderModifier": {"set": [{"name": f"X-{i}", "value": "1"}]},
                }
            ],
            "backendRefs": [{"name": f"svc{i}", "port": 80}],
        }
        for i in range(16)
    ]
    spec = {"parentRefs": [{"name": "big"}], "rules": rules, "hostnames": [_host()]}
    return {"apiVersion": GW, "kind": "HTTPRoute", "metadata": _meta(), "spec": spec}


def _redirect_32_parents() -> dict[str, Any]:
    redirect = {
        "type": "RequestRedirect",
        "requestRedirect": {"scheme": "https", "statusCode": 301},
    }
    spec = {
        "parentRefs": [
            {"name": "big", "sectionName": f"http-h{i}-run{next(_FRESH)}"} for i in range(32)
        ],
        "rules": [{"filters": [redirect]}],
        "hostnames": [_host()],
    }
    return {"apiVersion": GW, "kind": "HTTPRoute", "metadata": _meta(), "spec": spec}


def _meta() -> dict[str, str]:
    return {"name": "big", "namespace": "default"}


def _host() -> str:
    return f"r{next(_FRESH)}.bench.example.com"


OBJECTS: dict[str, Callable[[], dict[str, Any]]] = {
    "Gateway, 64 HTTPS listeners": _gateway,
    "HTTPRoute, 16 rules": _route_16_rules,
    "HTTPRoute, 32 parentRefs (redirect)": _redirect_32_parents,
}


def _ms(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def measure(version: str, repeats: int) -> dict[str, Any]:
    """Median ms to admit each object first and unchanged, and to start, use, stop a double."""
    validator = Validator(version)
    objects = {}
    for name, build in OBJECTS.items():
        first = _ms(lambda build=build: validator.admit(build(), None), repeats)
        stored = validator.admit(build(), None).obj
        again = _ms(lambda stored=stored: validator.admit(stored, stored), repeats)
        objects[name] = {"first_ms": first, "unchanged_ms": again}

    def start_list_stop() -> None:
        with KubeDouble(version) as kube:
            list(kube.client().list(Service))

    KubeDouble(version)  # parse the CRDs once, as a test session does
    return {
        "gateway_api": version,
        "objects": objects,
        "double_start_list_stop_ms": _ms(start_list_stop, repeats),
    }


def render(data: dict[str, Any]) -> list[str]:
    """Lines for the printed report."""
    lines = [f"API double admission (Gateway API {data['gateway_api']}, median ms)"]
    for name, figures in data["objects"].items():
        first, again = figures["first_ms"], figures["unchanged_ms"]
        lines.append(f"  {name:<38} first {first:>8.1f}   unchanged {again:>6.1f}")
    lines.append(f"  start, one LIST, stop a double: {data['double_start_list_stop_ms']:.1f}")
    return lines
