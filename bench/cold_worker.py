"""Run in a fresh interpreter: import one charm, then dispatch one event (bench.cold).

Timestamps split the hook into: importing ops and the charm (what every real hook pays), the
ops.testing harness (only here, not counted), and dispatching the event (ops + reconcile).
Prints one JSON line.
"""

import time

START = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> None:
    """`python -m bench.cold_worker <integrator|configurator> <spec.json>`."""
    charm, spec_path = sys.argv[1], sys.argv[2]
    # Imports inside the function on purpose: their cost is what is being timed.
    if charm == "integrator":
        import integrator.charm  # noqa: F401, PLC0415
    else:
        import configurator.charm  # noqa: F401, PLC0415
    imported = time.perf_counter()

    from bench import worlds  # noqa: PLC0415 (ops.testing: harness only)

    spec = json.loads(Path(spec_path).read_text())
    if charm == "integrator":
        ctx = worlds.integrator_context()
        state = worlds.integrator_state(spec["tenants"], spec.get("world", "tls"))
    else:
        ctx = worlds.configurator_context()
        state = worlds.Tenant(spec["index"], spec["answer"]).state()
    ready = time.perf_counter()
    ctx.run(ctx.on.update_status(), state)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "charm_import_ms": (imported - START) * 1000,
                "harness_ms": (ready - imported) * 1000,
                "dispatch_ms": (done - ready) * 1000,
            }
        )
    )


if __name__ == "__main__":
    main()
