"""The printed tables, and a description of the machine the figures come from."""

from __future__ import annotations

import os
import platform
from typing import Any

from bench import admission

VERB_ORDER = ("get", "list", "apply", "create", "patch", "update", "delete", "unknown")


def machine() -> dict[str, Any]:
    """CPU count and model, Python version and platform."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _verbs(requests: dict[str, int]) -> str:
    keys = [v for v in VERB_ORDER if v in requests] + sorted(set(requests) - set(VERB_ORDER))
    return " ".join(f"{key.upper()}={requests[key]}" for key in keys) or "-"


def _row(size: dict[str, Any], event: dict[str, Any]) -> str:
    tools = event.get("hook_tools", 0)
    logs = event.get("hook_tools_by_name", {}).get("juju-log", 0)
    return (
        f"{size['tenants']:>5} {size.get('world', 'http'):<5} {event['charm']:<13} "
        f"{event['event']:<31} {event['phase']:<6} {event['median_ms']:>8.1f} "
        f"{event.get('cpu_ms', 0):>8.1f} {f'{tools}/{logs}':>6} "
        f"{event.get('modelled_ms', 0):>9.0f}  {_verbs(event['requests'])}"
    )


def _seconds(ms: float) -> str:
    return f"{ms / 1000:,.1f} s" if ms < 120_000 else f"{ms / 60_000:,.1f} min"


def join_lines(data: dict[str, Any]) -> list[str]:
    """One line per N and world: the modelled time for all N tenants to join and be served."""
    lines = []
    for size in data["sizes"]:
        n, world, joins = size["tenants"], size.get("world", "tls"), size.get("joins")
        head = f"N={n} {world}: modelled time for all {n} tenants to join and be served:"
        if not joins:
            reason = "; ".join(size.get("skipped", [])) or "not measured"
            lines.append(f"{head} not measured ({reason})")
            continue
        total = joins["total"]
        lines.append(
            f"{head} {_seconds(total['modelled_ms'])} ({total['hooks']:,} hooks, "
            f"{total['hook_tools']:,.0f} hook-tool calls x "
            f"{data.get('modelled_ms_per_hook_tool', 20):g} ms + {_seconds(total['wall_ms'])} "
            f"in-process, {_seconds(total['cpu_ms'])} of it charm CPU; joins measured at "
            f"k = {', '.join(str(k) for k in joins['sampled'])})"
        )
    return lines


def _legend(data: dict[str, Any]) -> list[str]:
    m = data["machine"]
    return [
        f"machine: {m['nproc']} CPU(s), {m['cpu']}, Python {m['python']}",
        f"median of {data['repeats']} runs per event (first reconcile of each configurator: "
        "median over all N); API requests and hook-tool calls of one run; Gateway API v1.6.1 "
        "double; cpu: the charm's thread",
        f"modelled = wall + hook tools x {data.get('modelled_ms_per_hook_tool', 20):g} ms "
        f"({data.get('modelled_ms_source', '')})",
        "world tls: enforce-https, certificates issued; http: enforce-https off, no certificates",
        "phases: first (no stored state, empty cluster; tls: the TLS library's refresh skipped, "
        "its data being current), steady (no change), change (one tenant's hostname), remove "
        "(one tenant's relation-broken), arrive (certificates for all N), join (the k-th "
        "tenant's hooks, run once)",
        "tools: hook-tool calls / of which juju-log (ops sends each log record at DEBUG+)",
        "",
        f"{'N':>5} {'world':<5} {'charm':<13} {'event':<31} {'phase':<6} {'wall ms':>8} "
        f"{'cpu ms':>8} {'tools':>6} {'modelled':>9}  requests",
    ]


def render(data: dict[str, Any]) -> str:
    """Plain-text tables of everything in `data`."""
    lines = _legend(data)
    for size in data["sizes"]:
        for event in size["events"]:
            lines.append(_row(size, event))
        lines.append(
            f"{'':>5} served {size['served_hostnames']} hostname(s) on "
            f"{size['holders'].get('Gateway', 0)} Gateway(s) + "
            f"{size['holders'].get('ListenerSet', 0)} ListenerSet(s)"
        )
    lines += ["", "joins: one line per N (method in results.json, sizes[].joins.method):"]
    lines += [f"  {line}" for line in join_lines(data)]
    lines += ["", "zero-write steady state (asserted):"]
    for size in data["sizes"]:
        world = size.get("world", "http")
        lines += [f"  N={size['tenants']} {world}: {check}" for check in size["checks"]]
    lines += [
        "",
        f"cold hook (fresh process, update-status, http world, median of {data['cold_runs']}); "
        f"bare interpreter start {data['interpreter_start_ms']} ms",
        f"{'N':>5} {'charm':<13} {'import ms':>10} {'dispatch ms':>12} {'process ms':>11}",
    ]
    for size in data["sizes"]:
        for charm, cold in size["cold_hook"].items():
            lines.append(
                f"{size['tenants']:>5} {charm:<13} {cold['charm_import_ms']:>10.1f} "
                f"{cold['dispatch_ms']:>12.1f} {cold['process_wall_ms']:>11.1f}"
            )
    lines.append("  (process ms includes the ops.testing harness import, not paid by real hooks)")
    for charm, imports in data["charm_imports_ms"].items():
        heavy = ", ".join(f"{name} {ms:.0f}" for name, ms in imports[:5])
        lines.append(f"  {charm} imports (cumulative ms): {heavy}")
    flow = data["integrate_to_url"]
    lines += [
        "",
        f"integrate -> URL published: {flow['charm_hooks']} charm hooks "
        f"({', '.join(f'{k} {v}' for k, v in flow['by_unit'].items())}; "
        f"{', '.join(f'{k} {v}' for k, v in flow['by_event'].items())}), "
        f"update-status needed: {flow['update_status_needed']}, url {flow['url']}",
    ]
    if "admission" in data:
        lines += ["", *admission.render(data["admission"])]
    lines.append(f"total benchmark time: {data.get('total_seconds', '?')} s")
    return "\n".join(lines)
