"""`python -m bench [--sizes 1,10,100,1000] [--worlds tls,http] [--repeats 5] [--out ...]`.

Writes the JSON and, next to it, a PNG of hook-tool calls and modelled time per event against N
(`--plot PATH` elsewhere, `--no-plot` for none).
"""

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

from bench import admission, flow, plot
from bench.cold import interpreter_start_ms, top_imports
from bench.hooktools import MODELLED_MS_PER_CALL
from bench.joins import JOIN_SAMPLES
from bench.measure import TOOLS
from bench.report import machine, render
from bench.sweep import TLS_CHANGE_MAX, Options, SizeResult, run_size

DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1,10,100,1000", help="configurator counts")
    parser.add_argument("--worlds", default="tls,http", help="tls (the default deployment), http")
    parser.add_argument("--repeats", type=int, default=5, help="runs per event (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per charm")
    parser.add_argument(
        "--tls-change-max",
        type=int,
        default=TLS_CHANGE_MAX,
        help="largest N at which, with TLS on, joins, a tenant's change or removal and "
        "certificates arriving are measured (each runs the TLS library's ~1.5·N² refresh)",
    )
    parser.add_argument(
        "--join-samples", type=int, default=JOIN_SAMPLES, help="joins measured per N (k = 1..N)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON goes")
    parser.add_argument("--plot", type=Path, help="where the PNG goes (default: next to --out)")
    parser.add_argument("--no-plot", action="store_true", help="write no PNG")
    return parser


def _size(result: SizeResult) -> dict[str, Any]:
    return {
        "tenants": result.tenants,
        "world": result.world,
        "served_hostnames": result.served_hostnames,
        "holders": result.holders,
        "events": [s.as_json() for s in result.samples],
        "cold_hook": result.cold,
        "checks": result.checks,
        "joins": result.joins,
        "skipped": result.skipped,
    }


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the tables, write the JSON and PNG; non-zero on a violation."""
    args = _parser().parse_args(argv)
    logging.disable(logging.WARNING)  # the charms log every apply; the tables are the output
    warnings.simplefilter("ignore")  # ops.testing's consistency hints about remote units

    started = time.perf_counter()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    options = Options(
        repeats=max(args.repeats, 1),
        cold_runs=args.cold_runs,
        tls_change_max=args.tls_change_max,
        join_samples=max(args.join_samples, 2),
    )
    results = []
    with TOOLS.installed():
        for n in sizes:
            for world in [w for w in args.worlds.split(",") if w]:
                begun = time.perf_counter()
                results.append(run_size(n, world, options))
                took = time.perf_counter() - begun
                print(f"N={n} {world}: measured in {took:.1f}s", file=sys.stderr)
    data: dict[str, Any] = {
        "machine": machine(),
        "repeats": args.repeats,
        "cold_runs": args.cold_runs,
        "gateway_api": "v1.6.1 (ListenerSet served)",
        "modelled_ms_per_hook_tool": MODELLED_MS_PER_CALL,
        "modelled_ms_source": "issue 17's assumption (~10-30 ms per hook-tool call), not measured",
        "tls_change_max": options.tls_change_max,
        "interpreter_start_ms": round(interpreter_start_ms(max(args.cold_runs, 3)), 1),
        "charm_imports_ms": {
            charm: top_imports(charm) for charm in ("integrator", "configurator")
        },
        "sizes": [_size(r) for r in results],
        "integrate_to_url": flow.events_to_url(),
        "admission": admission.measure("v1.6.1", max(args.repeats, 1)),
    }
    data["total_seconds"] = round(time.perf_counter() - started, 1)
    print(render(data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"\nwrote {os.path.relpath(args.out)} ({platform.python_version()})")
    if not args.no_plot:
        image = args.plot or args.out.with_name(plot.DEFAULT_NAME)
        plot.write(data, image)
        print(f"wrote {os.path.relpath(image)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
