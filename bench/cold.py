"""(c) One hook in a fresh Python process: interpreter start, imports, dispatch.

The worker dispatches through ops.testing, which stands in for Juju's hook tools: a real hook
also pays one `relation-get` subprocess per databag read, which no in-process figure includes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [
        ROOT / "libs",
        ROOT / "gateway-api-integrator" / "src",
        ROOT / "gateway-route-configurator" / "src",
        ROOT / "tests" / "support",
        ROOT,
    ]
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    env["PYTHONDONTWRITEBYTECODE"] = "0"  # a deployed charm has its .pyc files
    return env


def interpreter_start_ms(runs: int) -> float:
    """Median wall time of `python -c pass`: the floor every hook pays."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def hook(charm: str, spec: dict[str, Any], runs: int) -> dict[str, Any]:
    """Median figures of `runs` fresh processes dispatching update-status."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    rows = []
    walls = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "bench.cold_worker", charm, handle.name],
                check=True,
                capture_output=True,
                text=True,
                env=_env(),
                cwd=ROOT,
            )
            walls.append((time.perf_counter() - start) * 1000)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        os.unlink(handle.name)
    result = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    result["process_wall_ms"] = statistics.median(walls)
    return {key: round(value, 1) for key, value in result.items()}


def top_imports(charm: str, count: int = 8) -> list[tuple[str, float]]:
    """The charm module's heaviest direct imports (cumulative ms), from `-X importtime`."""
    module = "integrator.charm" if charm == "integrator" else "configurator.charm"
    done = subprocess.run(  # noqa: S603 (our own interpreter, a fixed module name)
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    found: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        _self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth == 1:  # what the charm module itself imports (depth 0 is the charm)
            found.append((name.strip(), int(cumulative_us) / 1000))
    return sorted(found, key=lambda item: item[1], reverse=True)[:count]
