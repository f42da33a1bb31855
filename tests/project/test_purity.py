"""The pure cores really are pure at run time, not only in import-linter's static graph.

import-linter checks the imports each module names; this checks what importing a plan package
actually loads, package `__init__` files included, in a fresh interpreter.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "integrator.plan",
    "configurator.plan",
    "dns_record",
    "gateway_route",
    "http_routes",
    "ingress_v2",
    "reconcile",
    "kube_objects",
]
HEAVY = ("ops", "lightkube", "httpx2", "charmlibs", "kube_apply")


@pytest.mark.parametrize("module", PURE)
def test_importing_a_pure_package_loads_no_client_and_no_ops(module: str):
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    paths = ["libs", "gateway-api-integrator/src", "gateway-route-configurator/src"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in paths)}
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed program)
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stdout) == []
