"""The demo's printed report: statuses, URLs, objects, DNS records, certificate checks."""

from __future__ import annotations

from collections.abc import Sequence

from bundlesim.certificates import CertificateCheck
from bundlesim.dnsprovider import DnsProviderApp, Record, Snapshot
from bundlesim.runner import ActionRecord, BundleRun
from bundlesim.summaries import owned_objects, summary

STAND_INS = ("tls-provider", "workload", "dns", "canonical-gateway")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table; a newline in the last column continues it on the next lines."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers) - 1)]
    indent = sum(widths) + 2 * len(widths)
    lines = []
    for row in [headers, ["-" * len(h) for h in headers], *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        first, *more = str(row[-1]).split("\n")
        lines.append("  ".join([*cells, first]).rstrip())
        lines += [" " * indent + line for line in more]
    return "\n".join(lines)


def status_rows(run: BundleRun) -> list[list[str]]:
    """One row per unit of each charm, and one per stand-in application."""
    rows = []
    for name, app in run.scenario.applications.items():
        charm = run.charm(name)
        if name not in run.sim.apps:
            rows.append([name, app.model, charm, "(removed)"])
        elif charm in STAND_INS:
            units = len(run.sim.units(name))
            rows.append([name, app.model, charm, f"stand-in, {units} unit(s)"])
        else:
            status = run.sim.status(name)
            for unit, unit_status in status.units.items():
                leader = "*" if unit == status.leader else ""
                rows.append([f"{unit}{leader}", app.model, charm, str(unit_status)])
    return rows


def url_rows(run: BundleRun) -> list[list[str]]:
    """Every workload and the URL it was given (or that it has none)."""
    return [[name, url or "(none published)"] for name, url in run.urls().items()]


def object_rows(run: BundleRun) -> list[list[str]]:
    """Every object a charm created, with a short summary."""
    rows = []
    for obj in owned_objects(run.objects()):
        meta = obj["metadata"]
        where = f"{meta.get('namespace', '')}/{meta['name']}"
        rows.append([obj["kind"], where, "\n".join(summary(obj))])
    return rows


def _certificate_lines(check: CertificateCheck) -> list[str]:
    rows = (
        ("served from Secret", check.secret or "(no HTTPS listener for it)"),
        ("subject", check.subject),
        ("issuer", check.issuer),
        ("serial", check.serial),
        ("sha256 served", check.served or "-"),
        ("sha256 signed", check.signed or "-"),
        ("sha256 action", check.reported or "-"),
    )
    lines = [f"  {label:<20}{value}" for label, value in rows]
    return [*lines, f"  matches: {'yes' if check.matches else 'NO'}"]


def _action_lines(record: ActionRecord) -> list[str]:
    outcome = record.outcome
    if record.certificate is not None:
        return _certificate_lines(record.certificate)
    return [f"  failed: {outcome.failure}" if outcome.failure else f"  {dict(outcome.results)}"]


def served_rows(provider: DnsProviderApp) -> list[list[str]]:
    """Every record the DNS stand-in serves now, and who it is there for."""
    rows = []
    for record in provider.served:
        owners = sorted(
            {d.request.requirer for d in provider.decisions if d.request.record == record}
        )
        origin = ", ".join(owners) if owners else ""
        if record in provider.existing:
            origin = "existing" + (f", {origin}" if origin else "")
        rows.append([record.name, str(record.ttl), record.record_type, record.record_data, origin])
    return rows


def answer_rows(provider: DnsProviderApp) -> list[list[str]]:
    """The DNS stand-in's answer to each entry, by requirer and record (UUIDs left out)."""
    rows = []
    for decision in provider.decisions:
        record = decision.request.record
        what = str(record) if record else f"(invalid: {'; '.join(decision.request.errors)})"
        verdict = decision.status or "(no answer)"
        if decision.description and record is not None:
            verdict += f": {decision.description}"
        rows.append([decision.request.requirer, what, verdict])
    return rows


def change_lines(history: Sequence[Snapshot]) -> list[str]:
    """Per step, the records added (+) and withdrawn (-), and the entries refused (!)."""
    lines: list[str] = []
    before: tuple[Record, ...] = ()
    for snapshot in history:
        added = [f"    + {r}" for r in snapshot.served if r not in before]
        removed = [f"    - {r}" for r in before if r not in snapshot.served]
        refused = [
            f"    ! {d.request.record or d.request.uuid}: {d.status or 'no answer'}"
            for d in snapshot.decisions
            if d.status != "approved"
        ]
        lines += [f"  {snapshot.label}", *(added + removed + refused or ["    (no change)"])]
        before = snapshot.served
    return lines


def dns_parts(run: BundleRun) -> list[str]:
    """What each DNS stand-in serves, what it answered, and how that changed step by step."""
    parts: list[str] = []
    for name, provider in run.dns.items():
        parts += [
            "",
            f"DNS records served by {name}",
            table(["name", "ttl", "type", "data", "for"], served_rows(provider)),
            "",
            f"Answers from {name} (dns_record)",
            table(["requirer", "entry", "status"], answer_rows(provider)),
            "",
            f"DNS changes at {name}, by step",
            *change_lines(provider.history),
        ]
    return parts


def render(run: BundleRun) -> str:
    """The whole report."""
    parts = [
        "Applications (* leader)",
        table(["unit", "model", "charm", "status"], status_rows(run)),
        "",
        "URLs published to workloads",
        table(["workload", "url"], url_rows(run)),
        "",
        "Objects created by the charms",
        table(["kind", "namespace/name", "summary"], object_rows(run)),
        *dns_parts(run),
    ]
    for record in run.actions:
        parts += ["", f"juju run {record.call}", *_action_lines(record)]
    return "\n".join(parts)
