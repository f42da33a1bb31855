"""`make demo`: run a scenario on the simulation, print what came of it, optionally write files.

python -m bundlesim.demo [--scenario scenarios/default.yaml] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bundlesim.outputs import write_outputs
from bundlesim.report import render
from bundlesim.runner import BundleRun
from bundlesim.scenario import ScenarioError, load_scenario
from bundlesim.views import shipped_scenario
from modelsim import HookFailed, NotSettled, SimulationError

DEFAULT_SCENARIO = shipped_scenario("default")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; 0 on success, 1 when the run failed, 2 for a bad scenario."""
    parser = argparse.ArgumentParser(
        prog="make demo", description="Run a scenario on the simulation."
    )
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario YAML")
    parser.add_argument(
        "--out", type=Path, help="write objects.yaml, relations.json, statuses.json here"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as error:
        print(f"bad scenario {error.source}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(
        f"Scenario {args.scenario}" + (f": {scenario.description}" if scenario.description else "")
    )
    try:
        with BundleRun(scenario) as run:
            run.run_steps()
            print()
            print(render(run))
            if args.out is not None:
                written = write_outputs(run, args.out)
                print()
                print("Wrote " + ", ".join(str(p) for p in written))
    except (HookFailed, NotSettled, SimulationError) as error:
        print(f"the run failed: {error}", file=sys.stderr)
        return 1
    print(f"\nDone in {time.monotonic() - started:.1f} s ({len(run.sim.trace)} events delivered).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
