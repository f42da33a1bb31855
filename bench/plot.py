"""The PNG next to results.json: hook-tool calls and modelled time per event against N.

Log-log, one colour per event, solid for the default (tls) world and dashed for http. matplotlib
is imported only here, with the Agg backend (requirements-test.txt pins it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_NAME = "scaling.png"

EVENTS: tuple[tuple[str, str, str], ...] = (
    ("first reconcile", "config-changed", "first"),
    ("no change: update-status", "update-status", "steady"),
    ("no change: config-changed", "config-changed", "steady"),
    ("one tenant changed", "gateway-route-relation-changed", "change"),
    ("one tenant removed", "gateway-route-relation-broken", "remove"),
    ("certificates for all N arrive", "certificates-relation-changed", "arrive"),
)
"""(label, event, phase) of the integrator's events; the N-th join and all N joins are added."""

JOIN = "join of the N-th tenant (its 3-4 hooks)"
ALL_JOINS = "all N tenants join (total)"
STYLES = {"tls": ("-", "o"), "http": ("--", "s")}


def series(data: dict[str, Any]) -> dict[tuple[str, str], list[tuple[int, int, float]]]:
    """(label, world) -> [(N, hook-tool calls, modelled seconds)], ascending N."""
    found: dict[tuple[str, str], list[tuple[int, int, float]]] = {}
    for size in data["sizes"]:
        key_world, tenants = size.get("world", "tls"), size["tenants"]
        integrator = [e for e in size["events"] if e["charm"] == "integrator"]
        for label, event, phase in EVENTS:
            for row in integrator:
                if row["event"] == event and row["phase"] == phase:
                    point = (tenants, row["hook_tools"], row["modelled_ms"] / 1000)
                    found.setdefault((label, key_world), []).append(point)
        joins = [e for e in integrator if e["phase"] == "join"]
        if joins:
            last = max(joins, key=lambda e: e.get("tenant", 0))
            point = (tenants, last["hook_tools"], last["modelled_ms"] / 1000)
            found.setdefault((JOIN, key_world), []).append(point)
        total = (size.get("joins") or {}).get("total")
        if total:
            point = (tenants, int(total["hook_tools"]), total["modelled_ms"] / 1000)
            found.setdefault((ALL_JOINS, key_world), []).append(point)
    return {key: sorted(points) for key, points in found.items()}


def _order(labels: list[str]) -> Callable[[tuple[tuple[str, str], Any]], tuple[int, bool]]:
    """Sort series by event (legend order), tls first: the legend shows its style."""
    return lambda item: (labels.index(item[0][0]), item[0][1] != "tls")


def write(data: dict[str, Any], path: Path) -> None:
    """Draw `data` (the results JSON) into a PNG at `path`."""
    import matplotlib  # noqa: PLC0415  # pyright: ignore[reportMissingImports] (bench env only)

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415  # pyright: ignore[reportMissingImports]
    from matplotlib.ticker import (  # noqa: PLC0415  # pyright: ignore[reportMissingImports]
        FuncFormatter,
    )

    figure, (tools, modelled) = pyplot.subplots(1, 2, figsize=(13, 5.5), constrained_layout=True)
    labels = [label for label, _, _ in EVENTS] + [JOIN, ALL_JOINS]
    colours = {label: f"C{i}" for i, label in enumerate(labels)}
    named: set[str] = set()
    for (label, world), points in sorted(series(data).items(), key=_order(labels)):
        line, marker = STYLES.get(world, (":", "x"))
        style = {"color": colours[label], "linestyle": line, "marker": marker}
        legend = "_nolegend_" if label in named else label
        named.add(label)
        counted = [(n, calls) for n, calls, _ in points if calls > 0]  # log scale: no zeros
        if label != ALL_JOINS and counted:  # all joins: a sum over N joins, time only
            tools.plot(*zip(*counted, strict=True), **style)
        timed = [(n, seconds) for n, _, seconds in points if seconds > 0]
        modelled.plot(*zip(*timed, strict=True), label=legend, **style)
    per_call = data.get("modelled_ms_per_hook_tool", 20)
    tools.set_title("integrator: hook-tool calls per event")
    modelled.set_title(f"integrator: modelled time (wall + {per_call:g} ms per hook-tool call)")
    tools.set_ylabel("hook-tool calls")
    modelled.set_ylabel("seconds")
    for axes in (tools, modelled):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("N (configurators, one hostname each)")
        axes.grid(True, which="both", alpha=0.3)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    modelled.legend(fontsize="x-small", loc="upper left")
    figure.suptitle("solid: tls (default deployment); dashed: http; missing points: not measured")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    pyplot.close(figure)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.plot [results.json] [scaling.png]`: redraw without measuring again."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else Path(__file__).resolve().parent / "results.json"
    target = Path(args[1]) if len(args) > 1 else source.with_name(DEFAULT_NAME)
    write(json.loads(source.read_text()), target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
