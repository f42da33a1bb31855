"""`python -m bench [--sizes 1,10,100,1000] [--worlds tls,http] [--repeats 5] [--out ...]`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from bench import admission, flow
from bench.cold import interpreter_start_ms, top_imports
from bench.hooktools import MODELLED_MS_PER_CALL
from bench.measure import TOOLS
from bench.report import machine, render
from bench.sweep import run_size

DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the tables, write the JSON; non-zero on a violation."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1,10,100,1000", help="configurator counts")
    parser.add_argument("--worlds", default="tls,http", help="tls (the default deployment), http")
    parser.add_argument("--repeats", type=int, default=5, help="runs per event (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per charm")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON goes")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the charms log every apply; the tables are the output
    warnings.simplefilter("ignore")  # ops.testing's consistency hints about remote units

    started = time.perf_counter()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    results = []
    with TOOLS.installed():
        for n in sizes:
            for world in [w for w in args.worlds.split(",") if w]:
                begun = time.perf_counter()
                results.append(run_size(n, max(args.repeats, 1), args.cold_runs, world))
                took = time.perf_counter() - begun
                print(f"N={n} {world}: measured in {took:.1f}s", file=sys.stderr)
    data: dict[str, Any] = {
        "machine": machine(),
        "repeats": args.repeats,
        "cold_runs": args.cold_runs,
        "gateway_api": "v1.6.1 (ListenerSet served)",
        "modelled_ms_per_hook_tool": MODELLED_MS_PER_CALL,
        "modelled_ms_source": "issue 17's assumption (~10-30 ms per hook-tool call), not measured",
        "interpreter_start_ms": round(interpreter_start_ms(max(args.cold_runs, 3)), 1),
        "charm_imports_ms": {
            charm: top_imports(charm) for charm in ("integrator", "configurator")
        },
        "sizes": [
            {
                "tenants": r.tenants,
                "world": r.world,
                "served_hostnames": r.served_hostnames,
                "holders": r.holders,
                "events": [s.as_json() for s in r.samples],
                "cold_hook": r.cold,
                "checks": r.checks,
            }
            for r in results
        ],
        "integrate_to_url": flow.events_to_url(),
        "admission": admission.measure("v1.6.1", max(args.repeats, 1)),
    }
    data["total_seconds"] = round(time.perf_counter() - started, 1)
    print(render(data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"\nwrote {os.path.relpath(args.out)} ({platform.python_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
