"""Secrets hygiene: private key material never appears outside the TLS Secrets' `tls.key`.

The whole default scenario (`scenarios/default.yaml`, run by bundlesim over modelsim) is played,
then get-certificate for every hostname, a renewal, a revocation, and the removal of the TLS
relation. Everything an operator or another charm could see is collected on the way:

- every log record at DEBUG and above (a root handler, as caplog has) and every juju-log line
  each unit's ops.testing Context saw;
- every relation databag, after every delivered event (not only at the end);
- every action's results, logs and failure message;
- every unit and application status, after every event, plus ops.testing's status histories;
- each unit's stored state;
- every request body the API double received and every object it stores, with the `tls.key`
  of TLS Secrets cut out (that is where the key is meant to be).

Key material is searched as: any PEM private-key header or footer, every base64 body line of
each private key in play (the gateway's, from its Juju secret, and the TLS provider's CA key),
and the base64 form of the gateway's key PEM as it is stored in the Secret (whole, and in
64-character chunks so a truncated copy still counts).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bundlesim import REPO_ROOT, BundleRun, Step, load_scenario

PEM_PRIVATE = re.compile(r"PRIVATE KEY-----")
SECRET_VERBS = frozenset({"create", "update", "patch", "apply"})
HOSTNAMES = ("shop.example.com", "blog.example.com")
MIN_NEEDLE = 24
"""Shorter base64 fragments (a PEM's last line) could match by chance; longer ones cannot."""


@dataclasses.dataclass(frozen=True)
class Haystack:
    """One thing someone could read, and where it came from."""

    where: str
    text: str


@dataclasses.dataclass
class Capture:
    """Everything visible, collected while the scenario runs."""

    # Nothing here is shown in failure reports: some of it is key material.
    logs: list[logging.LogRecord] = dataclasses.field(default_factory=list, repr=False)
    databags: list[Haystack] = dataclasses.field(default_factory=list, repr=False)
    statuses: list[Haystack] = dataclasses.field(default_factory=list, repr=False)
    actions: list[Haystack] = dataclasses.field(default_factory=list, repr=False)
    key_holders: dict[str, tuple[str, bool]] = dataclasses.field(default_factory=dict)
    """Juju secrets holding a private key: id -> (owner application, granted to anyone)."""
    juju_keys: set[str] = dataclasses.field(default_factory=set, repr=False)
    """Private keys seen in Juju secrets (the TLS library may remove its secret later)."""

    def snapshot(self, run: BundleRun, label: str) -> None:
        self.databags.append(Haystack(f"databags {label}", json.dumps(run.sim.databags())))
        self.statuses.append(Haystack(f"statuses {label}", json.dumps(run.sim.statuses())))
        for record in run.sim.secrets.records.values():
            keys = [
                value
                for content in record.revisions.values()
                for value in content.values()
                if PEM_PRIVATE.search(value)
            ]
            if keys:
                self.juju_keys.update(keys)
                granted = any(record.grants.values())
                self.key_holders[record.id] = (record.owner_app, granted)


def key_pems(run: BundleRun, capture: Capture) -> list[str]:
    """Every private key in play: the gateway's and the CA's.

    The gateway's comes from its Juju secret and from what was sent to the API; the CA's never
    leaves the provider, so a copy of it anywhere is a leak too.
    """
    keys = sorted(capture.juju_keys)
    keys.extend(str(app.provider._key) for app in run.tls.values())
    return keys + sent_keys(run)


def needles(pems: list[str]) -> list[str]:
    """What counts as key material: body lines, and the Secret's base64 form of each PEM."""
    found: set[str] = set()
    for pem in pems:
        found.update(
            line.strip()
            for line in pem.splitlines()
            if "-----" not in line and len(line.strip()) >= MIN_NEEDLE
        )
        encoded = base64.b64encode(pem.encode()).decode()
        found.add(encoded)
        found.update(encoded[i : i + 64] for i in range(0, len(encoded) - 63, 64))
    return sorted(found)


def without_tls_key(obj: Any) -> Any:
    """An object or request body with the `tls.key` of a TLS Secret removed."""
    if isinstance(obj, dict) and obj.get("kind") == "Secret":
        data = {k: v for k, v in (obj.get("data") or {}).items() if k != "tls.key"}
        return {**obj, "data": data}
    return obj


def kube_haystacks(run: BundleRun) -> Iterator[Haystack]:
    for index, record in enumerate(run.kube.requests):
        where = f"request #{index} {record.verb} {record.kind} {record.namespace}/{record.name}"
        if record.kind == "Secret" and record.verb in SECRET_VERBS:
            yield Haystack(where, json.dumps(without_tls_key(record.body), default=str))
        else:
            yield Haystack(where, json.dumps(record.body, default=str))
    for obj in run.kube.objects():
        meta = obj["metadata"]
        where = f"stored {obj['kind']} {meta.get('namespace')}/{meta['name']}"
        yield Haystack(where, json.dumps(without_tls_key(obj)))
    yield Haystack("admission warnings", "\n".join(run.kube.warnings))


def unit_haystacks(run: BundleRun) -> Iterator[Haystack]:
    for app in run.sim.apps.values():
        for unit in app.units.values():
            context = unit.context
            if context is not None:
                yield Haystack(
                    f"juju-log {unit.name}", "\n".join(line.message for line in context.juju_log)
                )
                history = [*context.unit_status_history, *context.app_status_history]
                yield Haystack(
                    f"status history {unit.name}", "\n".join(s.message for s in history)
                )
    for unit, state in run.sim.last_output.items():
        stored = [json.dumps(s.content, default=str) for s in state.stored_states]
        yield Haystack(f"stored state {unit}", "\n".join(stored))


def leaks(haystacks: list[Haystack], keys: list[str]) -> list[str]:
    """Where key material was found, one line per (place, kind of match)."""
    found: list[str] = []
    for stack in haystacks:
        if PEM_PRIVATE.search(stack.text):
            found.append(f"{stack.where}: PEM private-key header")
        hits = [needle for needle in keys if needle in stack.text]
        if hits:
            found.append(f"{stack.where}: {len(hits)} fragment(s) of a private key")
    return found


class Collector(logging.Handler):
    """Keeps every record logged anywhere in the process (what caplog does, module-wide)."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def all_logs(records: list[logging.LogRecord]) -> Iterator[None]:
    root = logging.getLogger()
    handler, level = Collector(records), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


EXTRA_STEPS: list[dict[str, Any]] = [
    *({"action": f"gateway-api-integrator/0 get-certificate hostname={h}"} for h in HOSTNAMES),
    {"action": "gateway-api-integrator/0 get-certificate hostname=unknown.example.com"},
    {"renew-certificate": "shop.example.com"},
    {"revoke-certificate": "blog.example.com"},
    *({"action": f"gateway-api-integrator/0 get-certificate hostname={h}"} for h in HOSTNAMES),
    {"unrelate": ["gateway-api-integrator:certificates", "self-signed-certificates"]},
]
"""After the scenario's own steps: every hostname's certificate, a renewal, a revocation."""


@pytest.fixture(scope="module")
def played() -> Iterator[tuple[BundleRun, Capture]]:
    """The default scenario and EXTRA_STEPS, played once, with everything visible captured."""
    run = BundleRun(load_scenario(REPO_ROOT / "scenarios" / "default.yaml"))
    capture = Capture()
    record = run.sim._record

    def recording(*args: Any, **kwargs: Any) -> None:
        # Called once per delivered event, before its output is absorbed: snapshotting here
        # sees what every previous event wrote, including values overwritten later.
        capture.snapshot(run, str(len(run.sim.trace)))
        record(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch, all_logs(capture.logs), run:
        patch.setattr(run.sim, "_record", recording)
        run.run_steps()
        for step in EXTRA_STEPS:
            run.apply(Step.model_validate(step))
        capture.snapshot(run, "end")
        for item in run.actions:
            outcome = item.outcome
            capture.actions.append(
                Haystack(
                    f"action {item.call}",
                    json.dumps(
                        {
                            "results": dict(outcome.results),
                            "logs": outcome.logs,
                            "failure": outcome.failure,
                        }
                    ),
                )
            )
        yield run, capture


def sent_keys(run: BundleRun) -> list[str]:
    """The `tls.key` values as sent to the API (base64 of the PEM), and their PEMs."""
    values = {
        str(record.body["data"]["tls.key"])
        for record in run.kube.requests
        if record.kind == "Secret"
        and isinstance(record.body, dict)
        and "tls.key" in (record.body.get("data") or {})
    }
    return sorted(values | {base64.b64decode(value).decode() for value in values})


def log_text(record: logging.LogRecord) -> str:
    """The message, arguments and traceback of a record: all a log handler could write."""
    parts = [record.getMessage(), repr(record.args), record.exc_text or ""]
    parts.append(record.stack_info or "")
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(repr(record.exc_info[1]))
    return "\n".join(parts)


def everything(run: BundleRun, capture: Capture) -> list[Haystack]:
    return [
        *(Haystack(f"log record {r.name}:{r.lineno}", log_text(r)) for r in capture.logs),
        *capture.databags,
        *capture.statuses,
        *capture.actions,
        *unit_haystacks(run),
        *kube_haystacks(run),
    ]


def test_no_private_key_material_outside_tls_secrets(played, tally):
    run, capture = played
    keys = needles(key_pems(run, capture))

    found = leaks(everything(run, capture), keys)

    tally["secrets hygiene: leaks found"] += len(found)
    tally["secrets hygiene: places searched"] += len(everything(run, capture))
    assert found == []


def test_key_material_is_sent_only_to_secret_endpoints(played):
    run, capture = played
    keys = needles(key_pems(run, capture))

    carriers = [
        (record.verb, record.kind, record.subresource)
        for record in run.kube.requests
        if leaks([Haystack("body", json.dumps(record.body, default=str))], keys)
    ]

    assert carriers, "no request carried the key: the search found nothing to find"
    assert {kind for _verb, kind, _sub in carriers} == {"Secret"}
    assert {verb for verb, _kind, _sub in carriers} <= SECRET_VERBS
    assert {sub for _verb, _kind, sub in carriers} == {None}


def test_the_search_is_not_vacuous(played):
    """The key is where it belongs, and every capture actually captured something."""
    run, capture = played
    sent = {pem.strip() for pem in sent_keys(run) if PEM_PRIVATE.search(pem)}

    # Compared as sets of stripped PEMs; a failure must not print the keys themselves.
    assert sent, "no TLS Secret was written"
    assert sent <= {pem.strip() for pem in capture.juju_keys}, "a key not from the Juju secret"
    assert any(r.levelno == logging.DEBUG for r in capture.logs)
    assert any(stack.text for stack in unit_haystacks(run) if stack.where.startswith("juju-log"))
    assert capture.databags
    assert capture.statuses
    got = [item.outcome for item in run.actions if item.outcome.ok]
    assert len(got) >= 3
    assert all("BEGIN CERTIFICATE" in o.results["certificate"] for o in got)


def test_gateway_key_secret_is_owned_by_the_gateway_and_granted_to_nobody(played):
    _run, capture = played

    assert set(capture.key_holders.values()) == {("gateway-api-integrator", False)}


@pytest.mark.parametrize(
    "leaked",
    [
        lambda pem: "-----BEGIN EC PRIVATE KEY-----",
        lambda pem: "-----END ENCRYPTED PRIVATE KEY-----",
        lambda pem: f"debug: key line {pem.splitlines()[3]}",
        lambda pem: json.dumps({"k": base64.b64encode(pem.encode()).decode()}),
        lambda pem: base64.b64encode(pem.encode()).decode()[64:128],
    ],
    ids=["pem-header-ec", "pem-footer-encrypted", "body-line", "base64-pem", "base64-chunk"],
)
def test_detector_finds_each_form_of_key_material(requirer_key, leaked):
    keys = needles([requirer_key])

    assert leaks([Haystack("planted", leaked(requirer_key))], keys)


def test_detector_ignores_certificates_and_csrs(requirer_key, tls):
    keys = needles([requirer_key])

    assert leaks([Haystack("public", tls.ca)], keys) == []


def test_each_charm_writes_only_in_its_own_namespace(played):
    """`juju trust` grants cluster-wide access; the charms use it in their own model only.

    Writes carry the application as field manager; deletes carry none, so they are only checked
    against the models the charms run in.
    """
    run, _capture = played
    models = {name: app.model for name, app in run.scenario.applications.items()}
    charm_models = {
        app.model for app in run.scenario.applications.values() if app.charm.startswith("gateway")
    }

    writes = [r for r in run.kube.requests if r.verb in SECRET_VERBS]
    deletes = [r for r in run.kube.requests if r.verb in {"delete", "deletecollection"}]

    assert writes
    assert [r for r in writes if r.namespace != models.get(str(r.field_manager))] == []
    assert [r for r in deletes if r.namespace not in charm_models] == []
